using Xunit;
using static Bellman.Nn.Tests.GradCheck;

namespace Bellman.Nn.Tests.Autodiff;

public class ElementwiseGradTests
{
    public static TheoryData<int[]> AwkwardShapes => new() { new[] { 1 }, new[] { 3, 7 }, new[] { 17 }, new[] { 2, 3, 7 }, new[] { 33, 1 } };

    private static void CheckUnary(int[] dims, Func<Graph, Tensor, Tensor> op, float[] values)
        => Inputs([Shape.Of(dims)], [values], (g, x) => op(g, x[0]));

    private static int Size(int[] dims) => dims.Aggregate(1, (a, b) => a * b);

    [Theory, MemberData(nameof(AwkwardShapes))]
    public void Relu(int[] dims) => CheckUnary(dims, (g, x) => g.Relu(x), AwayFromZero(Size(dims), 2f, 0.05f, 1));

    [Theory, MemberData(nameof(AwkwardShapes))]
    public void ActivationsOfIntermediates(int[] dims)
    {
        // An op output's gradient buffer is written (not accumulated) by its first consumer in a pass;
        // the Scale in front makes the activation's input an op output, and the second use accumulates.
        var v = AwayFromZero(Size(dims), 2f, 0.05f, 12);
        CheckUnary(dims, (g, x) => { var s = g.Scale(x, 1.5f); return g.Add(g.Relu(s), g.Tanh(s)); }, v);
        CheckUnary(dims, (g, x) => g.Reshape(g.Relu(g.Scale(x, -1f)), Shape.Of([Size(dims)])), v);
    }

    [Theory, MemberData(nameof(AwkwardShapes))]
    public void Tanh(int[] dims) => CheckUnary(dims, (g, x) => g.Tanh(x), Uniform(Size(dims), -2f, 2f, 2));

    [Theory, MemberData(nameof(AwkwardShapes))]
    public void Sigmoid(int[] dims) => CheckUnary(dims, (g, x) => g.Sigmoid(x), Uniform(Size(dims), -3f, 3f, 3));

    [Theory, MemberData(nameof(AwkwardShapes))]
    public void Silu(int[] dims) => CheckUnary(dims, (g, x) => g.Silu(x), Uniform(Size(dims), -4f, 4f, 13));

    [Theory, MemberData(nameof(AwkwardShapes))]
    public void DSilu(int[] dims) => CheckUnary(dims, (g, x) => g.DSilu(x), Uniform(Size(dims), -4f, 4f, 14));

    [Fact]
    public void SiluAndDSiluMatchTheirFormulas()
    {
        // MinAtar's AC_lambda.py: SiLU(x) = x·σ(x), dSiLU(x) = σ(x)(1 + x(1 − σ(x))); dSiLU is SiLU's derivative.
        var g = new Graph();
        float[] v = [-6f, -1.5f, 0f, 0.75f, 5f];
        var silu = g.Silu(g.Input(v, new Shape(5))).Data.ToArray();
        var dsilu = g.DSilu(g.Input(v, new Shape(5))).Data.ToArray();
        for (int i = 0; i < v.Length; i++)
        {
            double s = 1 / (1 + Math.Exp(-v[i]));
            Assert.Equal(v[i] * s, silu[i], 6);
            Assert.Equal(s * (1 + v[i] * (1 - s)), dsilu[i], 6);
            double h = 1e-4, numeric = ((v[i] + h) / (1 + Math.Exp(-(v[i] + h))) - (v[i] - h) / (1 + Math.Exp(-(v[i] - h)))) / (2 * h);
            Assert.Equal(numeric, dsilu[i], 5);
        }
        Assert.Equal(0.5f, dsilu[2]);
    }

    [Theory, MemberData(nameof(AwkwardShapes))]
    public void Exp(int[] dims) => CheckUnary(dims, (g, x) => g.Exp(x), Uniform(Size(dims), -2f, 1.5f, 4));

    [Theory, MemberData(nameof(AwkwardShapes))]
    public void Log(int[] dims) => CheckUnary(dims, (g, x) => g.Log(x), Uniform(Size(dims), 0.5f, 3f, 5));

    [Theory, MemberData(nameof(AwkwardShapes))]
    public void Softplus(int[] dims) => CheckUnary(dims, (g, x) => g.Softplus(x), Uniform(Size(dims), -4f, 4f, 6));

    [Theory, MemberData(nameof(AwkwardShapes))]
    public void Clamp(int[] dims)
    {
        // Keep values more than h away from the clamp bounds ±0.5.
        var v = AwayFromZero(Size(dims), 1.5f, 0.05f, 7);
        for (int i = 0; i < v.Length; i++) if (Math.Abs(Math.Abs(v[i]) - 0.5f) < 0.05f) v[i] *= 1.3f;
        CheckUnary(dims, (g, x) => g.Clamp(x, -0.5f, 0.5f), v);
    }

    [Theory, MemberData(nameof(AwkwardShapes))]
    public void Abs(int[] dims) => CheckUnary(dims, (g, x) => g.Abs(x), AwayFromZero(Size(dims), 2f, 0.05f, 8));

    [Theory, MemberData(nameof(AwkwardShapes))]
    public void Square(int[] dims) => CheckUnary(dims, (g, x) => g.Square(x), Uniform(Size(dims), -2f, 2f, 9));

