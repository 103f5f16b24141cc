using Bellman.Nn;
using Bellman.Nn.Layers;
using Bellman.Nn.Optimizers;

namespace Bellman.Cli.Diagnostics;

/// <summary>
/// The reference workload for the engine's speed at RL sizes: one DQN gradient step — batch 64, MLP
/// 4-256-256-2, Huber loss of Q(s, a) against r + γ max_a' Q_target(s', a') (target in no-grad mode),
/// gradient-norm clip 10, Adam — and one greedy action at batch 1 on the same network.
/// Used by <c>bellman bench nn</c> and, compiled in as a linked source file, by BenchmarkDotNet (bench/): a
/// workload of the engine's users, so it lives with them and not in the engine.
/// </summary>
public sealed class DqnStepWorkload
{
    /// <summary>Floating-point operations of one gradient step: 2·(forward + two backward products) for the online net plus the target forward.</summary>
    public static readonly double GradStepFlops = ComputeFlops(64, [4, 256, 256, 2]);

    /// <summary>Floating-point operations of one greedy action (2 per multiply-add).</summary>
    public static readonly double GreedyFlops = 2.0 * (4 * 256 + 256 * 256 + 256 * 2);

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
    private readonly Sequential _online;
    private readonly Sequential _target;
    private readonly Adam _adam;
    private readonly BatchOneForward _act;

    /// <summary>Builds the networks, the optimizer and a fixed random batch.</summary>
    public DqnStepWorkload(ulong seed = 1)
    {
        var rng = new Rng(seed);
        _online = Mlp.Create([ObsDim, 256, 256, Actions], Activation.ReLU, rng);
        _target = Mlp.Create([ObsDim, 256, 256, Actions], Activation.ReLU, rng);
        _target.CopyFrom(_online);
        _target.SetRequiresGrad(false);
        _adam = new Adam(_online.Parameters(), learningRate: 1e-4);
        _act = new BatchOneForward(_online);
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

    /// <summary>One full gradient step: targets, loss, backward, clip, Adam. Returns the loss.</summary>
    public float GradStep()
    {
        Graph g = _graph;
        g.Reset();
        _adam.ZeroGrad();
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
        GradientClipping.ClipGradNorm(_online.Parameters(), 10.0);
        _adam.Step();
        return loss.Item();
    }

    /// <summary>
    /// argmax_a Q(s, a) for one observation, by the graph-free batch-1 forward (<see cref="BatchOneForward"/>) on a
    /// snapshot of the online network; an agent refreshes the snapshot once per gradient step (<see cref="RefreshActor"/>).
    /// </summary>
    public int GreedyAction() => _act.ArgMax(_states.AsSpan(0, ObsDim));

    /// <summary>argmax_a Q(s, a) for one observation through the autodiff graph at batch 1 (the path before BatchOneForward).</summary>
    public int GreedyActionGraph()
    {
        Graph g = _actGraph;
        g.Reset();
        using (g.NoGrad()) Graph.ArgMax(_online.Forward(g, g.Input(_states.AsSpan(0, ObsDim), new Shape(1, ObsDim))), _greedy);
        return _greedy[0];
    }

    /// <summary>Whether the online network's parameters equal <paramref name="other"/>'s bit for bit.</summary>
    public bool SameParameters(DqnStepWorkload other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var mine = _online.Parameters();
        var theirs = other._online.Parameters();
        for (int i = 0; i < mine.Count; i++)
            if (!mine[i].Data.AsSpan().SequenceEqual(theirs[i].Data)) return false;
        return true;
    }

    /// <summary>Re-takes the batch-1 forward's snapshot of the online weights (what an agent does after each gradient step).</summary>
    public void RefreshActor() => _act.Refresh();

    /// <summary>
    /// Medians over repeated timings after a warm-up, in microseconds, with the bytes allocated per step, next to the
    /// core's measured float32 peak (<see cref="CorePeak"/>) and the floors it implies (FLOPs / peak).
    /// </summary>
    public static NnBenchResult Measure(int gradSteps = 2000, int greedyActions = 200_000)
    {
        double peak = CorePeak.MeasureGflops();
        var w = new DqnStepWorkload();
        for (int i = 0; i < 200; i++) w.GradStep();
        for (int i = 0; i < 20_000; i++) w.GreedyAction();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) w.GradStep();
        long allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        var (grad, gradBest) = MedianMicroseconds(gradSteps, 10, () => w.GradStep());
        var (greedy, greedyBest) = MedianMicroseconds(greedyActions, 1000, () => w.GreedyAction());
        return new NnBenchResult(grad, greedy, GradStepFlops / grad / 1e3, GreedyFlops / greedy / 1e3, allocated,
            peak, GradStepFlops / peak / 1e3, GreedyFlops / peak / 1e3, gradBest, greedyBest);
    }

