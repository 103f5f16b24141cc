using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Bellman.Algorithms.Tabular;
using Bellman.Core.Random;
using Bellman.Core.Tabular;
using Bellman.Environments;
using Bellman.Environments.Wrappers;

namespace Bellman.Benchmarks;

/// <summary>
/// Dynamic programming on toy-text-sized models, to tolerance 1e-10 at γ = 0.99: value iteration on the
/// registered FrozenLake8x8-v1 (slippery, 64×4, three outcomes each) and Taxi-v4 (500×6, one outcome each),
/// the models <c>bellman solve</c> uses, and on a random deterministic 500×6 model whose values converge only
/// geometrically (the worst case for the sweep count). Goals: Taxi ≤ 20 ms, FrozenLake 8x8 ≤ 5 ms.
/// </summary>
[MemoryDiagnoser]
public class TabularBenchmarks
{
    private static readonly DpOptions Options = new() { Gamma = 0.99, Tolerance = 1e-10 };

    private TabularModel _frozenLake8x8 = null!;
    private TabularModel _taxi = null!;
    private TabularModel _random500x6 = null!;

    /// <summary>Builds the three models.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _frozenLake8x8 = TabularBenchmarkModels.Registered("FrozenLake8x8-v1");
        _taxi = TabularBenchmarkModels.Registered("Taxi-v4");
        _random500x6 = TabularBenchmarkModels.RandomDeterministic(500, 6, seed: 1);
    }

    /// <summary>Value iteration, FrozenLake 8x8 slippery.</summary>
    [Benchmark]
    public ValueIterationResult ValueIterationFrozenLake8x8() => ValueIteration.Run(_frozenLake8x8, Options);

    /// <summary>Value iteration, in-place sweeps, FrozenLake 8x8 slippery.</summary>
    [Benchmark]
    public ValueIterationResult ValueIterationFrozenLake8x8InPlace() => ValueIteration.Run(_frozenLake8x8, Options with { Sweep = SweepKind.InPlace });

    /// <summary>Value iteration, Taxi 500×6.</summary>
    [Benchmark]
    public ValueIterationResult ValueIterationTaxi() => ValueIteration.Run(_taxi, Options);

    /// <summary>Value iteration, random deterministic 500×6.</summary>
    [Benchmark]
    public ValueIterationResult ValueIterationRandom500x6() => ValueIteration.Run(_random500x6, Options);

    /// <summary>Policy iteration with exact evaluation, Taxi 500×6 (dense 500×500 solves).</summary>
    [Benchmark]
    public PolicyIterationResult PolicyIterationExactTaxi() => PolicyIteration.Run(_taxi, Options, EvaluationMethod.Exact);

    /// <summary>
    /// A quick measurement without BenchmarkDotNet: every benchmark above runs 5 times to warm up, then at
    /// least <paramref name="minRuns"/> times (more while under <paramref name="budgetSeconds"/>, at most 1000);
    /// returns the median and minimum wall time of one run in milliseconds, with the sweep count and status.
    /// </summary>
    public static IReadOnlyList<(string Name, double MedianMs, double MinMs, string Info)> MeasureWithStopwatch(int minRuns = 31, double budgetSeconds = 2)
    {
        var b = new TabularBenchmarks();
        b.Setup();
        var cases = new (string Name, Func<object> Run)[]
        {
            ("ValueIteration FrozenLake 8x8", b.ValueIterationFrozenLake8x8),
            ("ValueIteration FrozenLake 8x8 in place", b.ValueIterationFrozenLake8x8InPlace),
            ("ValueIteration Taxi 500x6", b.ValueIterationTaxi),
            ("ValueIteration random 500x6", b.ValueIterationRandom500x6),
            ("PolicyIteration exact Taxi", b.PolicyIterationExactTaxi),
        };
        var rows = new List<(string, double, double, string)>();
        foreach (var (name, run) in cases)
        {
            string info = run() switch
            {
                ValueIterationResult v => v.Status,
                PolicyIterationResult p => p.Status,
                _ => "",
            };
            for (int i = 0; i < 5; i++) run();
            var times = new List<double>();
            var total = Stopwatch.StartNew();
            while (times.Count < minRuns || (total.Elapsed.TotalSeconds < budgetSeconds && times.Count < 1000))
            {
                long start = Stopwatch.GetTimestamp();
                run();
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            times.Sort();
            rows.Add((name, times[times.Count / 2], times[0], info));
        }
        return rows;
    }
}

/// <summary>The models the tabular benchmarks run on.</summary>
public static class TabularBenchmarkModels
{
    /// <summary>The model of a registered environment, exactly as <c>bellman solve</c> gets it (unwrapped from its time limit).</summary>
    public static TabularModel Registered(string id) => ((ITabularEnvironment)EnvRegistry.Default.Make(id).Unwrap()).Model;

    /// <summary>
    /// A deterministic model with uniformly random next states and rewards uniform in [0, 1), where 1% of the
    /// pairs terminate with reward 0: the best policies loop forever, so V_k approaches V* only geometrically
    /// (about log(tol)/log(γ) sweeps).
    /// </summary>
    public static TabularModel RandomDeterministic(int states, int actions, ulong seed)
    {
        var rng = new Rng(seed);
        var table = new Outcome[states, actions];
        for (int s = 0; s < states; s++)
            for (int a = 0; a < actions; a++)
                table[s, a] = rng.Bernoulli(0.01) ? new Outcome(1, s, 0, true) : new Outcome(1, rng.NextInt(states), rng.NextDouble(), false);
        var initial = new double[states];
        initial[0] = 1;
        return new TabularModel(states, actions, (s, a) => [table[s, a]], initial);
    }
}
