using Xunit;
using static Bellman.Nn.Tests.GradCheck;

namespace Bellman.Nn.Tests.Autodiff;

/// <summary>Each hand-vectorised kernel against its scalar definition over lengths that hit every path.</summary>
public class SimdTests
{
    public static TheoryData<int> Lengths => new() { 0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 129 };

    [Theory, MemberData(nameof(Lengths))]
    public void Relu(int n)
    {
        var x = Uniform(n, -1f, 1f, 1);
        if (n > 2) x[n / 2] = float.NaN;
        var y = new float[n];
        Simd.Relu(x, y);
        for (int i = 0; i < n; i++)
        {
            if (float.IsNaN(x[i])) Assert.True(float.IsNaN(y[i]), "ReLU must propagate NaN.");
            else Assert.Equal(Math.Max(x[i], 0f), y[i]);
        }
    }

    [Theory, MemberData(nameof(Lengths))]
    public void ReluBackward(int n)
    {
        var y = Uniform(n, -1f, 1f, 2);
        var dy = Uniform(n, -1f, 1f, 3);
        var acc = Uniform(n, -1f, 1f, 4);
        var expected = acc.Select((a, i) => a + (y[i] > 0 ? dy[i] : 0f)).ToArray();
        Simd.ReluBackward(y, dy, acc, overwrite: false);
        Assert.Equal(expected, acc);
        Simd.ReluBackward(y, dy, acc, overwrite: true);
        Assert.Equal(y.Select((v, i) => v > 0 ? dy[i] : 0f).ToArray(), acc);
    }

    [Theory, MemberData(nameof(Lengths))]
    public void RowVectorAndColumnSums(int cols)
    {
        const int rows = 5;
        var m = Uniform(rows * cols, -1f, 1f, 5);
        var v = Uniform(cols, -1f, 1f, 6);
        var expected = m.Select((x, k) => x + v[k % Math.Max(cols, 1)]).ToArray();
        Simd.AddRowVector(m, rows, cols, v);
        Assert.Equal(expected, m);
        var sums = Uniform(cols, -1f, 1f, 7);
        var expectedSums = new float[cols];
        for (int j = 0; j < cols; j++)
        {
            float s = sums[j];
            for (int r = 0; r < rows; r++) s += m[r * cols + j];
            expectedSums[j] = s;
        }
        Simd.AddColumnSums(m, rows, cols, sums);
        Assert.Equal(expectedSums, sums);
        var fused = m.ToArray();
        Simd.AddRowVectorRelu(fused, rows, cols, v);
        Assert.Equal(m.Select((x, k) => Math.Max(x + v[k % Math.Max(cols, 1)], 0f)).ToArray(), fused);
        var noBias = m.ToArray();
        Simd.AddRowVectorRelu(noBias, rows, cols, default);
        Assert.Equal(m.Select(x => Math.Max(x, 0f)).ToArray(), noBias);
    }
}
