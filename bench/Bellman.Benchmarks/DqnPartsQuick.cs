using Bellman.Cli.Diagnostics;
using Bellman.Nn;
using Bellman.Nn.Kernels;
using Bellman.Nn.Optimizers;

namespace Bellman.Benchmarks;

/// <summary>
/// `dqn-parts`: where the DQN gradient step's time goes. Times, by the thread's CPU time (median of 31 batches after
/// warm-up), each matrix product of the step with its exact shape and layout, Adam on the 67,586 parameters, gradient
/// clipping, zeroing, and the whole step, next to the floor of each at the core's measured peak.
/// </summary>
public static class DqnPartsQuick
{
    public static void Run(TextWriter output)
    {
        double peak = CorePeak.MeasureGflops();
        output.WriteLine($"measured one-core FMA peak: {peak:F1} GFLOP/s; times are thread CPU µs (median of 31 batches)");
        output.WriteLine($"{"part",-40} {"µs",8} {"floor µs",9} {"% peak",7}");
        var rng = new Rng(3);
        float[] R(int n) { var x = new float[n]; for (int i = 0; i < n; i++) x[i] = rng.NextFloat() - 0.5f; return x; }
        double total = 0;
        void G(string name, int m, int n, int k, bool ta, bool tb, int count)
        {
            float[] a = R(m * k), b = R(k * n), c = new float[m * n];
            double us = QuickTiming.MedianSeconds(() => Gemm.Multiply(a, b, c, m, n, k, ta, tb), 50) * 1e6;
            double floor = 2.0 * m * n * k / peak / 1e3;
            total += us * count;
            output.WriteLine($"{$"{name} ×{count}",-40} {us,8:F2} {floor,9:F2} {100 * floor / us,7:F0}");
        }
        G("fwd 64x256x4 NT (x·W1ᵀ)", 64, 256, 4, false, true, 2);
        G("fwd 64x256x256 NT (h·W2ᵀ)", 64, 256, 256, false, true, 2);
        G("fwd 64x2x256 NT (h·W3ᵀ)", 64, 2, 256, false, true, 2);
        G("bwd dX 64x256x2 NN (dy·W3)", 64, 256, 2, false, false, 1);
        G("bwd dW 2x256x64 TN (dyᵀ·h)", 2, 256, 64, true, false, 1);
        G("bwd dX 64x256x256 NN (dy·W2)", 64, 256, 256, false, false, 1);
        G("bwd dW 256x256x64 TN (dyᵀ·h)", 256, 256, 64, true, false, 1);
        G("bwd dW 256x4x64 TN (dyᵀ·x)", 256, 4, 64, true, false, 1);

        var parameters = new[] { new Parameter("a", 256, 4), new Parameter("b", 256), new Parameter("c", 256, 256), new Parameter("d", 256), new Parameter("e", 2, 256), new Parameter("f", 2) };
        foreach (var p in parameters) { R(p.Size).CopyTo(p.Data, 0); R(p.Size).CopyTo(p.Grad, 0); }
        var adam = new Adam(parameters, 1e-4);
        void P(string name, Action act)
        {
            double us = QuickTiming.MedianSeconds(act, 50) * 1e6;
            total += us;
            output.WriteLine($"{name,-40} {us,8:F2}");
        }
        P("Adam.Step", () => adam.Step());
        P("ClipGradNorm (no clipping)", () => GradientClipping.ClipGradNorm(parameters, 1e9));
        P("ZeroGrad", () => adam.ZeroGrad());
        output.WriteLine($"{"sum of the parts above",-40} {total,8:F2}");
        var w = new DqnStepWorkload();
        output.WriteLine($"{"whole gradient step",-40} {QuickTiming.MedianSeconds(() => w.GradStep(), 20) * 1e6,8:F2} {DqnStepWorkload.GradStepFlops / peak / 1e3,9:F2}");
        for (int i = 0; i < 2500; i++) w.GradStep();
        output.WriteLine($"{"whole gradient step after 3,000 more",-40} {QuickTiming.MedianSeconds(() => w.GradStep(), 20) * 1e6,8:F2}");
        output.WriteLine($"{"greedy action (BatchOneForward)",-40} {QuickTiming.MedianSeconds(() => w.GreedyAction(), 2000) * 1e6,8:F3} {DqnStepWorkload.GreedyFlops / peak / 1e3,9:F3}");
        output.WriteLine($"{"greedy action (graph, batch 1)",-40} {QuickTiming.MedianSeconds(() => w.GreedyActionGraph(), 2000) * 1e6,8:F3}");
        output.WriteLine($"{"BatchOneForward.Refresh (per grad step)",-40} {QuickTiming.MedianSeconds(() => w.RefreshActor(), 200) * 1e6,8:F3}");
    }
}
