using Bellman.Algorithms.Continuous;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Nn.Kernels;
using Bellman.Nn.Optimizers;

namespace Bellman.Benchmarks;

/// <summary>
/// `sac-parts`: where one SAC gradient step (batch 256, 256-256, Pendulum) spends its time, in this thread's CPU
/// microseconds: the three products of a 256-wide hidden layer (forward x·Wᵀ, input gradient dy·W, weight gradient
/// dyᵀ·x accumulated) against the core's peak, and the two optimizer-side passes over the parameters (Adam over the
/// critics' and the actor's, Polyak over the target critics').
/// </summary>
public static class SacPartsQuick
{
    /// <summary>Prints the medians.</summary>
    public static void Run(TextWriter output)
    {
        output.WriteLine($"measured one-core FMA peak: {CemQuick.PeakFlops / 1e9:F1} GFLOP/s (thread CPU time)");
        const int b = 256, h = 256;
        var rng = new Rng(3);
        float[] x = Random(rng, b * h), w = Random(rng, h * h), y = new float[b * h];
        double flops = 2.0 * b * h * h;
        void Report(string name, double us) => output.WriteLine($"{name,-44} {us,8:F1} us  {flops / (us * 1e-6) / 1e9,6:F1} GFLOP/s ({flops / (us * 1e-6) / CemQuick.PeakFlops:P0} of peak)");
        Report("forward  y = x W^T   (256x256x256)", CemQuick.Median(() => Gemm.Multiply(x, w, y, b, h, h, transposeB: true), 20, 9));
        Report("input grad dx = dy W (256x256x256)", CemQuick.Median(() => Gemm.Multiply(x, w, y, b, h, h), 20, 9));
        Report("weight grad dW += dy^T x (256x256x256)", CemQuick.Median(() => Gemm.Multiply(x, w, y, h, h, b, transposeA: true, accumulate: true), 20, 9));

        // The step's 16 big products touch 16 different activations and 6 different weight matrices (about 12 MB with
        // the gradients), far beyond the 1 MB L2: the same 16 products on one operand set against 16 distinct ones.
        foreach (int sets in new[] { 1, 4, 16 })
        {
            var xs = new float[sets][];
            var ws = new float[sets][];
            var ys = new float[sets][];
            for (int i = 0; i < sets; i++) (xs[i], ws[i], ys[i]) = (Random(rng, b * h), Random(rng, h * h), new float[b * h]);
            void Sixteen()
            {
                for (int i = 0; i < 16; i++)
                {
                    int j = i % sets;
                    if (i % 3 == 0) Gemm.Multiply(xs[j], ws[j], ys[j], b, h, h, transposeB: true);
                    else if (i % 3 == 1) Gemm.Multiply(xs[j], ws[j], ys[j], b, h, h);
                    else Gemm.Multiply(xs[j], ws[j], ys[j], h, h, b, transposeA: true, accumulate: true);
                }
            }
            double us = CemQuick.Median(Sixteen, 5, 15) / 16;
            output.WriteLine($"16 mixed 256^3 products on {sets,2} operand set(s)     {us,8:F1} us each ({flops / (us * 1e-6) / CemQuick.PeakFlops:P0} of peak)");
        }

        // The narrow products of the heads (256 -> 1 and 256 -> 2), forward and backward, and the first layer (4 -> 256).
        foreach (var (m, n, k, ta, tb, name) in new (int, int, int, bool, bool, string)[]
        {
            (b, 1, h, false, true, "head forward 256x1x256 (x W^T)"), (b, h, 1, false, false, "head input grad 256x256x1 (dy W)"),
            (1, h, b, true, false, "head weight grad 1x256x256 (dy^T x)"), (b, 2, h, false, true, "two-output head forward 256x2x256"),
            (b, h, 2, false, false, "two-output head input grad 256x256x2"), (b, h, 4, false, true, "first layer forward 256x256x4"),
            (h, 4, b, true, false, "first layer weight grad 256x4x256 (dy^T x)"),
        })
        {
            double us = CemQuick.Median(() => Gemm.Multiply(x, w, y, m, n, k, transposeA: ta, transposeB: tb, accumulate: ta), 50, 9);
            output.WriteLine($"{name,-44} {us,8:F1} us  {2.0 * m * n * k / (us * 1e-6) / 1e9,6:F1} GFLOP/s");
        }

        var agent = new SacAgent(new Box(-8f, 8f, 3), new Box(-2f, 2f, 1), new SacOptions(), new Rng(1));
        foreach (var p in agent.Critic.Parameters()) Array.Fill(p.Grad, 1e-3f);
        foreach (var p in agent.ActorModule.Parameters()) Array.Fill(p.Grad, 1e-3f);
        long criticParams = agent.Critic.Parameters().Sum(p => (long)p.Data.Length), actorParams = agent.ActorModule.Parameters().Sum(p => (long)p.Data.Length);
        output.WriteLine($"Adam step, critics ({criticParams} parameters)      {CemQuick.Median(agent.CriticOptimizer.Step, 50, 9),8:F1} us");
        output.WriteLine($"Adam step, actor ({actorParams} parameters)         {CemQuick.Median(agent.ActorOptimizer.Step, 50, 9),8:F1} us");
        output.WriteLine($"zero grads, critics                              {CemQuick.Median(agent.CriticOptimizer.ZeroGrad, 50, 9),8:F1} us");
        var bench = new ContinuousBenchmarks();
        bench.Setup();
        double step = CemQuick.Median(bench.SacStep, 10, 9);
        double floor = ContinuousBenchmarks.SacStepFlops() / CemQuick.PeakFlops * 1e6;
        output.WriteLine($"whole SAC step                                   {step,8:F1} us  (FLOP floor {floor:F0} us: {step / floor:F2}x)");
        var g = new Bellman.Nn.Graph();
        var sa = new float[b * 4];
        var obs = new float[b * 3];
        var eps = new float[b];
        Array.Fill(sa, 0.3f);
        Array.Fill(obs, 0.2f);
        output.WriteLine($"one critic forward, no grad (256 rows)           {CemQuick.Median(() => { g.Reset(); using var _ = g.NoGrad(); agent.Critic.Forward(g, g.Input(sa, new Bellman.Nn.Shape(b, 4))); }, 20, 9),8:F1} us (floor {2.0 * b * (4 * h + h * h + h) / CemQuick.PeakFlops * 1e6:F0} us)");
        output.WriteLine($"actor sample forward + backward (256 rows)       {CemQuick.Median(() => { g.Reset(); var (a, lp) = agent.Actor.Sample(g, g.Input(obs, new Bellman.Nn.Shape(b, 3)), g.Input(eps, new Bellman.Nn.Shape(b, 1))); g.Backward(g.Mean(g.Add(lp, g.Reshape(a, new Bellman.Nn.Shape(b))))); }, 20, 9),8:F1} us");
        output.WriteLine($"Polyak, target critics                           {CemQuick.Median(() => agent.CriticTarget.PolyakFrom(agent.Critic, 0.005f), 50, 9),8:F1} us");
    }

    /// <summary>Runs <paramref name="steps"/> SAC steps on the benchmark's batch and nothing else (for a sampling profiler).</summary>
    public static void Loop(int steps)
    {
        var bench = new ContinuousBenchmarks();
        bench.Setup();
        for (int i = 0; i < steps; i++) bench.SacStep();
    }

    private static float[] Random(Rng rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)rng.Uniform(-1, 1);
        return a;
    }
}
