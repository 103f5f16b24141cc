using BenchmarkDotNet.Attributes;
using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Random;
using Bellman.Core.Spaces;

namespace Bellman.Benchmarks;

/// <summary>
/// What each way of maximising Q costs per action on Pendulum-v1's spaces (3 observations, 1 action in
/// [−2, 2]), with an H-H ReLU network: QT-Opt's cross-entropy method for one state (64 samples × 2
/// iterations = 128 critic evaluations in two batched passes, 6 elites) against NAF's closed form (one
/// forward pass to μ(s)); and one gradient step of each (NAF batch 128, QT-Opt batch 64 with CEM over the
/// batch's next states for its targets), as the Pendulum presets run them.
/// </summary>
[MemoryDiagnoser]
public class ContinuousQBenchmarks
{
    private static readonly Box Observations = new(-8f, 8f, 3), Actions = new(-2f, 2f, 1);
    private readonly float[] _observation = [0.6f, -0.8f, 0.3f], _action = new float[1];
    private NafAgent _naf = null!;
    private QtOptAgent _qtOpt = null!;
    private ReplayBatch _nafBatch = null!, _qtBatch = null!;
    private float[] _td = null!;
    private UpdateMetrics _nafMetrics = null!, _qtMetrics = null!;
    private Rng _rng = null!;

    /// <summary>Hidden layer width (two layers).</summary>
    [Params(64, 256)]
    public int Hidden { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _naf = new NafAgent(Observations, Actions, new NafOptions { NetArch = [Hidden, Hidden] }, new Rng(1));
        _qtOpt = new QtOptAgent(Observations, Actions, new QtOptOptions { NetArch = [Hidden, Hidden] }, new Rng(2));
        _rng = new Rng(3);
        _nafBatch = Batch(128);
        _qtBatch = Batch(64);
        _td = new float[128];
        _nafMetrics = new UpdateMetrics(_naf.Metrics);
        _qtMetrics = new UpdateMetrics(_qtOpt.Metrics);
    }

    private ReplayBatch Batch(int n)
    {
        var batch = new ReplayBatch(n, 3, 1);
        for (int i = 0; i < n; i++)
        {
            float th = (float)_rng.Uniform(-Math.PI, Math.PI);
            batch.Set(i, [MathF.Cos(th), MathF.Sin(th), (float)_rng.Uniform(-8, 8)], [(float)_rng.Uniform(-2, 2)], 0, -_rng.NextDouble(), 0.98f,
                [MathF.Cos(th + 0.05f), MathF.Sin(th + 0.05f), (float)_rng.Uniform(-8, 8)]);
        }
        return batch;
    }

    /// <summary>QT-Opt's greedy action for one state: CEM, 64 × 2 candidates.</summary>
    [Benchmark]
    public float QtOptCemAction()
    {
        _qtOpt.Greedy(_observation, _action);
        return _action[0];
    }

    /// <summary>NAF's greedy action for one state: μ(s).</summary>
    [Benchmark(Baseline = true)]
    public float NafAction()
    {
        _naf.Greedy(_observation, _action);
        return _action[0];
    }

    /// <summary>One NAF gradient step on a batch of 128 (target V', Q, backward, Adam, Polyak).</summary>
    [Benchmark]
    public void NafTrainStep() => _naf.Train(_nafBatch, _td, new UpdateContext(0.5, _rng, _nafMetrics));

    /// <summary>One QT-Opt gradient step on a batch of 64 (CEM over the 64 next states, both targets, Q, backward, Adam, Polyak).</summary>
    [Benchmark]
    public void QtOptTrainStep() => _qtOpt.Train(_qtBatch, _td, new UpdateContext(0.5, _rng, _qtMetrics));
}