    /// <summary>
    /// The gradient step in wall time on one thread and on <paramref name="threads"/> (<see cref="Bellman.Nn.EngineThreads"/>),
    /// alternating batches of the two so that both see the same machine: medians of the wall microseconds per step.
    /// Wall time, because the thread clock would not count the other threads' work. The two workloads start from the
    /// same weights and see the same batches, so their parameters stay bit-identical (checked at the end).
    /// </summary>
    public static (double OneThread, double Threaded) MeasureThreads(int threads, int gradSteps = 2000)
    {
        int saved = Bellman.Nn.EngineThreads.Max;
        try
        {
            var one = new DqnStepWorkload();
            var many = new DqnStepWorkload();
            const int perBatch = 40;
            int batches = Math.Max(5, gradSteps / perBatch);
            var oneTimes = new double[batches];
            var manyTimes = new double[batches];
            for (int b = -5; b < batches; b++)
            {
                Bellman.Nn.EngineThreads.Max = 1;
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                for (int i = 0; i < perBatch; i++) one.GradStep();
                double oneUs = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds / perBatch;
                Bellman.Nn.EngineThreads.Max = threads;
                start = System.Diagnostics.Stopwatch.GetTimestamp();
                for (int i = 0; i < perBatch; i++) many.GradStep();
                double manyUs = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds / perBatch;
                if (b < 0) continue;
                oneTimes[b] = oneUs;
                manyTimes[b] = manyUs;
            }
            if (!one.SameParameters(many)) throw new InvalidOperationException("bench nn: the threaded gradient steps did not give the one-thread bits.");
            Array.Sort(oneTimes);
            Array.Sort(manyTimes);
            return (oneTimes[batches / 2], manyTimes[batches / 2]);
        }
        finally
        {
            Bellman.Nn.EngineThreads.Max = saved;
        }
    }

    /// <summary>
    /// The median and the fastest, over batches of <paramref name="perBatch"/> calls, of the mean time per call
    /// (<see cref="ThreadClock"/>). On a core shared with other work the fastest batch is the one least disturbed.
    /// </summary>
    private static (double Median, double Best) MedianMicroseconds(int calls, int perBatch, Action action)
    {
        int batches = Math.Max(5, calls / perBatch);
        var times = new double[batches];
        for (int b = 0; b < batches; b++)
        {
            double start = ThreadClock.Seconds();
            for (int i = 0; i < perBatch; i++) action();
            times[b] = (ThreadClock.Seconds() - start) * 1e6 / perBatch;
        }
        Array.Sort(times);
        return (times[batches / 2], times[0]);
    }

    private static double ComputeFlops(int batch, int[] sizes)
    {
        double macs = 0;
        for (int i = 0; i + 1 < sizes.Length; i++) macs += (double)sizes[i] * sizes[i + 1];
        // online forward + backward (weight gradient and input gradient, except for the input layer) + target forward
        double inputLayer = (double)sizes[0] * sizes[1];
        return 2.0 * batch * (macs + 2 * macs - inputLayer + macs);
    }
}

/// <summary>Figures of <see cref="DqnStepWorkload.Measure"/>.</summary>
/// <param name="GradStepMicroseconds">Median microseconds per gradient step.</param>
/// <param name="GreedyActionMicroseconds">Median microseconds per greedy action.</param>
/// <param name="GradStepGflops">Achieved GFLOP/s of the gradient step.</param>
/// <param name="GreedyActionGflops">Achieved GFLOP/s of the greedy action.</param>
/// <param name="BytesAllocatedPerGradStep">Heap bytes allocated per gradient step in steady state.</param>
/// <param name="PeakGflops">The core's measured float32 multiply-add peak (<see cref="CorePeak"/>).</param>
/// <param name="GradStepFloorMicroseconds">The gradient step's floor: its FLOPs at the peak.</param>
/// <param name="GreedyActionFloorMicroseconds">The greedy action's floor: its FLOPs at the peak.</param>
/// <param name="GradStepBestMicroseconds">The fastest batch's microseconds per gradient step.</param>
/// <param name="GreedyActionBestMicroseconds">The fastest batch's microseconds per greedy action.</param>
public sealed record NnBenchResult(double GradStepMicroseconds, double GreedyActionMicroseconds, double GradStepGflops, double GreedyActionGflops,
    long BytesAllocatedPerGradStep, double PeakGflops, double GradStepFloorMicroseconds, double GreedyActionFloorMicroseconds,
    double GradStepBestMicroseconds, double GreedyActionBestMicroseconds)
{
    /// <summary>Measured gradient-step time over its floor (1 = at the core's peak).</summary>
    public double GradStepRatioToFloor => GradStepMicroseconds / GradStepFloorMicroseconds;

    /// <summary>Measured greedy-action time over its floor.</summary>
    public double GreedyActionRatioToFloor => GreedyActionMicroseconds / GreedyActionFloorMicroseconds;
}
