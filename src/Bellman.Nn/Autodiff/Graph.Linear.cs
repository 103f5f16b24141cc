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
    /// Computed per image as im2col then one Gemm: out = W[F, C·kh·kw] · col[C·kh·kw, Ho·Wo].
    /// </summary>
    public Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride = 1, int padding = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, "Conv2d stride must be at least 1.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "Conv2d padding must be non-negative.");
        if (x.Shape.Rank != 4 || weight.Shape.Rank != 4 || x.Shape[1] != weight.Shape[1])
            throw ShapeMismatch("Conv2d", x, weight, "input [N, C, H, W] against weight [F, C, kh, kw]");
        var g = new ConvGeometry(x.Shape, weight.Shape, stride, padding);
        if (g.OutH < 1 || g.OutW < 1) throw ShapeMismatch("Conv2d", x, weight, $"the kernel does not fit with padding {padding}");
        if (bias is not null && (bias.Shape.Rank != 1 || bias.Length != g.Filters))
            throw ShapeMismatch("Conv2d", weight, bias, $"bias must be [{g.Filters}]");
        Tensor y = NewOut(new Shape(g.Batch, g.Filters, g.OutH, g.OutW));
        Span<float> col = Scratch(g.ColSize);
        ReadOnlySpan<float> xs = x.D, ws = weight.D;
        Span<float> ys = y.Data;
        int outPlane = g.OutH * g.OutW;
        for (int n = 0; n < g.Batch; n++)
        {
            Im2Col(xs.Slice(n * g.ImageSize, g.ImageSize), col, g);
            Span<float> yn = ys.Slice(n * g.Filters * outPlane, g.Filters * outPlane);
            Gemm.Multiply(ws, col, yn, g.Filters, outPlane, g.Patch);
            if (bias is not null)
            {
                ReadOnlySpan<float> bs = bias.D;
                for (int f = 0; f < g.Filters; f++)
                {
                    Span<float> plane = yn.Slice(f * outPlane, outPlane);
                    TensorPrimitives.Add(plane, bs[f], plane);
                }
            }
        }
        if (Tracks(x, weight, bias))
        {
            ref Node node = ref Record(OpCode.Conv2d, y, x, weight, bias);
            (node.I0, node.I1) = (stride, padding);
        }
        return y;
    }

    private void Conv2dBackward(ref Node node)
    {
        Tensor x = node.A!, w = node.B!;
        Tensor? b = node.C;
        var g = new ConvGeometry(x.Shape, w.Shape, node.I0, node.I1);
        int outPlane = g.OutH * g.OutW;
        ReadOnlySpan<float> dy = node.Out.Grad, xs = x.D, ws = w.D;
        Span<float> col = Scratch(g.ColSize);
        Span<float> dcol = Scratch2(g.ColSize);
        Span<float> dw = w.RequiresGrad ? GradOf(w) : default;
        Span<float> db = b is not null && b.RequiresGrad ? GradOf(b) : default;
        Span<float> dx = x.RequiresGrad ? GradOf(x) : default;
        for (int n = 0; n < g.Batch; n++)
        {
            ReadOnlySpan<float> dyn = dy.Slice(n * g.Filters * outPlane, g.Filters * outPlane);
            if (w.RequiresGrad)
            {
                Im2Col(xs.Slice(n * g.ImageSize, g.ImageSize), col, g);
                Gemm.Multiply(dyn, col, dw, g.Filters, g.Patch, outPlane, transposeB: true, accumulate: true);
            }
            if (!db.IsEmpty)
            {
                for (int f = 0; f < g.Filters; f++) db[f] += TensorPrimitives.Sum(dyn.Slice(f * outPlane, outPlane));
            }
            if (x.RequiresGrad)
            {
                Gemm.Multiply(ws, dyn, dcol, g.Patch, outPlane, g.Filters, transposeA: true);
                Col2ImAdd(dcol, dx.Slice(n * g.ImageSize, g.ImageSize), g);
            }
        }
    }

    private readonly struct ConvGeometry
    {
        public readonly int Batch, Channels, H, W, Filters, KH, KW, Stride, Padding, OutH, OutW;

        public ConvGeometry(Shape x, Shape w, int stride, int padding)
        {
            (Batch, Channels, H, W) = (x[0], x[1], x[2], x[3]);
            (Filters, KH, KW) = (w[0], w[2], w[3]);
            (Stride, Padding) = (stride, padding);
            OutH = (H + 2 * padding - KH) / stride + 1;
            OutW = (W + 2 * padding - KW) / stride + 1;
            if (H + 2 * padding < KH || W + 2 * padding < KW) OutH = OutW = 0;
        }

        public int ImageSize => Channels * H * W;

        public int Patch => Channels * KH * KW;

        public int ColSize => Patch * OutH * OutW;
    }

    /// <summary>col[(c·kh + i)·kw + j, oy·Wo + ox] = x[c, oy·s + i − p, ox·s + j − p] (0 outside the image).</summary>
    private static void Im2Col(ReadOnlySpan<float> image, Span<float> col, in ConvGeometry g)
    {
        int outPlane = g.OutH * g.OutW, row = 0;
        for (int c = 0; c < g.Channels; c++)
        for (int i = 0; i < g.KH; i++)
        for (int j = 0; j < g.KW; j++, row++)
        {
            Span<float> dst = col.Slice(row * outPlane, outPlane);
            var (lo, hi) = ValidRange(j, g.Stride, g.Padding, g.W, g.OutW);
            for (int oy = 0; oy < g.OutH; oy++)
            {
                int iy = oy * g.Stride + i - g.Padding;
                Span<float> dstRow = dst.Slice(oy * g.OutW, g.OutW);
                if ((uint)iy >= (uint)g.H || lo >= hi)
                {
                    dstRow.Clear();
                    continue;
                }
                dstRow[..lo].Clear();
                dstRow[hi..].Clear();
                ReadOnlySpan<float> src = image.Slice((c * g.H + iy) * g.W, g.W);
                int ix0 = lo * g.Stride + j - g.Padding;
                if (g.Stride == 1) src.Slice(ix0, hi - lo).CopyTo(dstRow[lo..hi]);
                else
                {
                    for (int ox = lo, ix = ix0; ox < hi; ox++, ix += g.Stride) dstRow[ox] = src[ix];
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: adds every column entry back to the pixel it was read from.</summary>
    private static void Col2ImAdd(ReadOnlySpan<float> col, Span<float> image, in ConvGeometry g)
    {
        int outPlane = g.OutH * g.OutW, row = 0;
        for (int c = 0; c < g.Channels; c++)
        for (int i = 0; i < g.KH; i++)
        for (int j = 0; j < g.KW; j++, row++)
        {
            ReadOnlySpan<float> src = col.Slice(row * outPlane, outPlane);
            var (lo, hi) = ValidRange(j, g.Stride, g.Padding, g.W, g.OutW);
            if (lo >= hi) continue;
            int ix0 = lo * g.Stride + j - g.Padding;
            for (int oy = 0; oy < g.OutH; oy++)
            {
                int iy = oy * g.Stride + i - g.Padding;
                if ((uint)iy >= (uint)g.H) continue;
                Span<float> dst = image.Slice((c * g.H + iy) * g.W, g.W);
                ReadOnlySpan<float> srcRow = src.Slice(oy * g.OutW, g.OutW);
                if (g.Stride == 1)
                {
                    Span<float> d = dst.Slice(ix0, hi - lo);
                    TensorPrimitives.Add(d, srcRow[lo..hi], d);
                }
                else
                {
                    for (int ox = lo, ix = ix0; ox < hi; ox++, ix += g.Stride) dst[ix] += srcRow[ox];
                }
            }
        }
    }

    /// <summary>The output columns [lo, hi) whose input column ox·s + j − p lies inside [0, width).</summary>
    private static (int Lo, int Hi) ValidRange(int j, int stride, int padding, int width, int outWidth)
    {
        int offset = j - padding;
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int hi = width - 1 - offset < 0 ? 0 : Math.Min(outWidth, (width - 1 - offset) / stride + 1);
        return (Math.Min(lo, hi), hi);
    }
}
