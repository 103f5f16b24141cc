using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Bellman.Algorithms.Tabular;
using Bellman.Core.Random;
using Bellman.Core.Tabular;

namespace Bellman.Benchmarks;

/// <summary>
/// Dynamic programming on toy-text-sized models, to tolerance 1e-10 at γ = 0.99: value iteration on
/// FrozenLake 8x8 (slippery, 64×4, three outcomes each), on Taxi (500×6, one outcome each, built as
/// Gymnasium's Taxi P table) and on a random deterministic 500×6 model whose values converge only
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
        _frozenLake8x8 = TabularBenchmarkModels.FrozenLake(TabularBenchmarkModels.FrozenLake8x8Map, slippery: true);
        _taxi = TabularBenchmarkModels.Taxi();
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

/// <summary>The models the tabular benchmarks run on, built from the rules of Gymnasium's toy-text environments.</summary>
public static class TabularBenchmarkModels
{
    /// <summary>Gymnasium's <c>MAPS["8x8"]</c>.</summary>
    public static readonly string[] FrozenLake8x8Map =
        ["SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF", "FFFHFFFF", "FHHFFFHF", "FHFFHFHF", "FFFHFFFG"];

    /// <summary>
    /// FrozenLake's P table: actions 0 Left, 1 Down, 2 Right, 3 Up; slippery moves go to the intended
    /// direction with 1/3 and to each perpendicular one with (1 - 1/3)/2; holes and the goal are absorbing
    /// and terminated; reaching the goal pays 1.
    /// </summary>
    public static TabularModel FrozenLake(string[] map, bool slippery)
    {
        int rows = map.Length, cols = map[0].Length, states = rows * cols;
        (int, int) Move(int r, int c, int a) => a switch
        {
            0 => (r, Math.Max(c - 1, 0)),
            1 => (Math.Min(r + 1, rows - 1), c),
            2 => (r, Math.Min(c + 1, cols - 1)),
            _ => (Math.Max(r - 1, 0), c),
        };
        IEnumerable<Outcome> Outcomes(int s, int a)
        {
            int r = s / cols, c = s % cols;
            if (map[r][c] is 'H' or 'G')
            {
                yield return new Outcome(1.0, s, 0, true);
                yield break;
            }
            double side = (1 - 1.0 / 3) / 2;
            var moves = slippery ? new[] { ((a + 3) % 4, side), (a, 1.0 / 3), ((a + 1) % 4, side) } : [(a, 1.0)];
            foreach (var (b, p) in moves)
            {
                var (nr, nc) = Move(r, c, b);
                char letter = map[nr][nc];
                yield return new Outcome(p, nr * cols + nc, letter == 'G' ? 1 : 0, letter is 'G' or 'H');
            }
        }
        var initial = new double[states];
        initial[0] = 1;
        return new TabularModel(states, 4, Outcomes, initial);
    }

    /// <summary>
    /// Taxi's P table (500 states = ((row·5 + col)·5 + passenger)·4 + destination, 6 actions: south, north,
    /// east, west, pickup, dropoff; -1 per step, -10 for an illegal pickup or dropoff, +20 and termination
    /// for a dropoff at the destination).
    /// </summary>
    public static TabularModel Taxi()
    {
        string[] desc = ["+---------+", "|R: | : :G|", "| : | : : |", "| : : : : |", "| | : | : |", "|Y| : |B: |", "+---------+"];
        (int R, int C)[] locs = [(0, 0), (0, 4), (4, 0), (4, 3)];
        static int Encode(int row, int col, int pass, int dest) => ((row * 5 + col) * 5 + pass) * 4 + dest;
        var table = new Outcome[500, 6];
        var initial = new double[500];
        for (int row = 0; row < 5; row++)
        for (int col = 0; col < 5; col++)
        for (int pass = 0; pass < 5; pass++)
        for (int dest = 0; dest < 4; dest++)
        {
            int s = Encode(row, col, pass, dest);
            if (pass < 4 && pass != dest) initial[s] = 1;
            for (int a = 0; a < 6; a++)
            {
                int nr = row, nc = col, np = pass;
                double reward = -1;
                bool terminated = false;
                int taxiLoc = Array.IndexOf(locs, (row, col));
                switch (a)
                {
                    case 0: nr = Math.Min(row + 1, 4); break;
                    case 1: nr = Math.Max(row - 1, 0); break;
                    case 2: if (desc[1 + row][2 * col + 2] == ':') nc = Math.Min(col + 1, 4); break;
                    case 3: if (desc[1 + row][2 * col] == ':') nc = Math.Max(col - 1, 0); break;
                    case 4:
                        if (pass < 4 && taxiLoc == pass) np = 4;
                        else reward = -10;
                        break;
                    default:
                        if (taxiLoc == dest && pass == 4) { np = dest; terminated = true; reward = 20; }
                        else if (taxiLoc >= 0 && pass == 4) np = taxiLoc;
                        else reward = -10;
                        break;
                }
                table[s, a] = new Outcome(1.0, Encode(nr, nc, np, dest), reward, terminated);
            }
        }
        double total = initial.Sum();
        for (int s = 0; s < 500; s++) initial[s] /= total;
        return new TabularModel(500, 6, (s, a) => [table[s, a]], initial);
    }

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
