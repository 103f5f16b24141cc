using Xunit;
namespace Bellman.Nn.Tests.Optimizers;

internal static class TestParams
{
    /// <summary>A 1-D parameter with the given values.</summary>
    public static Parameter Make(string name, params float[] values)
    {
        var p = new Parameter(name, values.Length);
        values.CopyTo(p.Data, 0);
        return p;
    }

    public static void SetGrad(Parameter p, params float[] grad) => grad.CopyTo(p.Grad, 0);

    public static void AssertClose(double[] expected, float[] actual, double tolerance = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    /// <summary>Seeded pseudo-random floats in [-scale, scale).</summary>
    public static float[] RandomArray(int seed, int length, float scale = 1f)
    {
        var rng = new Random(seed);
        var a = new float[length];
        for (int i = 0; i < length; i++) a[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return a;
    }
}
