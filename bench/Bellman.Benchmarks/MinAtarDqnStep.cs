using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Cli.Diagnostics;
using Bellman.Environments;

namespace Bellman.Benchmarks;

/// <summary>
/// One DQN update at MinAtar's reference settings (<see cref="DqnPresets.MinAtarReference"/>) on Breakout (C = 4,
/// |A| = 3): <see cref="DqnAgent.Train"/> on a batch of 32 real transitions (random play), i.e. the target
/// network's forward on s', the online forward and backward on s, Huber loss and centred RMSprop.
/// <para>
/// FLOPs (2 per multiply-add, products only), per sample: Conv(4→16, 3×3) on 10×10 → 8×8×16 = 1,024 outputs × 36
/// = 36,864 MACs; Linear(1024→128) 131,072 MACs; Linear(128→3) 384 MACs; forward 168,320 MACs = 336,640 FLOP.
/// Backward: the weight gradient of each layer (as many MACs as its forward) and the input gradients of the two
/// Linear layers (the convolution's input, the observation, needs none): 299,776 MACs = 599,552 FLOP. Target
/// forward on s' 336,640 FLOP. Per sample 1,272,832 FLOP; × 32 = <see cref="Flops"/> = 40,730,624 ≈ 40.7 MFLOP
/// (43.1 MFLOP if the convolution's unneeded input gradient is counted, as the issue's "about 43"). Not counted:
/// biases, ReLU, the loss and RMSprop over the 132,179 parameters (memory-bound, about 1.3 MFLOP of element work).
/// </para>
/// </summary>
public sealed class MinAtarDqnStep
{
    /// <summary>Multiply-adds of one forward of the network for one observation (conv 36,864, Linear 131,072 and 384).</summary>
    public const double ForwardMacs = 36_864 + 131_072 + 384;

    /// <summary>FLOPs of one update (see the class comment).</summary>
    public const double Flops = 32.0 * 2 * (2 * ForwardMacs + ForwardMacs + (131_072 + 384));

    private readonly DqnAgent _agent;
    private readonly ReplayBatch _batch;
    private readonly float[] _tdErrors = new float[32];
    private readonly UpdateContext _context;

    /// <summary>Builds the agent from the reference preset and a batch of 32 transitions of random play on Breakout.</summary>
    public MinAtarDqnStep(ulong seed = 1)
    {
        var env = EnvRegistry.Default.Make("MinAtar/Breakout-v1", new Dictionary<string, string>());
        var options = DqnPresets.MinAtarReference;
        _agent = new DqnAgent(env.ObservationSpace, env.ActionSpace, options, new Rng(seed));
        int obs = env.ObservationSpace.FlatSize;
        _batch = new ReplayBatch(options.BatchSize, obs, 1);
        var rng = new Rng(seed + 1);
        var previous = new float[obs];
        env.Reset((int)seed).CopyTo(previous);
        // Skip into the episode a little so that the observations are typical, then keep 32 consecutive transitions.
        for (int i = 0, t = 0; i < options.BatchSize; t++)
        {
            int a = rng.NextInt(3);
            var r = env.Step(a);
            if (t >= 20) _batch.Set(i++, previous, [a], a, r.Reward, r.Terminated ? 0f : 0.99f, env.Observation);
            if (r.Terminated || r.Truncated) env.Reset();
            env.Observation.CopyTo(previous);
        }
        _context = new UpdateContext(0.5, new Rng(seed + 2), new UpdateMetrics(_agent.Metrics));
    }

    /// <summary>One update.</summary>
    public void Update() => _agent.Train(_batch, _tdErrors, _context);

