using Bellman.Nn.Kernels;
using static Bellman.Nn.Tests.GradCheck;

namespace Bellman.Nn.Tests.Autodiff;

/// <summary>
/// Each hand-vectorised kernel of <see cref="Simd"/>: its scalar reference against the kernel's definition, and every
/// vector width (<see cref="SimdWidths"/>) against the reference, bit for bit, over lengths that hit every path
/// (empty, shorter than one vector, one vector ± 1, several vectors and a tail).
/// </summary>
public class SimdTests
{
    public static TheoryData<int, int> Lengths => SimdWidths.WithLengths([0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 129]);

    [Theory, MemberData(nameof(Lengths))]
    public void Relu(int width, int n)
    {
        var x = Uniform(n, -1f, 1f, 1);
        if (n > 2) x[n / 2] = float.NaN;
        if (n > 3) x[1] = -0f;
        var expected = new float[n];
        Simd.ReluReference(x, expected);
        for (int i = 0; i < n; i++)
        {
            if (float.IsNaN(x[i])) Assert.True(float.IsNaN(expected[i]), "ReLU must propagate NaN.");
            else Assert.Equal(Math.Max(x[i], 0f), expected[i]);
        }
        var y = new float[n];
        switch (width)
        {
            case 512: Simd.Relu<Simd512>(x, y); break;
            case 256: Simd.Relu<Simd256>(x, y); break;
            case 128: Simd.Relu<Simd128>(x, y); break;
            default: Simd.Relu(x, y); break;
        }
        AssertBits(expected, y);
    }

    [Theory, MemberData(nameof(Lengths))]
    public void ReluBackward(int width, int n)
    {
        var y = Uniform(n, -1f, 1f, 2);
        var dy = Uniform(n, -1f, 1f, 3);
        var acc = Uniform(n, -1f, 1f, 4);
        foreach (bool overwrite in new[] { false, true })
        {
            var expected = acc.ToArray();
            Simd.ReluBackwardReference(y, dy, expected, overwrite);
            Assert.Equal(acc.Select((a, i) => y[i] > 0 ? (overwrite ? dy[i] : a + dy[i]) : (overwrite ? 0f : a)).ToArray(), expected);
            var dx = acc.ToArray();
            switch (width)
            {
                case 512: Simd.ReluBackward<Simd512>(y, dy, dx, overwrite); break;
                case 256: Simd.ReluBackward<Simd256>(y, dy, dx, overwrite); break;
                case 128: Simd.ReluBackward<Simd128>(y, dy, dx, overwrite); break;
                default: Simd.ReluBackward(y, dy, dx, overwrite); break;
            }
            AssertBits(expected, dx);
        }
    }

    [Theory, MemberData(nameof(Lengths))]
    public void RowVectorAndColumnSums(int width, int cols)
    {
        const int rows = 5;
        var m = Uniform(rows * cols, -1f, 1f, 5);
        var v = Uniform(cols, -1f, 1f, 6);

        var added = m.ToArray();
        Simd.AddRowVectorReference(added, rows, cols, v);
        Assert.Equal(m.Select((x, k) => x + v[k % Math.Max(cols, 1)]).ToArray(), added);
        var actual = m.ToArray();
        Run(width, actual, (s, w) => w switch
        {
            512 => () => Simd.AddRowVector<Simd512>(s, rows, cols, v),
            256 => () => Simd.AddRowVector<Simd256>(s, rows, cols, v),
            128 => () => Simd.AddRowVector<Simd128>(s, rows, cols, v),
            _ => () => Simd.AddRowVector(s, rows, cols, v),
        });
        AssertBits(added, actual);

        var sums = Uniform(cols, -1f, 1f, 7);
        var expectedSums = sums.ToArray();
        Simd.AddColumnSumsReference(added, rows, cols, expectedSums);
        for (int j = 0; j < cols; j++)
        {
            float s = sums[j];
            for (int r = 0; r < rows; r++) s += added[r * cols + j];
            Assert.Equal(s, expectedSums[j]);
        }
        var actualSums = sums.ToArray();
        Run(width, actualSums, (s, w) => w switch
        {
            512 => () => Simd.AddColumnSums<Simd512>(added, rows, cols, s),
            256 => () => Simd.AddColumnSums<Simd256>(added, rows, cols, s),
            128 => () => Simd.AddColumnSums<Simd128>(added, rows, cols, s),
            _ => () => Simd.AddColumnSums(added, rows, cols, s),
        });
        AssertBits(expectedSums, actualSums);

        foreach (float[] bias in new[] { v, [] })
        {
            var fused = m.ToArray();
            Simd.AddRowVectorReluReference(fused, rows, cols, bias);
            Assert.Equal(m.Select((x, k) => Math.Max(bias.Length == 0 ? x : x + bias[k % cols], 0f)).ToArray(), fused);
            var actualFused = m.ToArray();
            Run(width, actualFused, (s, w) => w switch
            {
                512 => () => Simd.AddRowVectorRelu<Simd512>(s, rows, cols, bias),
                256 => () => Simd.AddRowVectorRelu<Simd256>(s, rows, cols, bias),
                128 => () => Simd.AddRowVectorRelu<Simd128>(s, rows, cols, bias),
                _ => () => Simd.AddRowVectorRelu(s, rows, cols, bias),
            });
            AssertBits(fused, actualFused);
        }
    }

    private static void Run(int width, float[] target, Func<float[], int, Action> kernel) => kernel(target, width)();

    private static void AssertBits(float[] expected, float[] actual) =>
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
}
