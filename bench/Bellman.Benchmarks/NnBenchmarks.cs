using BenchmarkDotNet.Attributes;
using Bellman.Nn;
using Bellman.Nn.Layers;

namespace Bellman.Benchmarks;

/// <summary>
/// The network engine at RL sizes: a DQN gradient step's forward and backward (batch 64, MLP 4-256-256-2,
/// Huber loss of Q(s, a) against r + γ max_a' Q_target(s', a') computed in no-grad mode) and a greedy
/// action at batch 1. The optimizer step is not included. Both must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class NnBenchmarks
{
    private const int Batch = 64, ObsDim = 4, Actions = 2;
    private const float Gamma = 0.99f;
    private readonly Graph _graph = new();
    private readonly Graph _actGraph = new();
    private readonly int[] _actions = new int[Batch];
    private readonly int[] _greedy = new int[1];
    private readonly float[] _states = new float[Batch * ObsDim];
    private readonly float[] _nextStates = new float[Batch * ObsDim];
    private readonly float[] _rewards = new float[Batch];
    private readonly float[] _terminated = new float[Batch];
    private Sequential _online = null!;
    private Sequential _target = null!;

    /// <summary>Builds the networks and a fixed random batch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new SeededRandom(1);
        _online = Mlp.Create([ObsDim, 256, 256, Actions], Activation.ReLU, rng);
        _target = Mlp.Create([ObsDim, 256, 256, Actions], Activation.ReLU, rng);
        _target.CopyFrom(_online);
        for (int i = 0; i < _states.Length; i++)
        {
            _states[i] = (float)(2 * rng.NextDouble() - 1);
            _nextStates[i] = (float)(2 * rng.NextDouble() - 1);
        }
        for (int i = 0; i < Batch; i++)
        {
            _actions[i] = rng.NextInt(Actions);
            _rewards[i] = 1f;
            _terminated[i] = rng.NextDouble() < 0.05 ? 1f : 0f;
        }
    }

    /// <summary>One DQN loss forward and backward (zero-grad included, optimizer excluded).</summary>
    [Benchmark]
    public float DqnForwardBackward()
    {
        Graph g = _graph;
        g.Reset();
        _online.ZeroGrad();
        Tensor y;
        using (g.NoGrad())
        {
            Tensor maxNext = g.Max(_target.Forward(g, g.Input(_nextStates, new Shape(Batch, ObsDim))), 1);
            y = g.Zeros(new Shape(Batch));
            Span<float> ys = y.Data;
            ReadOnlySpan<float> next = maxNext.Data;
            for (int i = 0; i < Batch; i++) ys[i] = _rewards[i] + Gamma * (1f - _terminated[i]) * next[i];
        }
        Tensor q = g.Gather(_online.Forward(g, g.Input(_states, new Shape(Batch, ObsDim))), _actions);
        Tensor loss = g.HuberLoss(q, y);
        g.Backward(loss);
        return loss.Item();
    }

    /// <summary>argmax_a Q(s, a) for one observation.</summary>
    [Benchmark]
    public int GreedyAction()
    {
        Graph g = _actGraph;
        g.Reset();
        using (g.NoGrad()) Graph.ArgMax(_online.Forward(g, g.Input(_states.AsSpan(0, ObsDim), new Shape(1, ObsDim))), _greedy);
        return _greedy[0];
    }
}