    [Theory, MemberData(nameof(AwkwardShapes))]
    public void Sqrt(int[] dims) => CheckUnary(dims, (g, x) => g.Sqrt(x), Uniform(Size(dims), 0.5f, 3f, 10));

    [Theory, MemberData(nameof(AwkwardShapes))]
    public void ScaleNegAddScalar(int[] dims)
        => CheckUnary(dims, (g, x) => g.AddScalar(g.Neg(g.Scale(x, 1.7f)), 0.3f), Uniform(Size(dims), -2f, 2f, 11));

    [Fact]
    public void ForwardValuesMatchScalarMath()
    {
        var g = new Graph();
        float[] v = [-2f, -0.5f, 0f, 0.25f, 3f];
        var x = g.Input(v, new Shape(5));
        var sp = g.Softplus(x).Data.ToArray();
        var cl = g.Clamp(x, -1f, 1f).Data.ToArray();
        var re = g.Relu(x).Data.ToArray();
        for (int i = 0; i < v.Length; i++)
        {
            Assert.Equal(Math.Log(1 + Math.Exp(v[i])), sp[i], 6);
            Assert.Equal(Math.Clamp(v[i], -1f, 1f), cl[i]);
            Assert.Equal(Math.Max(v[i], 0f), re[i]);
        }
        // Softplus stays finite and exact in the tails.
        var tails = g.Softplus(g.Input([-80f, 100f], new Shape(2))).Data.ToArray();
        Assert.Equal(1.0, tails[0] / Math.Exp(-80), 5); // relative accuracy far in the tail
        Assert.Equal(100f, tails[1]);
    }

    public static TheoryData<int[], int[]> BinaryShapes => new()
    {
        { new[] { 1 }, new[] { 1 } },
        { new[] { 3, 7 }, new[] { 3, 7 } },
        { new[] { 17 }, new[] { 17 } },
        { new[] { 7, 3 }, new[] { 3 } },
        { new[] { 7, 3 }, new[] { 7, 1 } },
        { new[] { 1 }, new[] { 3, 7 } },
        { new[] { 2, 1, 3 }, new[] { 5, 1 } },
        { new[] { 7, 3 }, new[] { 1 } },
        { new[] { 17 }, new[] { 1 } },
        { new[] { 3, 1 }, new[] { 1, 1 } },
    };

    private static void CheckBinary(int[] sa, int[] sb, Func<Graph, Tensor, Tensor, Tensor> op, float low, float high, ulong seed)
        => Inputs([Shape.Of(sa), Shape.Of(sb)], [Uniform(Size(sa), low, high, seed), Uniform(Size(sb), low, high, seed + 100)], (g, x) => op(g, x[0], x[1]));

    [Theory, MemberData(nameof(BinaryShapes))]
    public void Add(int[] sa, int[] sb) => CheckBinary(sa, sb, (g, a, b) => g.Add(a, b), -2f, 2f, 20);

    [Theory, MemberData(nameof(BinaryShapes))]
    public void Sub(int[] sa, int[] sb) => CheckBinary(sa, sb, (g, a, b) => g.Sub(a, b), -2f, 2f, 21);

    [Theory, MemberData(nameof(BinaryShapes))]
    public void Mul(int[] sa, int[] sb) => CheckBinary(sa, sb, (g, a, b) => g.Mul(a, b), -2f, 2f, 22);

    [Theory, MemberData(nameof(BinaryShapes))]
    public void Div(int[] sa, int[] sb) => CheckBinary(sa, sb, (g, a, b) => g.Div(a, b), 0.5f, 2f, 23);

    [Theory, MemberData(nameof(BinaryShapes))]
    public void Minimum(int[] sa, int[] sb)
    {
        // Distinct grids so no pair is within h of a tie.
        var a = Enumerable.Range(0, Size(sa)).Select(i => 0.1f * i + 0.03f).ToArray();
        var b = Enumerable.Range(0, Size(sb)).Select(i => 0.1f * ((i * 7) % Size(sb)) + 0.08f).ToArray();
        Inputs([Shape.Of(sa), Shape.Of(sb)], [a, b], (g, x) => g.Minimum(x[0], x[1]));
        Inputs([Shape.Of(sa), Shape.Of(sb)], [a, b], (g, x) => g.Maximum(x[0], x[1]));
    }

    [Fact]
    public void AddBiasBroadcastsOverRows()
    {
        Inputs([new Shape(17, 3), new Shape(3)], [Uniform(51, -1f, 1f, 30), Uniform(3, -1f, 1f, 31)], (g, x) => g.AddBias(x[0], x[1]));
        var graph = new Graph();
        var ex = Assert.Throws<ArgumentException>(() => graph.AddBias(graph.Zeros(new Shape(4, 3)), graph.Zeros(new Shape(4))));
        Assert.Contains("[4, 3]", ex.Message);
        Assert.Contains("[4]", ex.Message);
    }

    [Fact]
    public void IncompatibleShapesNameBothShapes()
    {
        var g = new Graph();
        var ex = Assert.Throws<ArgumentException>(() => g.Add(g.Zeros(new Shape(3, 7)), g.Zeros(new Shape(7, 3))));
        Assert.Contains("[3, 7]", ex.Message);
        Assert.Contains("[7, 3]", ex.Message);
    }
}
