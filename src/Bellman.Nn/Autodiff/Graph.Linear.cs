using System.Numerics.Tensors;
using Bellman.Nn.Kernels;

namespace Bellman.Nn;

public sealed partial class Graph
{
    /// <summary>
    /// Matrix product C = op(A) · op(B) of rank-2 tensors, op(X) = Xᵀ when the transpose flag is set.
    /// Backward: dA = dC · op(B)ᵀ, dB = op(A)ᵀ · dC (transposed back to the stored layout).
    /// </summary>
    public Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Shape.Rank != 2 || b.Shape.Rank != 2) throw ShapeMismatch("MatMul", a, b, "both must be matrices");
        int m = transposeA ? a.Shape[1] : a.Shape[0], k = transposeA ? a.Shape[0] : a.Shape[1];
        int kb = transposeB ? b.Shape[1] : b.Shape[0], nn = transposeB ? b.Shape[0] : b.Shape[1];
        if (k != kb) throw ShapeMismatch("MatMul", a, b, $"inner dimensions {k} and {kb} differ with transposeA={transposeA}, transposeB={transposeB}");
        Tensor c = NewOut(new Shape(m, nn));
        Gemm.Multiply(a.D, b.D, c.Data, m, nn, k, transposeA, transposeB);
        if (Tracks(a, b))
        {
            ref Node node = ref Record(OpCode.MatMul, c, a, b);
            (node.I0, node.I1, node.I2, node.I3) = (m, nn, k, (transposeA ? 1 : 0) | (transposeB ? 2 : 0));
        }
        return c;
    }

    private void MatMulBackward(ref Node node)
    {
        Tensor a = node.A!, b = node.B!;
        int m = node.I0, n = node.I1, k = node.I2;
        bool ta = (node.I3 & 1) != 0, tb = (node.I3 & 2) != 0;
        ReadOnlySpan<float> dc = node.Out.Grad;
        if (a.RequiresGrad)
        {
            Span<float> da = GradOf(a, out bool overwrite);
            if (!ta) Gemm.Multiply(dc, b.D, da, m, k, n, false, !tb, accumulate: !overwrite);
            else Gemm.Multiply(b.D, dc, da, k, m, n, tb, true, accumulate: !overwrite);
        }
        if (b.RequiresGrad)
        {
            Span<float> db = GradOf(b, out bool overwrite);
            if (!tb) Gemm.Multiply(a.D, dc, db, k, n, m, !ta, false, accumulate: !overwrite);
            else Gemm.Multiply(dc, a.D, db, n, k, m, true, ta, accumulate: !overwrite);
        }
    }

    /// <summary>
    /// The fused affine map y = x Wᵀ + b of <c>nn.Linear</c>: x is [batch, in], W is [out, in], b is [out]
    /// (or null). Backward: dx = dy W, dW += dyᵀ x, db += Σ_rows dy.
    /// </summary>
    public Tensor Linear(Tensor x, Tensor weight, Tensor? bias) => LinearCore(x, weight, bias, relu: false);

    /// <summary>
    /// relu(x Wᵀ + b) in one op (the bias and the ReLU share one pass over the output); what
    /// <see cref="Layers.Sequential"/> runs for a Linear followed by a ReLU. Backward first masks dy by
    /// y &gt; 0, then proceeds as <see cref="Linear"/>.
    /// </summary>
    public Tensor LinearRelu(Tensor x, Tensor weight, Tensor? bias) => LinearCore(x, weight, bias, relu: true);

    private Tensor LinearCore(Tensor x, Tensor weight, Tensor? bias, bool relu)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (x.Shape.Rank != 2 || weight.Shape.Rank != 2 || x.Shape[1] != weight.Shape[1])
            throw ShapeMismatch("Linear", x, weight, "input [batch, in] against weight [out, in]");
        int batch = x.Shape[0], outF = weight.Shape[0], inF = weight.Shape[1];
        if (bias is not null && (bias.Shape.Rank != 1 || bias.Length != outF))
            throw ShapeMismatch("Linear", weight, bias, $"bias must be [{outF}]");
        Tensor y = NewOut(new Shape(batch, outF));
        Span<float> ys = y.Data;
        Gemm.Multiply(x.D, weight.D, ys, batch, outF, inF, transposeB: true);
        if (relu) Simd.AddRowVectorRelu(ys, batch, outF, bias is null ? default : bias.D);
        else if (bias is not null) Simd.AddRowVector(ys, batch, outF, bias.D);
        if (Tracks(x, weight, bias))
        {
            ref Node node = ref Record(relu ? OpCode.LinearRelu : OpCode.Linear, y, x, weight, bias);
            (node.I0, node.I1, node.I2) = (batch, outF, inF);
        }
        return y;
    }

    private void LinearBackward(ref Node node)
    {
        Tensor x = node.A!, w = node.B!;
        Tensor? b = node.C;
        int batch = node.I0, outF = node.I1, inF = node.I2;
        ReadOnlySpan<float> dy = node.Out.Grad;
        if (node.Op == OpCode.LinearRelu)
        {
            Span<float> masked = Scratch(batch * outF);
            Simd.ReluBackward(node.Out.D, dy, masked, overwrite: true);
            dy = masked;
        }
        if (x.RequiresGrad)
        {
            Span<float> dx = GradOf(x, out bool overwrite);
            Gemm.Multiply(dy, w.D, dx, batch, inF, outF, accumulate: !overwrite);
        }
        if (w.RequiresGrad) Gemm.Multiply(dy, x.D, GradOf(w), outF, inF, batch, transposeA: true, accumulate: true);
        if (b is not null && b.RequiresGrad) Simd.AddColumnSums(dy, batch, outF, GradOf(b));
    }

    /// <summary>
    /// 2-D convolution (cross-correlation, as <c>nn.Conv2d</c>) of x [N, C, H, W] with weight
    /// [F, C, kh, kw] and bias [F] (or null), zero padding <paramref name="padding"/> and stride
    /// <paramref name="stride"/>: output [N, F, (H + 2p − kh)/s + 1, (W + 2p − kw)/s + 1].
    /// Computed by <see cref="Conv2dKernels"/>: a direct SIMD kernel for stride 1 without padding, else im2col then one
    /// Gemm per image, out = W[F, C·kh·kw] · col[C·kh·kw, Ho·Wo].
    /// </summary>
    public Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride = 1, int padding = 0) => Conv2dCore(x, weight, bias, stride, padding, relu: false);

    /// <summary>
    /// relu(<see cref="Conv2d"/>) in one op: the ReLU runs in place on the convolution's output (no second tensor);
    /// what <see cref="Layers.Sequential"/> runs for a Conv2d followed by a ReLU. Backward first masks dy by y &gt; 0,
    /// then proceeds as <see cref="Conv2d"/>. The same kernels as the two ops apart, so the same bits.
    /// </summary>
    public Tensor Conv2dRelu(Tensor x, Tensor weight, Tensor? bias, int stride = 1, int padding = 0) => Conv2dCore(x, weight, bias, stride, padding, relu: true);

    private Tensor Conv2dCore(Tensor x, Tensor weight, Tensor? bias, int stride, int padding, bool relu)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, "Conv2d stride must be at least 1.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "Conv2d padding must be non-negative.");
        if (x.Shape.Rank != 4 || weight.Shape.Rank != 4 || x.Shape[1] != weight.Shape[1])
            throw ShapeMismatch("Conv2d", x, weight, "input [N, C, H, W] against weight [F, C, kh, kw]");
        var g = ConvShape(x.Shape, weight.Shape, stride, padding);
        if (g.OutHeight < 1 || g.OutWidth < 1) throw ShapeMismatch("Conv2d", x, weight, $"the kernel does not fit with padding {padding}");
        if (bias is not null && (bias.Shape.Rank != 1 || bias.Length != g.Filters))
            throw ShapeMismatch("Conv2d", weight, bias, $"bias must be [{g.Filters}]");
        Tensor y = NewOut(new Shape(g.Batch, g.Filters, g.OutHeight, g.OutWidth));
        Conv2dKernels.Forward(x.D, weight.D, bias is null ? default : bias.D, y.Data, g, Scratch(g.ScratchSize));
        if (relu) Simd.Relu(y.Data, y.Data);
        if (Tracks(x, weight, bias))
        {
            ref Node node = ref Record(relu ? OpCode.Conv2dRelu : OpCode.Conv2d, y, x, weight, bias);
            (node.I0, node.I1) = (stride, padding);
        }
        return y;
    }

    private void Conv2dBackward(ref Node node)
    {
        Tensor x = node.A!, w = node.B!;
        Tensor? b = node.C;
        var g = ConvShape(x.Shape, w.Shape, node.I0, node.I1);
        ReadOnlySpan<float> dy = node.Out.Grad;
        if (node.Op == OpCode.Conv2dRelu)
        {
            if (_maskScratch.Length < dy.Length) _maskScratch = new float[dy.Length];
            Span<float> masked = _maskScratch.AsSpan(0, dy.Length);
            Simd.ReluBackward(node.Out.D, dy, masked, overwrite: true);
            dy = masked;
        }
        Span<float> scratch = Scratch(g.ScratchSize);
        if (w.RequiresGrad) Conv2dKernels.WeightGradient(x.D, dy, GradOf(w), g, scratch);
        if (b is not null && b.RequiresGrad) Conv2dKernels.BiasGradient(dy, GradOf(b), g);
        if (x.RequiresGrad) Conv2dKernels.InputGradient(w.D, dy, GradOf(x), g, scratch);
    }

    private static Conv2dShape ConvShape(Shape x, Shape w, int stride, int padding) =>
        new(x[0], x[1], x[2], x[3], w[0], w[2], w[3], stride, padding);
}
