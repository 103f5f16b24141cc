using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Core.Random;
using Bellman.Core.Spaces;

namespace Bellman.Benchmarks;

/// <summary>
/// One gradient step of SAC (batch 256, 256-256 actor and critics, Pendulum's 3-dimensional observation
/// and 1-dimensional action: α step, both critics, actor, Polyak) and of TD3 (batch 256, 400-300, the
/// step with the delayed actor update and the one without), on a fixed random batch.
/// FLOPs of the SAC step, counting 2 per multiply-add of the Linear layers: one network pass is
/// 2 · 256 · (3·256 + 256·256 + 2·256) for the actor and 2 · 256 · (4·256 + 256·256 + 256) for a critic
/// (34.2 MFLOP each); the step does 2 actor forwards (s and s'), 1 actor backward (weights, and inputs
/// but for the first layer), 2 target-critic forwards, 2 critic forwards + backwards (weights and inputs
/// but for the first layer), 2 critic forwards + input-only backwards for the actor loss: ≈ 16 passes,
/// <see cref="SacStepFlops"/> ≈ 0.55 GFLOP.
/// </summary>
[MemoryDiagnoser]
public class ContinuousBenchmarks
{
    private const int Batch = 256;
    private SacAgent _sac = null!;
    private Td3Agent _td3 = null!;
    private ReplayBatch _batch = null!;
    private float[] _td = null!;
    private UpdateMetrics _sacMetrics = null!, _td3Metrics = null!;
    private Rng _rng = null!;

    /// <summary>The FLOPs of one SAC step as counted above (Linear layers only).</summary>
    public static double SacStepFlops(int batch = Batch, int obs = 3, int act = 1, int h1 = 256, int h2 = 256)
    {
        double layerActor1 = obs * h1, layerCritic1 = (obs + act) * h1, mid = h1 * h2, actorHeads = 2.0 * h2 * act, criticHead = h2;
        double actorFwd = layerActor1 + mid + actorHeads, criticFwd = layerCritic1 + mid + criticHead;
        double actorBwd = layerActor1 + 2 * mid + 2 * actorHeads;                  // dW everywhere, dX but for layer 1
        double criticTrainBwd = layerCritic1 + 2 * mid + 2 * criticHead;
        double criticInputBwd = layerCritic1 + mid + criticHead;                   // dX only, through the frozen critic
        double macs = 2 * actorFwd + actorBwd + 2 * criticFwd + 2 * (criticFwd + criticTrainBwd) + 2 * (criticFwd + criticInputBwd);
        return 2 * batch * macs;
    }

    /// <summary>Builds the agents and a random Pendulum-shaped batch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var obs = new Box([-1f, -1f, -8f], [1f, 1f, 8f]);
        var act = new Box(-2f, 2f, 1);
        _sac = new SacAgent(obs, act, new SacOptions(), new Rng(1));
        _td3 = new Td3Agent(obs, act, new Td3Options(), new Rng(1), "td3");
        _rng = new Rng(2);
        _batch = new ReplayBatch(Batch, 3, 1);
        for (int i = 0; i < Batch; i++)
        {
            float[] s = [(float)_rng.Uniform(-1, 1), (float)_rng.Uniform(-1, 1), (float)_rng.Uniform(-8, 8)];
            float[] s2 = [(float)_rng.Uniform(-1, 1), (float)_rng.Uniform(-1, 1), (float)_rng.Uniform(-8, 8)];
            _batch.Set(i, s, [(float)_rng.Uniform(-2, 2)], 0, -_rng.Uniform(0, 16), 0.99f, s2);
        }
        _td = new float[Batch];
        _sacMetrics = new UpdateMetrics(_sac.Metrics);
        _td3Metrics = new UpdateMetrics(_td3.Metrics);
    }

    /// <summary>One SAC gradient step.</summary>
    [Benchmark]
    public void SacStep() => _sac.Train(_batch, _td, new UpdateContext(0.5, _rng, _sacMetrics));

    /// <summary>Two TD3 gradient steps (one with the delayed actor and target update, one without).</summary>
    [Benchmark(OperationsPerInvoke = 2)]
    public void Td3Step()
    {
        _td3.Train(_batch, _td, new UpdateContext(0.5, _rng, _td3Metrics));
        _td3.Train(_batch, _td, new UpdateContext(0.5, _rng, _td3Metrics));
    }

    /// <summary>Stopwatch medians of <paramref name="rounds"/> rounds of 50 steps each, after a warm-up (a quick look, not BenchmarkDotNet).</summary>
    public static void Quick(TextWriter output, int rounds = 15)
    {
        var b = new ContinuousBenchmarks();
        b.Setup();
        for (int i = 0; i < 300; i++) { b.SacStep(); b.Td3Step(); }
        // Wall time and this thread's CPU time (the latter less disturbed when other processes share the core).
        (double Wall, double Cpu) Median(Action step)
        {
            var wall = new double[rounds];
            var cpu = new double[rounds];
            for (int r = 0; r < rounds; r++)
            {
                var sw = Stopwatch.StartNew();
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                for (int i = 0; i < 50; i++) step();
                wall[r] = sw.Elapsed.TotalMilliseconds / 50;
                cpu[r] = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / 50;
            }
            Array.Sort(wall);
            Array.Sort(cpu);
            return (wall[rounds / 2], cpu[rounds / 2]);
        }
        var sac = Median(b.SacStep);
        var td3 = Median(b.Td3Step);
        double flops = SacStepFlops();
        output.WriteLine($"SAC step (b256, 256-256): wall {sac.Wall:F3} ms, CPU {sac.Cpu:F3} ms (medians); {flops / 1e9:F3} GFLOP -> {flops / (sac.Cpu * 1e6):F1} GFLOP/s of CPU time");
        output.WriteLine($"TD3 step (b256, 400-300, mean of a delayed-actor step and a critic-only step): wall {td3.Wall / 2:F3} ms, CPU {td3.Cpu / 2:F3} ms (medians)");
    }
}
