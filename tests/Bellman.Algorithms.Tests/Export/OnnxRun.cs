using Bellman.Core.Random;
using Bellman.Nn;
using Bellman.Nn.Layers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Bellman.Algorithms.Tests.Export;

/// <summary>Runs exported models in ONNX Runtime and compares them with Bellman's numbers.</summary>
internal static class OnnxRun
{
    public const float Tolerance = 1e-5f;

    public static float[] Observations(int count, int seed, float scale = 2f)
    {
        var rng = new Rng(seed);
        var x = new float[count];
        for (int i = 0; i < x.Length; i++) x[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return x;
    }

    public static float[] BellmanForward(Module net, float[] obs, Shape shape)
    {
        var g = new Graph();
        using var _ = g.NoGrad();
        return net.Forward(g, g.Input(obs, shape)).Data.ToArray();
    }

    public static Dictionary<string, Array> Run(byte[] model, float[] obs, int[] dims)
    {
        using var session = new InferenceSession(model);
        var input = new DenseTensor<float>(obs, dims);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("obs", input)]);
        var outputs = new Dictionary<string, Array>();
        foreach (var r in results)
        {
            outputs[r.Name] = r.Value switch
            {
                Tensor<float> f => f.ToArray(),
                Tensor<long> l => l.ToArray(),
                var v => throw new InvalidOperationException($"Unexpected output type {v?.GetType()}."),
            };
        }
        return outputs;
    }

    public static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= Tolerance, $"Output {i}: Bellman {expected[i]}, ONNX {actual[i]}.");
    }

    public static long[] ArgMaxRows(float[] values, int rows)
    {
        int n = values.Length / rows;
        return [.. Enumerable.Range(0, rows).Select(r => (long)values.AsSpan(r * n, n).IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(values.AsSpan(r * n, n))))];
    }
}