    /// <summary>The parts of the update, each timed alone with its exact shape: the products, the conv's im2col work, RMSprop.</summary>
    public static void Parts(TextWriter output, double peak)
    {
        var rng = new Rng(3);
        float[] R(int n) { var x = new float[n]; for (int i = 0; i < n; i++) x[i] = rng.NextFloat() < 0.1f ? 1f : 0f; return x; }
        output.WriteLine($"{"part",-44} {"µs",8} {"floor µs",9}");
        void G(string name, int m, int n, int k, bool ta, bool tb, int count)
        {
            float[] a = R(m * k), b = R(k * n), c = new float[m * n];
            double us = QuickTiming.MedianSeconds(() => Bellman.Nn.Kernels.Gemm.Multiply(a, b, c, m, n, k, ta, tb, accumulate: count < 0), 20) * 1e6;
            output.WriteLine($"{$"{name} ×{Math.Abs(count)}",-44} {us,8:F2} {2.0 * m * n * k / peak / 1e3,9:F2}");
        }
        G("conv fwd per image 16x64x36 NN", 16, 64, 36, false, false, 2 * 32);
        G("conv dW per image 16x36x64 NT acc", 16, 36, 64, false, true, -32);
        G("linear1 fwd 32x128x1024 NT", 32, 128, 1024, false, true, 2);
        G("linear1 dX 32x1024x128 NN", 32, 1024, 128, false, false, 1);
        G("linear1 dW 128x1024x32 TN acc", 128, 1024, 32, true, false, -1);
        var step = new MinAtarDqnStep();
        var g = new Bellman.Nn.Graph();
        var conv = new Bellman.Nn.Layers.Conv2d(4, 16, 3, new Rng(5));
        var x = R(32 * 4 * 10 * 10);
        double fwd = QuickTiming.MedianSeconds(() => { g.Reset(); using (g.NoGrad()) conv.Forward(g, g.Input(x, new Bellman.Nn.Shape(32, 4, 10, 10))); }, 20) * 1e6;
        output.WriteLine($"{"Conv2d forward, batch 32 (graph) ×2",-44} {fwd,8:F2} {2.0 * 32 * 36_864 / peak / 1e3,9:F2}");
        var dy = R(32 * 16 * 64);
        var dwConv = new float[16 * 36];
        var shape = new Bellman.Nn.Kernels.Conv2dShape(32, 4, 10, 10, 16, 3, 3);
        var scratch = new float[shape.ScratchSize];
        double dwUs = QuickTiming.MedianSeconds(() => Bellman.Nn.Kernels.Conv2dKernels.WeightGradient(x, dy, dwConv, shape, scratch), 20) * 1e6;
        output.WriteLine($"{"Conv2d weight gradient, batch 32 (kernel)",-44} {dwUs,8:F2} {2.0 * 32 * 36_864 / peak / 1e3,9:F2}");
        var obs = new Bellman.Nn.Shape(32, 10, 10, 4);
        var hidden = R(32 * 1024);
        double cf = QuickTiming.MedianSeconds(() => { g.Reset(); using (g.NoGrad()) g.ToChannelsFirst(g.Input(step._batch.Observations, obs)); }, 20) * 1e6;
        output.WriteLine($"{"ChannelsFirst, batch 32 (graph)",-44} {cf,8:F2}");
        double relu = QuickTiming.MedianSeconds(() => { g.Reset(); using (g.NoGrad()) g.Relu(g.Input(hidden, new Bellman.Nn.Shape(32, 16, 8, 8))); }, 20) * 1e6;
        output.WriteLine($"{"ReLU 32x16x8x8 (graph)",-44} {relu,8:F2}");
        var head = new Bellman.Nn.Layers.Linear(128, 3, new Rng(6));
        var h128 = R(32 * 128);
        double lin2 = QuickTiming.MedianSeconds(() => { g.Reset(); using (g.NoGrad()) head.Forward(g, g.Input(h128, new Bellman.Nn.Shape(32, 128))); }, 20) * 1e6;
        output.WriteLine($"{"Linear(128→3) forward, batch 32 (graph)",-44} {lin2,8:F2} {2.0 * 32 * 384 / peak / 1e3,9:F2}");
        double qf = QuickTiming.MedianSeconds(() => { g.Reset(); using (g.NoGrad()) step._agent.Q.Forward(g, g.Input(step._batch.Observations, obs)); }, 20) * 1e6;
        output.WriteLine($"{"Q forward, batch 32, no grad (graph)",-44} {qf,8:F2} {Flops / 3.78 / peak / 1e3,9:F2}");
        double qfb = QuickTiming.MedianSeconds(() =>
        {
            g.Reset();
            var q = step._agent.Q.Forward(g, g.Input(step._batch.Observations, obs));
            g.Backward(g.Mean(g.Gather(q, step._batch.DiscreteActions)));
        }, 20) * 1e6;
        output.WriteLine($"{"Q forward + backward, batch 32 (graph)",-44} {qfb,8:F2}");
        double zero = QuickTiming.MedianSeconds(() => step._agent.Optimizer.ZeroGrad(), 20) * 1e6;
        output.WriteLine($"{"ZeroGrad",-44} {zero,8:F2}");
        double rms = QuickTiming.MedianSeconds(() => step._agent.Optimizer.Step(), 20) * 1e6;
        output.WriteLine($"{"RMSprop.Step (132,179 parameters)",-44} {rms,8:F2}");
        double whole = QuickTiming.MedianSeconds(step.Update, 20) * 1e6;
        output.WriteLine($"{"whole update",-44} {whole,8:F2} {Flops / peak / 1e3,9:F2}");
    }

    /// <summary>Bytes per transition of a 1M-transition replay buffer for each MinAtar game (observations stored as bits, each once).</summary>
    public static void ReplayBytes(TextWriter output)
    {
        foreach (var game in new[] { "Breakout", "SpaceInvaders", "Freeway", "Asterix", "Seaquest" })
        {
            var env = EnvRegistry.Default.Make($"MinAtar/{game}-v1", new Dictionary<string, string>());
            var buffer = new ReplayBuffer(1_000_000, env.ObservationSpace.FlatSize, 1, discreteActions: true, 1, ObservationStore.TypeFor(env.ObservationSpace));
            output.WriteLine($"{game}: observation {string.Join("x", env.ObservationSpace.Shape)} stored as {ObservationStore.TypeFor(env.ObservationSpace)}; {buffer.BytesPerTransition:F1} bytes/transition; 1M transitions = {buffer.AllocatedBytes / 1e6:F1} MB");
        }
    }

    /// <summary>`minatar-dqn-step`: the median thread CPU time of one update and its ratio to the floor (FLOPs / peak).</summary>
    public static void Run(TextWriter output, double? peakGflops = null)
    {
        double peak = peakGflops ?? CorePeak.MeasureGflops();
        var step = new MinAtarDqnStep();
        const int reps = 20;
        var times = QuickTiming.SortedSeconds(step.Update, reps, rounds: 41, warmupCalls: 200);
        double median = times[times.Length / 2], floor = Flops / (peak * 1e9);
        output.WriteLine($"one-core FMA peak {peak:F1} GFLOP/s; one DQN update (MinAtar Breakout, batch 32): {Flops / 1e6:F2} MFLOP");
        output.WriteLine($"median {median * 1e3:F3} ms (thread CPU time, {times.Length} × {reps} updates; min {times[0] * 1e3:F3}, max {times[^1] * 1e3:F3}); floor {floor * 1e3:F3} ms; ratio {median / floor:F2}× floor; {1 / median:F0} updates/s");
    }
}
