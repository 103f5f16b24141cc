using Bellman.Algorithms.Replay;
using Bellman.Nn;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.Tests.Continuous;

/// <summary>Helpers for the hand-computed update tests: set parameters by name, build a batch.</summary>
internal static class ContinuousTestKit
{
    public static Parameter Param(Module module, string name) =>
        module.Parameters().Single(p => p.Name == name);

    public static void Set(Module module, string name, params float[] values) => values.CopyTo(Param(module, name).Data, 0);

    public static float[] Values(Module module) => [.. module.Parameters().SelectMany(p => p.Data)];

    public static float[] Grads(Module module) => [.. module.Parameters().SelectMany(p => p.Grad)];

    /// <summary>A batch of one-dimensional observations and actions.</summary>
    public static ReplayBatch Batch(float[] s, float[] a, float[] r, float[] discount, float[] next)
    {
        var batch = new ReplayBatch(s.Length, 1, 1);
        for (int i = 0; i < s.Length; i++) batch.Set(i, [s[i]], [a[i]], 0, r[i], discount[i], [next[i]]);
        return batch;
    }

    /// <summary>The first Adam step from zero moments: θ − λ g / (|g| + ε) (PyTorch's formula with bias correction).</summary>
    public static double AdamFirstStep(double theta, double grad, double lr, double eps = 1e-8) => theta - lr * grad / (Math.Abs(grad) + eps);

    public static void Close(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");
}
