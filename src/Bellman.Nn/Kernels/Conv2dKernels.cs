using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bellman.Nn.Kernels;

/// <summary>
/// The geometry of a 2-D convolution over NCHW input: x [N, C, H, W], weight [F, C, KH, KW], stride, zero padding,
/// output [N, F, OutH, OutW].
/// </summary>
/// <param name="Batch">N.</param>
/// <param name="Channels">C.</param>
/// <param name="Height">H.</param>
/// <param name="Width">W.</param>
/// <param name="Filters">F.</param>
/// <param name="KernelHeight">KH.</param>
/// <param name="KernelWidth">KW.</param>
/// <param name="Stride">The stride (≥ 1).</param>
/// <param name="Padding">The zero padding on every side (≥ 0).</param>
public readonly record struct Conv2dShape(int Batch, int Channels, int Height, int Width, int Filters, int KernelHeight, int KernelWidth, int Stride = 1, int Padding = 0)
{
    /// <summary>Output rows, (H + 2p − KH)/s + 1 (0 when the kernel does not fit).</summary>
    public int OutHeight => Height + 2 * Padding < KernelHeight ? 0 : (Height + 2 * Padding - KernelHeight) / Stride + 1;

    /// <summary>Output columns, (W + 2p − KW)/s + 1 (0 when the kernel does not fit).</summary>
    public int OutWidth => Width + 2 * Padding < KernelWidth ? 0 : (Width + 2 * Padding - KernelWidth) / Stride + 1;

    /// <summary>Floats of one input image, C·H·W.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>Length of one receptive field, C·KH·KW (the inner dimension of the product).</summary>
    public int Patch => Channels * KernelHeight * KernelWidth;

    /// <summary>Output positions of one image, OutH·OutW.</summary>
    public int OutPlane => OutHeight * OutWidth;

    /// <summary>Multiply-adds of the forward pass (and of each of the two gradients), N·F·OutH·OutW·C·KH·KW.</summary>
    public long MultiplyAdds => (long)Batch * Filters * OutPlane * Patch;

    /// <summary>The scratch floats every kernel of <see cref="Conv2dKernels"/> may need for this shape.</summary>
    public int ScratchSize => Math.Max(Patch * OutPlane, Filters * Patch * Vector512<float>.Count);
}

/// <summary>
/// Convolution kernels (cross-correlation, as <c>nn.Conv2d</c>), each with a scalar reference that the tests compare it
/// with and the benchmarks time it against.
/// <list type="bullet">
/// <item>Forward: with stride 1, no padding and at least 4 output columns, a direct kernel keeps eight filters' outputs
/// in vector registers along a row of output columns and reads the input in place (no im2col): each output is the
/// fused multiply-add chain over its receptive field in (c, i, j) order from 0, then + bias — exactly the order of
/// <see cref="ForwardReference"/>, so the two agree bit for bit. Other shapes go through im2col and one
/// <see cref="Gemm"/> per image (the same chain on most shapes; within float rounding otherwise).</item>
/// <item>Weight gradient: with stride 1, no padding and output columns a multiple of a vector width, a direct
/// kernel sums dy·x per lane across the batch and reduces the lanes once at the end (reassociated: within float
/// rounding of <see cref="WeightGradientReference"/>); other shapes use im2col and <see cref="Gemm"/>.</item>
/// <item>Input gradient: Wᵀ·dy per image by <see cref="Gemm"/>, then col2im.</item>
/// </list>
/// All kernels accumulate into their gradient destinations (+=) and overwrite the forward output. Spans are NCHW
/// row-major; <c>scratch</c> holds at least <see cref="Conv2dShape.ScratchSize"/> floats.
/// </summary>
public static class Conv2dKernels
{
    private const int Block = 8;

    /// <summary>y = conv(x, w) + bias (bias empty: none).</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, in Conv2dShape s, Span<float> scratch)
    {
        Check(x, w, y, s);
        if (s.Stride == 1 && s.Padding == 0)
        {
            int outW = s.OutWidth;
            if (outW >= 16 && Vector512.IsHardwareAccelerated) { ForwardDirect<Simd512>(x, w, bias, y, s); return; }
            if (outW == 8 && s.OutHeight % 2 == 0 && s.Filters % 4 == 0 && Vector512.IsHardwareAccelerated) { ForwardRowPairs(x, w, bias, y, s); return; }
            if (outW >= 8 && s.Filters % 16 == 0 && Vector512.IsHardwareAccelerated && Avx.IsSupported) { ForwardFilterLanes(x, w, bias, y, s, scratch); return; }
            if (outW >= 8 && Vector256.IsHardwareAccelerated) { ForwardDirect<Simd256>(x, w, bias, y, s); return; }
            if (outW >= 4 && Vector128.IsHardwareAccelerated) { ForwardDirect<Simd128>(x, w, bias, y, s); return; }
        }
        ForwardIm2Col(x, w, bias, y, s, scratch);
    }

    /// <summary>dw += Σ_n dy_n ⋆ x_n (the weight gradient).</summary>
    public static void WeightGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, in Conv2dShape s, Span<float> scratch)
    {
        Check(x, dw, dy, s);
        if (s.Stride == 1 && s.Padding == 0)
        {
            int outW = s.OutWidth;
            if (outW % 16 == 0 && Vector512.IsHardwareAccelerated) { WeightGradientDirect<Simd512>(x, dy, dw, s, scratch); return; }
            if (outW == 8 && s.Filters % 16 == 0 && Vector512.IsHardwareAccelerated && Avx.IsSupported) { WeightGradientFilterLanes(x, dy, dw, s); return; }
            if (outW % 8 == 0 && Vector256.IsHardwareAccelerated) { WeightGradientDirect<Simd256>(x, dy, dw, s, scratch); return; }
            if (outW % 4 == 0 && Vector128.IsHardwareAccelerated) { WeightGradientDirect<Simd128>(x, dy, dw, s, scratch); return; }
        }
        WeightGradientIm2Col(x, dy, dw, s, scratch);
    }

    /// <summary>dx += the adjoint of the convolution applied to dy (the input gradient).</summary>
    public static void InputGradient(ReadOnlySpan<float> w, ReadOnlySpan<float> dy, Span<float> dx, in Conv2dShape s, Span<float> scratch)
    {
        Check(dx, w, dy, s);
        int plane = s.OutPlane, cols = s.Patch * plane;
        Span<float> dcol = scratch[..cols];
        for (int n = 0; n < s.Batch; n++)
        {
            Gemm.Multiply(w, dy.Slice(n * s.Filters * plane, s.Filters * plane), dcol, s.Patch, plane, s.Filters, transposeA: true);
            Col2ImAdd(dcol, dx.Slice(n * s.ImageSize, s.ImageSize), s);
        }
    }

    /// <summary>db[f] += Σ over the batch and the output plane of dy[n, f].</summary>
    public static void BiasGradient(ReadOnlySpan<float> dy, Span<float> db, in Conv2dShape s)
    {
        int plane = s.OutPlane;
        for (int n = 0; n < s.Batch; n++)
            for (int f = 0; f < s.Filters; f++) db[f] += TensorPrimitives.Sum(dy.Slice((n * s.Filters + f) * plane, plane));
    }

    /// <summary>The scalar reference of <see cref="Forward"/>: each output a fused multiply-add chain over (c, i, j) from 0, then + bias.</summary>
    public static void ForwardReference(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, in Conv2dShape s)
    {
        Check(x, w, y, s);
        int outH = s.OutHeight, outW = s.OutWidth;
        for (int n = 0; n < s.Batch; n++)
        for (int f = 0; f < s.Filters; f++)
        for (int oy = 0; oy < outH; oy++)
        for (int ox = 0; ox < outW; ox++)
        {
            float acc = 0;
            for (int c = 0; c < s.Channels; c++)
            for (int i = 0; i < s.KernelHeight; i++)
            for (int j = 0; j < s.KernelWidth; j++)
            {
                int iy = oy * s.Stride + i - s.Padding, ix = ox * s.Stride + j - s.Padding;
                float xv = (uint)iy < (uint)s.Height && (uint)ix < (uint)s.Width ? x[((n * s.Channels + c) * s.Height + iy) * s.Width + ix] : 0f;
                acc = float.MultiplyAddEstimate(w[((f * s.Channels + c) * s.KernelHeight + i) * s.KernelWidth + j], xv, acc);
            }
            y[((n * s.Filters + f) * outH + oy) * outW + ox] = bias.IsEmpty ? acc : acc + bias[f];
        }
    }

    /// <summary>The scalar reference of <see cref="WeightGradient"/>: each dw entry += the sum over n, oy, ox in order.</summary>
    public static void WeightGradientReference(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, in Conv2dShape s)
    {
        Check(x, dw, dy, s);
        int outH = s.OutHeight, outW = s.OutWidth;
        for (int f = 0; f < s.Filters; f++)
        for (int c = 0; c < s.Channels; c++)
        for (int i = 0; i < s.KernelHeight; i++)
        for (int j = 0; j < s.KernelWidth; j++)
        {
            float acc = 0;
            for (int n = 0; n < s.Batch; n++)
            for (int oy = 0; oy < outH; oy++)
            for (int ox = 0; ox < outW; ox++)
            {
                int iy = oy * s.Stride + i - s.Padding, ix = ox * s.Stride + j - s.Padding;
                if ((uint)iy >= (uint)s.Height || (uint)ix >= (uint)s.Width) continue;
                acc = float.MultiplyAddEstimate(dy[((n * s.Filters + f) * outH + oy) * outW + ox], x[((n * s.Channels + c) * s.Height + iy) * s.Width + ix], acc);
            }
            dw[((f * s.Channels + c) * s.KernelHeight + i) * s.KernelWidth + j] += acc;
        }
    }

    /// <summary>The scalar reference of <see cref="InputGradient"/>: every dy·w term added to the pixel it was read from.</summary>
    public static void InputGradientReference(ReadOnlySpan<float> w, ReadOnlySpan<float> dy, Span<float> dx, in Conv2dShape s)
    {
        Check(dx, w, dy, s);
        int outH = s.OutHeight, outW = s.OutWidth;
        for (int n = 0; n < s.Batch; n++)
        for (int c = 0; c < s.Channels; c++)
        for (int iy = 0; iy < s.Height; iy++)
        for (int ix = 0; ix < s.Width; ix++)
        {
            float acc = 0;
            for (int f = 0; f < s.Filters; f++)
            for (int i = 0; i < s.KernelHeight; i++)
            for (int j = 0; j < s.KernelWidth; j++)
            {
                int ty = iy + s.Padding - i, tx = ix + s.Padding - j;
                if (ty < 0 || tx < 0 || ty % s.Stride != 0 || tx % s.Stride != 0) continue;
                int oy = ty / s.Stride, ox = tx / s.Stride;
                if (oy >= outH || ox >= outW) continue;
                acc = float.MultiplyAddEstimate(w[((f * s.Channels + c) * s.KernelHeight + i) * s.KernelWidth + j], dy[((n * s.Filters + f) * outH + oy) * outW + ox], acc);
            }
            dx[((n * s.Channels + c) * s.Height + iy) * s.Width + ix] += acc;
        }
    }

    /// <summary>The forward by im2col and one <see cref="Gemm"/> per image (any stride and padding).</summary>
    internal static void ForwardIm2Col(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, in Conv2dShape s, Span<float> scratch)
    {
        int plane = s.OutPlane;
        Span<float> col = scratch[..(s.Patch * plane)];
        for (int n = 0; n < s.Batch; n++)
        {
            Im2Col(x.Slice(n * s.ImageSize, s.ImageSize), col, s);
            Span<float> yn = y.Slice(n * s.Filters * plane, s.Filters * plane);
            Gemm.Multiply(w, col, yn, s.Filters, plane, s.Patch);
            if (bias.IsEmpty) continue;
            for (int f = 0; f < s.Filters; f++)
            {
                Span<float> p = yn.Slice(f * plane, plane);
                TensorPrimitives.Add(p, bias[f], p);
            }
        }
    }

    /// <summary>The weight gradient by im2col and one accumulating <see cref="Gemm"/> per image (any stride and padding).</summary>
    internal static void WeightGradientIm2Col(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, in Conv2dShape s, Span<float> scratch)
    {
        int plane = s.OutPlane;
        Span<float> col = scratch[..(s.Patch * plane)];
        for (int n = 0; n < s.Batch; n++)
        {
            Im2Col(x.Slice(n * s.ImageSize, s.ImageSize), col, s);
            Gemm.Multiply(dy.Slice(n * s.Filters * plane, s.Filters * plane), col, dw, s.Filters, s.Patch, plane, transposeB: true, accumulate: true);
        }
    }

    /// <summary>
    /// Stride 1, no padding, OutW ≥ V: for each pair of output rows (then the odd last row) and each run of V output
    /// columns (the last run shifted left to end at OutW, recomputing a few outputs with the same bits), eight filters
    /// at a time accumulate w[f, c, i, j] · x[c, oy + i, ox + j .. + V] in (c, i, j) order, then add the bias.
    /// </summary>
    internal static unsafe void ForwardDirect<TVec>(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, in Conv2dShape s)
        where TVec : struct, ISimdFloat<TVec>
    {
        int v = TVec.Count, outH = s.OutHeight, outW = s.OutWidth, plane = outH * outW, patch = s.Patch;
        int filters = s.Filters, kh = s.KernelHeight, kw = s.KernelWidth, height = s.Height, width = s.Width, channels = s.Channels;
        bool hasBias = !bias.IsEmpty;
        fixed (float* px = x, pw = w, pb = bias, py = y)
        {
            for (int n = 0; n < s.Batch; n++)
            {
                float* xn = px + (long)n * s.ImageSize, yn = py + (long)n * filters * plane;
                int oy = 0;
                for (; oy + 2 <= outH; oy += 2)
                for (int ox0 = 0; ox0 < outW; ox0 += v)
                {
                    // Two output rows share every weight broadcast: 2 input loads and 8 broadcasts feed 16 FMAs.
                    int ox = Math.Min(ox0, outW - v);
                    float* origin = xn + oy * width + ox, yo = yn + oy * outW + ox;
                    int f = 0;
                    for (; f + Block <= filters; f += Block)
                    {
                        TVec a0 = TVec.Zero, a1 = TVec.Zero, a2 = TVec.Zero, a3 = TVec.Zero, a4 = TVec.Zero, a5 = TVec.Zero, a6 = TVec.Zero, a7 = TVec.Zero;
                        TVec b0 = TVec.Zero, b1 = TVec.Zero, b2 = TVec.Zero, b3 = TVec.Zero, b4 = TVec.Zero, b5 = TVec.Zero, b6 = TVec.Zero, b7 = TVec.Zero;
                        float* wp = pw + (long)f * patch;
                        for (int c = 0; c < channels; c++)
                        for (int i = 0; i < kh; i++)
                        {
                            float* row = origin + (c * height + i) * width;
                            for (int j = 0; j < kw; j++, wp++)
                            {
                                TVec x0 = TVec.Load(row + j), x1 = TVec.Load(row + width + j), wv;
                                wv = TVec.Broadcast(wp[0]); a0 = TVec.MultiplyAdd(wv, x0, a0); b0 = TVec.MultiplyAdd(wv, x1, b0);
                                wv = TVec.Broadcast(wp[patch]); a1 = TVec.MultiplyAdd(wv, x0, a1); b1 = TVec.MultiplyAdd(wv, x1, b1);
                                wv = TVec.Broadcast(wp[2 * patch]); a2 = TVec.MultiplyAdd(wv, x0, a2); b2 = TVec.MultiplyAdd(wv, x1, b2);
                                wv = TVec.Broadcast(wp[3 * patch]); a3 = TVec.MultiplyAdd(wv, x0, a3); b3 = TVec.MultiplyAdd(wv, x1, b3);
                                wv = TVec.Broadcast(wp[4 * patch]); a4 = TVec.MultiplyAdd(wv, x0, a4); b4 = TVec.MultiplyAdd(wv, x1, b4);
                                wv = TVec.Broadcast(wp[5 * patch]); a5 = TVec.MultiplyAdd(wv, x0, a5); b5 = TVec.MultiplyAdd(wv, x1, b5);
                                wv = TVec.Broadcast(wp[6 * patch]); a6 = TVec.MultiplyAdd(wv, x0, a6); b6 = TVec.MultiplyAdd(wv, x1, b6);
                                wv = TVec.Broadcast(wp[7 * patch]); a7 = TVec.MultiplyAdd(wv, x0, a7); b7 = TVec.MultiplyAdd(wv, x1, b7);
                            }
                        }
                        float* yf = yo + (long)f * plane;
                        StoreWithBias(a0, yf, hasBias, pb, f); StoreWithBias(b0, yf + outW, hasBias, pb, f);
                        StoreWithBias(a1, yf + plane, hasBias, pb, f + 1); StoreWithBias(b1, yf + plane + outW, hasBias, pb, f + 1);
                        StoreWithBias(a2, yf + 2 * plane, hasBias, pb, f + 2); StoreWithBias(b2, yf + 2 * plane + outW, hasBias, pb, f + 2);
                        StoreWithBias(a3, yf + 3 * plane, hasBias, pb, f + 3); StoreWithBias(b3, yf + 3 * plane + outW, hasBias, pb, f + 3);
                        StoreWithBias(a4, yf + 4 * plane, hasBias, pb, f + 4); StoreWithBias(b4, yf + 4 * plane + outW, hasBias, pb, f + 4);
                        StoreWithBias(a5, yf + 5 * plane, hasBias, pb, f + 5); StoreWithBias(b5, yf + 5 * plane + outW, hasBias, pb, f + 5);
                        StoreWithBias(a6, yf + 6 * plane, hasBias, pb, f + 6); StoreWithBias(b6, yf + 6 * plane + outW, hasBias, pb, f + 6);
                        StoreWithBias(a7, yf + 7 * plane, hasBias, pb, f + 7); StoreWithBias(b7, yf + 7 * plane + outW, hasBias, pb, f + 7);
                    }
                    for (; f < filters; f++)
                    {
                        TVec a = TVec.Zero, b = TVec.Zero;
                        float* wp = pw + (long)f * patch;
                        for (int c = 0; c < channels; c++)
                        for (int i = 0; i < kh; i++)
                        {
                            float* row = origin + (c * height + i) * width;
                            for (int j = 0; j < kw; j++, wp++)
                            {
                                TVec wv = TVec.Broadcast(*wp);
                                a = TVec.MultiplyAdd(wv, TVec.Load(row + j), a);
                                b = TVec.MultiplyAdd(wv, TVec.Load(row + width + j), b);
                            }
                        }
                        StoreWithBias(a, yo + (long)f * plane, hasBias, pb, f);
                        StoreWithBias(b, yo + (long)f * plane + outW, hasBias, pb, f);
                    }
                }
                for (; oy < outH; oy++)
                for (int ox0 = 0; ox0 < outW; ox0 += v)
                {
                    int ox = Math.Min(ox0, outW - v);
                    float* origin = xn + oy * width + ox, yo = yn + oy * outW + ox;
                    int f = 0;
                    for (; f + Block <= filters; f += Block)
                    {
                        TVec a0 = TVec.Zero, a1 = TVec.Zero, a2 = TVec.Zero, a3 = TVec.Zero, a4 = TVec.Zero, a5 = TVec.Zero, a6 = TVec.Zero, a7 = TVec.Zero;
                        float* wp = pw + (long)f * patch;
                        for (int c = 0; c < channels; c++)
                        for (int i = 0; i < kh; i++)
                        {
                            float* row = origin + (c * height + i) * width;
                            for (int j = 0; j < kw; j++, wp++)
                            {
                                TVec xv = TVec.Load(row + j);
                                a0 = TVec.MultiplyAdd(TVec.Broadcast(wp[0]), xv, a0);
                                a1 = TVec.MultiplyAdd(TVec.Broadcast(wp[patch]), xv, a1);
                                a2 = TVec.MultiplyAdd(TVec.Broadcast(wp[2 * patch]), xv, a2);
                                a3 = TVec.MultiplyAdd(TVec.Broadcast(wp[3 * patch]), xv, a3);
                                a4 = TVec.MultiplyAdd(TVec.Broadcast(wp[4 * patch]), xv, a4);
                                a5 = TVec.MultiplyAdd(TVec.Broadcast(wp[5 * patch]), xv, a5);
                                a6 = TVec.MultiplyAdd(TVec.Broadcast(wp[6 * patch]), xv, a6);
                                a7 = TVec.MultiplyAdd(TVec.Broadcast(wp[7 * patch]), xv, a7);
                            }
                        }
                        float* yf = yo + (long)f * plane;
                        StoreWithBias(a0, yf, hasBias, pb, f);
                        StoreWithBias(a1, yf + plane, hasBias, pb, f + 1);
                        StoreWithBias(a2, yf + 2 * plane, hasBias, pb, f + 2);
                        StoreWithBias(a3, yf + 3 * plane, hasBias, pb, f + 3);
                        StoreWithBias(a4, yf + 4 * plane, hasBias, pb, f + 4);
                        StoreWithBias(a5, yf + 5 * plane, hasBias, pb, f + 5);
                        StoreWithBias(a6, yf + 6 * plane, hasBias, pb, f + 6);
                        StoreWithBias(a7, yf + 7 * plane, hasBias, pb, f + 7);
                    }
                    for (; f < filters; f++)
                    {
                        TVec a = TVec.Zero;
                        float* wp = pw + (long)f * patch;
                        for (int c = 0; c < channels; c++)
                        for (int i = 0; i < kh; i++)
                        {
                            float* row = origin + (c * height + i) * width;
                            for (int j = 0; j < kw; j++, wp++) a = TVec.MultiplyAdd(TVec.Broadcast(*wp), TVec.Load(row + j), a);
                        }
                        StoreWithBias(a, yo + (long)f * plane, hasBias, pb, f);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Stride 1, no padding, 8 ≤ OutW (and, where it is used, OutW &lt; 16, too narrow for a 512-bit row of outputs), F a
    /// multiple of 16: the sixteen lanes of a 512-bit vector are sixteen filters instead of output columns. For each run
    /// of 8 output columns of a row (the last run shifted left to end at OutW), eight accumulators — one per output
    /// position, sixteen filters wide — take w[f0..f0+16, c, i, j] (one load from the weights transposed to [C·KH·KW, F]
    /// in <paramref name="scratch"/>) times the broadcast input x[c, oy + i, ox + j] in (c, i, j) order, then add the
    /// bias; two 8 × 8 transposes write them to the sixteen output planes. Each output is the chain of
    /// <see cref="ForwardReference"/>, so the bits are the same; the 512-bit FMAs are full where a row of 8 outputs would
    /// fill half of one (MinAtar's 10 × 10 boards, 8 × 8 outputs).
    /// </summary>
    internal static unsafe void ForwardFilterLanes(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, in Conv2dShape s, Span<float> scratch)
    {
        const int Lanes = 16, Run = 8;
        int outH = s.OutHeight, outW = s.OutWidth, plane = outH * outW, patch = s.Patch, filters = s.Filters;
        int kh = s.KernelHeight, kw = s.KernelWidth, height = s.Height, width = s.Width, channels = s.Channels;
        if (scratch.Length < patch * filters + Run * Lanes + 16)
            throw new ArgumentException($"Conv2d: the scratch has {scratch.Length} floats, the filter-lane kernel needs {patch * filters + Run * Lanes + 16}.", nameof(scratch));
        bool hasBias = !bias.IsEmpty;
        fixed (float* px = x, pw = w, pb = bias, py = y, ps = scratch)
        {
            // wT[p, f] = w[f, p]: each (c, i, j) reads its sixteen filters as one vector.
            float* wT = ps;
            GemmKernel<Simd128>.Transpose(pw, filters, patch, wT);
            float* stage = ps + patch * filters;
            stage = (float*)(((nint)stage + 63) & ~(nint)63);
            for (int n = 0; n < s.Batch; n++)
            {
                float* xn = px + (long)n * s.ImageSize, yn = py + (long)n * filters * plane;
                for (int f0 = 0; f0 < filters; f0 += Lanes)
                {
                    Vector512<float> b = hasBias ? Vector512.Load(pb + f0) : Vector512<float>.Zero;
                    for (int oy = 0; oy < outH; oy++)
                    for (int ox0 = 0; ox0 < outW; ox0 += Run)
                    {
                        int ox = Math.Min(ox0, outW - Run);
                        float* origin = xn + oy * width + ox;
                        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                        float* wp = wT + f0;
                        for (int c = 0; c < channels; c++)
                        for (int i = 0; i < kh; i++)
                        {
                            float* row = origin + (c * height + i) * width;
                            for (int j = 0; j < kw; j++, wp += filters)
                            {
                                Vector512<float> wv = Vector512.Load(wp);
                                float* r = row + j;
                                a0 = Vector512.FusedMultiplyAdd(wv, Vector512.Create(r[0]), a0);
                                a1 = Vector512.FusedMultiplyAdd(wv, Vector512.Create(r[1]), a1);
                                a2 = Vector512.FusedMultiplyAdd(wv, Vector512.Create(r[2]), a2);
                                a3 = Vector512.FusedMultiplyAdd(wv, Vector512.Create(r[3]), a3);
                                a4 = Vector512.FusedMultiplyAdd(wv, Vector512.Create(r[4]), a4);
                                a5 = Vector512.FusedMultiplyAdd(wv, Vector512.Create(r[5]), a5);
                                a6 = Vector512.FusedMultiplyAdd(wv, Vector512.Create(r[6]), a6);
                                a7 = Vector512.FusedMultiplyAdd(wv, Vector512.Create(r[7]), a7);
                            }
                        }
                        if (hasBias)
                        {
                            (a0, a1, a2, a3) = (a0 + b, a1 + b, a2 + b, a3 + b);
                            (a4, a5, a6, a7) = (a4 + b, a5 + b, a6 + b, a7 + b);
                        }
                        // stage[k, f] for position k of the run, then y[f0 + f, oy, ox + k] through two 8 × 8 transposes.
                        a0.Store(stage); a1.Store(stage + Lanes); a2.Store(stage + 2 * Lanes); a3.Store(stage + 3 * Lanes);
                        a4.Store(stage + 4 * Lanes); a5.Store(stage + 5 * Lanes); a6.Store(stage + 6 * Lanes); a7.Store(stage + 7 * Lanes);
                        float* yo = yn + (long)f0 * plane + oy * outW + ox;
                        GemmKernel<Simd256>.Transpose8x8(stage, Lanes, yo, plane);
                        GemmKernel<Simd256>.Transpose8x8(stage + 8, Lanes, yo + 8L * plane, plane);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Stride 1, no padding, OutW = 8 and OutH even, F a multiple of 4 (MinAtar's 10 × 10 boards: 8 × 8 outputs): the
    /// sixteen lanes of a 512-bit vector are two whole output rows, 16 consecutive floats of an output plane. A register
    /// tile of 4 filters × up to 4 row pairs keeps 16 accumulators; for each (c, i, j) it loads each row pair's inputs
    /// x[c, oy + i, j .. j + 8) and x[c, oy + 1 + i, j .. j + 8) as one vector and broadcasts the 4 filters' weights
    /// (12 loads per 16 fused multiply-adds), then adds the bias and stores each accumulator as it is: no transposes.
    /// Each output is the chain of <see cref="ForwardReference"/>, so the bits are the same.
    /// </summary>
    internal static unsafe void ForwardRowPairs(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, in Conv2dShape s)
    {
        int pairs = s.OutHeight / 2, plane = s.OutHeight * 8, filters = s.Filters;
        var g = new RowPairGeometry(s.Channels, s.KernelHeight, s.KernelWidth, s.Height, s.Width, s.Patch, plane);
        fixed (float* px = x, pw = w, pb = bias, py = y)
        {
            float* b = bias.IsEmpty ? null : pb;
            for (int n = 0; n < s.Batch; n++)
            {
                float* xn = px + (long)n * s.ImageSize, yn = py + (long)n * filters * plane;
                for (int f = 0; f < filters; f += 4)
                {
                    int pair = 0;
                    for (; pair + 4 <= pairs; pair += 4) RowPairTile(4, xn, pw, b, yn, f, pair, g);
                    for (; pair + 2 <= pairs; pair += 2) RowPairTile(2, xn, pw, b, yn, f, pair, g);
                    for (; pair < pairs; pair++) RowPairTile(1, xn, pw, b, yn, f, pair, g);
                }
            }
        }
    }

    private readonly record struct RowPairGeometry(int Channels, int KernelHeight, int KernelWidth, int Height, int Width, int Patch, int Plane);

    /// <summary>
    /// Filters f .. f + 4 × row pairs pair .. pair + <paramref name="pairs"/> of one image; <paramref name="pairs"/> ∈ {1, 2, 4}
    /// is a constant at every call site, so the JIT keeps only the accumulators in use.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void RowPairTile(int pairs, float* xn, float* w, float* bias, float* yn, int f, int pair, in RowPairGeometry g)
    {
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default;
        int width = g.Width, step = 2 * width;
        float* w0 = w + (long)f * g.Patch, w1 = w0 + g.Patch, w2 = w1 + g.Patch, w3 = w2 + g.Patch;
        int p = 0;
        for (int c = 0; c < g.Channels; c++)
        for (int i = 0; i < g.KernelHeight; i++)
        {
            float* row = xn + ((c * g.Height) + (2 * pair) + i) * width;
            for (int j = 0; j < g.KernelWidth; j++, p++)
            {
                float* r = row + j;
                Vector512<float> x0 = Vector512.Create(Vector256.Load(r), Vector256.Load(r + width));
                Vector512<float> x1 = pairs >= 2 ? Vector512.Create(Vector256.Load(r + step), Vector256.Load(r + step + width)) : default;
                Vector512<float> x2 = pairs >= 4 ? Vector512.Create(Vector256.Load(r + 2 * step), Vector256.Load(r + 2 * step + width)) : default;
                Vector512<float> x3 = pairs >= 4 ? Vector512.Create(Vector256.Load(r + 3 * step), Vector256.Load(r + 3 * step + width)) : default;
                Vector512<float> v0 = Vector512.Create(w0[p]), v1 = Vector512.Create(w1[p]), v2 = Vector512.Create(w2[p]), v3 = Vector512.Create(w3[p]);
                a00 = Vector512.FusedMultiplyAdd(v0, x0, a00);
                a10 = Vector512.FusedMultiplyAdd(v1, x0, a10);
                a20 = Vector512.FusedMultiplyAdd(v2, x0, a20);
                a30 = Vector512.FusedMultiplyAdd(v3, x0, a30);
                if (pairs >= 2)
                {
                    a01 = Vector512.FusedMultiplyAdd(v0, x1, a01);
                    a11 = Vector512.FusedMultiplyAdd(v1, x1, a11);
                    a21 = Vector512.FusedMultiplyAdd(v2, x1, a21);
                    a31 = Vector512.FusedMultiplyAdd(v3, x1, a31);
                }
                if (pairs >= 4)
                {
                    a02 = Vector512.FusedMultiplyAdd(v0, x2, a02);
                    a12 = Vector512.FusedMultiplyAdd(v1, x2, a12);
                    a22 = Vector512.FusedMultiplyAdd(v2, x2, a22);
                    a32 = Vector512.FusedMultiplyAdd(v3, x2, a32);
                    a03 = Vector512.FusedMultiplyAdd(v0, x3, a03);
                    a13 = Vector512.FusedMultiplyAdd(v1, x3, a13);
                    a23 = Vector512.FusedMultiplyAdd(v2, x3, a23);
                    a33 = Vector512.FusedMultiplyAdd(v3, x3, a33);
                }
            }
        }
        // Output plane f + k, rows 2·(pair + q) and the next: 16 consecutive floats.
        float* y0 = yn + (long)f * g.Plane + pair * 16;
        StoreRowPairs(pairs, y0, a00, a01, a02, a03, bias, f);
        StoreRowPairs(pairs, y0 + g.Plane, a10, a11, a12, a13, bias, f + 1);
        StoreRowPairs(pairs, y0 + 2 * g.Plane, a20, a21, a22, a23, bias, f + 2);
        StoreRowPairs(pairs, y0 + 3 * g.Plane, a30, a31, a32, a33, bias, f + 3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRowPairs(int pairs, float* y, Vector512<float> q0, Vector512<float> q1, Vector512<float> q2, Vector512<float> q3, float* bias, int f)
    {
        if (bias != null)
        {
            var b = Vector512.Create(bias[f]);
            (q0, q1, q2, q3) = (q0 + b, q1 + b, q2 + b, q3 + b);
        }
        q0.Store(y);
        if (pairs >= 2) q1.Store(y + 16);
        if (pairs >= 4)
        {
            q2.Store(y + 32);
            q3.Store(y + 48);
        }
    }

    private static unsafe void StoreWithBias<TVec>(TVec acc, float* destination, bool hasBias, float* bias, int f) where TVec : struct, ISimdFloat<TVec> =>
        TVec.Store(hasBias ? TVec.Add(acc, TVec.Broadcast(bias[f])) : acc, destination);

    /// <summary>
    /// Stride 1, no padding, OutW a multiple of V: the lane-wise partial sums of dy[n, f, oy, ox .. + V] ·
    /// x[n, c, oy + i, ox + j .. + V] over (n, oy, ox) in that order for each (f, c, i, j), reduced across the lanes
    /// and added to dw once at the end (reassociated: within float rounding of <see cref="WeightGradientReference"/>).
    /// A register tile of up to 4 filters × 4 receptive-field positions keeps its 16 partial sums in registers over the
    /// whole batch: each x vector feeds 4 filters and each dy vector 4 positions (8 loads per 16 fused multiply-adds).
    /// <paramref name="scratch"/> holds the receptive-field offsets.
    /// </summary>
    internal static unsafe void WeightGradientDirect<TVec>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, in Conv2dShape s, Span<float> scratch)
        where TVec : struct, ISimdFloat<TVec>
    {
        int outH = s.OutHeight, outW = s.OutWidth, plane = outH * outW, patch = s.Patch;
        int filters = s.Filters, width = s.Width;
        int tileP = System.Runtime.Intrinsics.X86.Avx512F.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported ? 4 : 2;
        Span<int> offsets = patch <= 256 ? stackalloc int[patch] : new int[patch];
        ReceptiveFieldOffsets(s, offsets);
        var g = new DwGeometry(s.Batch, s.ImageSize, filters * plane, plane, outH, outW, width);
        fixed (float* px = x, pdy = dy, pdw = dw)
        fixed (int* po = offsets)
        {
            for (int f = 0; f < filters;)
            {
                int fr = filters - f >= 4 ? 4 : 1;
                for (int p = 0; p < patch;)
                {
                    int pc = patch - p >= tileP ? tileP : 1;
                    float* d = pdy + (long)f * plane, o = pdw + (long)f * patch + p;
                    if (fr == 4 && pc == 4) DwTile<TVec>(4, 4, px, po + p, d, o, patch, g);
                    else if (fr == 4 && pc == 2) DwTile<TVec>(4, 2, px, po + p, d, o, patch, g);
                    else if (fr == 4) DwTile<TVec>(4, 1, px, po + p, d, o, patch, g);
                    else if (pc == 4) DwTile<TVec>(1, 4, px, po + p, d, o, patch, g);
                    else if (pc == 2) DwTile<TVec>(1, 2, px, po + p, d, o, patch, g);
                    else DwTile<TVec>(1, 1, px, po + p, d, o, patch, g);
                    p += pc;
                }
                f += fr;
            }
        }
    }

    /// <summary>offsets[p] = (c·H + i)·W + j for receptive-field position p = (c, i, j): where it starts in an input image.</summary>
    private static void ReceptiveFieldOffsets(in Conv2dShape s, Span<int> offsets)
    {
        for (int c = 0, p = 0; c < s.Channels; c++)
            for (int i = 0; i < s.KernelHeight; i++)
                for (int j = 0; j < s.KernelWidth; j++, p++) offsets[p] = (c * s.Height + i) * s.Width + j;
    }

    [ThreadStatic] private static float[]? t_dyT;

    /// <summary>
    /// <see cref="WeightGradientDirect{TVec}"/> at 256 bits for OutW = 8 (MinAtar's 8 × 8 outputs), computed with sixteen
    /// filters in the lanes of a 512-bit vector: the same sums in the same order, so the same bits. The 256-bit kernel
    /// keeps, for each weight, one chain per output column ox (its lane) over (n, oy), then adds the eight lanes as
    /// ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)) (<see cref="Vector256.Sum{T}"/>) to dw. Here eight accumulators,
    /// one per ox, each sixteen filters wide, run those chains for three receptive-field positions side by side in a kernel
    /// row at a time (<see cref="DwFilterLanesRun3"/>), else two or one — dy transposed to [n, oy, ox, f] once per group
    /// of sixteen filters, x broadcast — and the same tree adds them lane by lane.
    /// </summary>
    internal static unsafe void WeightGradientFilterLanes(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, in Conv2dShape s)
    {
        const int Lanes = 16, OutW = 8;
        int outH = s.OutHeight, plane = outH * OutW, patch = s.Patch, filters = s.Filters, batch = s.Batch;
        int width = s.Width;
        if (s.OutWidth != OutW || filters % Lanes != 0) throw new ArgumentException($"Conv2d: the filter-lane weight gradient needs OutW = 8 and filters in multiples of 16, got {s}.", nameof(s));
        Span<int> offsets = patch <= 256 ? stackalloc int[patch] : new int[patch];
        ReceptiveFieldOffsets(s, offsets);
        int need = batch * plane * Lanes + 16;
        if (t_dyT is null || t_dyT.Length < need) t_dyT = GC.AllocateArray<float>(need, pinned: true);
        fixed (float* px = x, pdy = dy, pdw = dw, pt = t_dyT)
        fixed (int* po = offsets)
        {
            float* dyT = (float*)(((nint)pt + 63) & ~(nint)63);
            for (int f0 = 0; f0 < filters; f0 += Lanes)
            {
                // dyT[n, pos, f] = dy[n, f0 + f, pos]: sixteen planes of `plane` floats, transposed.
                for (int n = 0; n < batch; n++)
                    GemmKernel<Simd128>.Transpose(pdy + ((long)n * filters + f0) * plane, Lanes, plane, dyT + (long)n * plane * Lanes);
                int p = 0;
                while (p < patch)
                {
                    float* dwp = pdw + (long)f0 * patch + p;
                    if (p + 3 <= patch && po[p + 1] == po[p] + 1 && po[p + 2] == po[p] + 2)
                    {
                        DwFilterLanesRun3(px, po[p], dyT, dwp, patch, batch, s.ImageSize, outH, width);
                        p += 3;
                    }
                    else if (p + 2 <= patch)
                    {
                        DwFilterLanes(2, px, po + p, dyT, dwp, patch, batch, s.ImageSize, outH, width);
                        p += 2;
                    }
                    else
                    {
                        DwFilterLanes(1, px, po + p, dyT, dwp, patch, batch, s.ImageSize, outH, width);
                        p++;
                    }
                }
            }
        }
    }

    /// <summary>
    /// dw[f, p + q] += the ox-tree of Σ_(n, oy) dyT[n, oy, ox, f] · x[n, offsets[q] + oy·W + ox] for sixteen f and
    /// q &lt; <paramref name="cols"/> ∈ {1, 2} (a constant at each call site).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static unsafe void DwFilterLanes(int cols, float* x, int* offsets, float* dyT, float* dw, int patch, int batch, int imageSize, int outH, int width)
    {
        const int Lanes = 16;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        nint o0 = offsets[0], o1 = cols == 2 ? offsets[1] : 0;
        for (int n = 0; n < batch; n++)
        {
            float* xn = x + (long)n * imageSize, dn = dyT + (long)n * outH * 8 * Lanes;
            for (int oy = 0; oy < outH; oy++)
            {
                float* d = dn + oy * 8 * Lanes, r0 = xn + oy * width + o0, r1 = xn + oy * width + o1;
                Vector512<float> d0 = Vector512.Load(d), d1 = Vector512.Load(d + Lanes), d2 = Vector512.Load(d + 2 * Lanes), d3 = Vector512.Load(d + 3 * Lanes);
                Vector512<float> d4 = Vector512.Load(d + 4 * Lanes), d5 = Vector512.Load(d + 5 * Lanes), d6 = Vector512.Load(d + 6 * Lanes), d7 = Vector512.Load(d + 7 * Lanes);
                a0 = Vector512.FusedMultiplyAdd(d0, Vector512.Create(r0[0]), a0);
                a1 = Vector512.FusedMultiplyAdd(d1, Vector512.Create(r0[1]), a1);
                a2 = Vector512.FusedMultiplyAdd(d2, Vector512.Create(r0[2]), a2);
                a3 = Vector512.FusedMultiplyAdd(d3, Vector512.Create(r0[3]), a3);
                a4 = Vector512.FusedMultiplyAdd(d4, Vector512.Create(r0[4]), a4);
                a5 = Vector512.FusedMultiplyAdd(d5, Vector512.Create(r0[5]), a5);
                a6 = Vector512.FusedMultiplyAdd(d6, Vector512.Create(r0[6]), a6);
                a7 = Vector512.FusedMultiplyAdd(d7, Vector512.Create(r0[7]), a7);
                if (cols < 2) continue;
                b0 = Vector512.FusedMultiplyAdd(d0, Vector512.Create(r1[0]), b0);
                b1 = Vector512.FusedMultiplyAdd(d1, Vector512.Create(r1[1]), b1);
                b2 = Vector512.FusedMultiplyAdd(d2, Vector512.Create(r1[2]), b2);
                b3 = Vector512.FusedMultiplyAdd(d3, Vector512.Create(r1[3]), b3);
                b4 = Vector512.FusedMultiplyAdd(d4, Vector512.Create(r1[4]), b4);
                b5 = Vector512.FusedMultiplyAdd(d5, Vector512.Create(r1[5]), b5);
                b6 = Vector512.FusedMultiplyAdd(d6, Vector512.Create(r1[6]), b6);
                b7 = Vector512.FusedMultiplyAdd(d7, Vector512.Create(r1[7]), b7);
            }
        }
        AddOxTree(dw, patch, a0, a1, a2, a3, a4, a5, a6, a7);
        if (cols == 2) AddOxTree(dw + 1, patch, b0, b1, b2, b3, b4, b5, b6, b7);
    }

    /// <summary>
    /// <see cref="DwFilterLanes"/> for three receptive-field positions next to each other in one kernel row (offsets o, o + 1,
    /// o + 2: a 3-wide kernel's row): position q's chain for column ox reads x[o + q + ox], so the ten x values of a row
    /// segment serve all 24 chains, each broadcast once (18 loads per 24 fused multiply-adds, against 24 per 16 for two
    /// positions). The same products summed in the same order as <see cref="DwFilterLanes"/>, so the same bits.
    /// </summary>
    private static unsafe void DwFilterLanesRun3(float* x, int offset, float* dyT, float* dw, int patch, int batch, int imageSize, int outH, int width)
    {
        const int Lanes = 16;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int n = 0; n < batch; n++)
        {
            float* xn = x + (long)n * imageSize + offset, dn = dyT + (long)n * outH * 8 * Lanes;
            for (int oy = 0; oy < outH; oy++)
            {
                float* d = dn + oy * 8 * Lanes, r = xn + oy * width;
                Vector512<float> x0 = Vector512.Create(r[0]), x1 = Vector512.Create(r[1]), x2, dk;
                dk = Vector512.Load(d + 0 * Lanes);
                x2 = Vector512.Create(r[2]);
                a0 = Vector512.FusedMultiplyAdd(dk, x0, a0);
                b0 = Vector512.FusedMultiplyAdd(dk, x1, b0);
                c0 = Vector512.FusedMultiplyAdd(dk, x2, c0);
                dk = Vector512.Load(d + 1 * Lanes);
                x0 = Vector512.Create(r[3]);
                a1 = Vector512.FusedMultiplyAdd(dk, x1, a1);
                b1 = Vector512.FusedMultiplyAdd(dk, x2, b1);
                c1 = Vector512.FusedMultiplyAdd(dk, x0, c1);
                dk = Vector512.Load(d + 2 * Lanes);
                x1 = Vector512.Create(r[4]);
                a2 = Vector512.FusedMultiplyAdd(dk, x2, a2);
                b2 = Vector512.FusedMultiplyAdd(dk, x0, b2);
                c2 = Vector512.FusedMultiplyAdd(dk, x1, c2);
                dk = Vector512.Load(d + 3 * Lanes);
                x2 = Vector512.Create(r[5]);
                a3 = Vector512.FusedMultiplyAdd(dk, x0, a3);
                b3 = Vector512.FusedMultiplyAdd(dk, x1, b3);
                c3 = Vector512.FusedMultiplyAdd(dk, x2, c3);
                dk = Vector512.Load(d + 4 * Lanes);
                x0 = Vector512.Create(r[6]);
                a4 = Vector512.FusedMultiplyAdd(dk, x1, a4);
                b4 = Vector512.FusedMultiplyAdd(dk, x2, b4);
                c4 = Vector512.FusedMultiplyAdd(dk, x0, c4);
                dk = Vector512.Load(d + 5 * Lanes);
                x1 = Vector512.Create(r[7]);
                a5 = Vector512.FusedMultiplyAdd(dk, x2, a5);
                b5 = Vector512.FusedMultiplyAdd(dk, x0, b5);
                c5 = Vector512.FusedMultiplyAdd(dk, x1, c5);
                dk = Vector512.Load(d + 6 * Lanes);
                x2 = Vector512.Create(r[8]);
                a6 = Vector512.FusedMultiplyAdd(dk, x0, a6);
                b6 = Vector512.FusedMultiplyAdd(dk, x1, b6);
                c6 = Vector512.FusedMultiplyAdd(dk, x2, c6);
                dk = Vector512.Load(d + 7 * Lanes);
                x0 = Vector512.Create(r[9]);
                a7 = Vector512.FusedMultiplyAdd(dk, x1, a7);
                b7 = Vector512.FusedMultiplyAdd(dk, x2, b7);
                c7 = Vector512.FusedMultiplyAdd(dk, x0, c7);
            }
        }
        AddOxTree(dw, patch, a0, a1, a2, a3, a4, a5, a6, a7);
        AddOxTree(dw + 1, patch, b0, b1, b2, b3, b4, b5, b6, b7);
        AddOxTree(dw + 2, patch, c0, c1, c2, c3, c4, c5, c6, c7);
    }

    /// <summary>dw[f·patch] += ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) in lane f, for the sixteen lanes.</summary>
    private static unsafe void AddOxTree(float* dw, int patch, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3,
        Vector512<float> s4, Vector512<float> s5, Vector512<float> s6, Vector512<float> s7)
    {
        Vector512<float> sum = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        for (int f = 0; f < 16; f++) dw[(long)f * patch] += sum.GetElement(f);
    }

    /// <summary>The sizes <see cref="DwTile"/> walks: images, their strides in x and dy, the output plane and the input row.</summary>
    private readonly record struct DwGeometry(int Batch, int ImageSize, int DyImageSize, int Plane, int OutHeight, int OutWidth, int Width);

    /// <summary>
    /// dw[f + r, p + q] += Σ lanes of Σ_(n, oy, ox) dy[n, f + r, oy, ox..] · x[n, offsets[q] + oy·W + ox..] for
    /// r &lt; <paramref name="rows"/> ∈ {1, 4}, q &lt; <paramref name="cols"/> ∈ {1, 2, 4} (constants at every call site).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static unsafe void DwTile<TVec>(int rows, int cols, float* x, int* offsets, float* dy, float* dw, int patch, in DwGeometry g)
        where TVec : struct, ISimdFloat<TVec>
    {
        TVec a00 = TVec.Zero, a01 = TVec.Zero, a02 = TVec.Zero, a03 = TVec.Zero, a10 = TVec.Zero, a11 = TVec.Zero, a12 = TVec.Zero, a13 = TVec.Zero;
        TVec a20 = TVec.Zero, a21 = TVec.Zero, a22 = TVec.Zero, a23 = TVec.Zero, a30 = TVec.Zero, a31 = TVec.Zero, a32 = TVec.Zero, a33 = TVec.Zero;
        int v = TVec.Count, plane = g.Plane, outW = g.OutWidth, width = g.Width;
        nint o0 = offsets[0], o1 = cols >= 2 ? offsets[1] : 0, o2 = cols >= 4 ? offsets[2] : 0, o3 = cols >= 4 ? offsets[3] : 0;
        for (int n = 0; n < g.Batch; n++)
        {
            float* xn = x + (long)n * g.ImageSize, dn = dy + (long)n * g.DyImageSize;
            for (int oy = 0; oy < g.OutHeight; oy++)
            {
                float* xr = xn + oy * width, dr = dn + oy * outW;
                for (int ox = 0; ox < outW; ox += v)
                {
                    TVec x0 = TVec.Load(xr + o0 + ox);
                    TVec x1 = cols >= 2 ? TVec.Load(xr + o1 + ox) : TVec.Zero;
                    TVec x2 = cols >= 4 ? TVec.Load(xr + o2 + ox) : TVec.Zero, x3 = cols >= 4 ? TVec.Load(xr + o3 + ox) : TVec.Zero;
                    TVec d = TVec.Load(dr + ox);
                    a00 = TVec.MultiplyAdd(d, x0, a00);
                    if (cols >= 2) a01 = TVec.MultiplyAdd(d, x1, a01);
                    if (cols >= 4) { a02 = TVec.MultiplyAdd(d, x2, a02); a03 = TVec.MultiplyAdd(d, x3, a03); }
                    if (rows < 4) continue;
                    d = TVec.Load(dr + plane + ox);
                    a10 = TVec.MultiplyAdd(d, x0, a10);
                    if (cols >= 2) a11 = TVec.MultiplyAdd(d, x1, a11);
                    if (cols >= 4) { a12 = TVec.MultiplyAdd(d, x2, a12); a13 = TVec.MultiplyAdd(d, x3, a13); }
                    d = TVec.Load(dr + 2 * plane + ox);
                    a20 = TVec.MultiplyAdd(d, x0, a20);
                    if (cols >= 2) a21 = TVec.MultiplyAdd(d, x1, a21);
                    if (cols >= 4) { a22 = TVec.MultiplyAdd(d, x2, a22); a23 = TVec.MultiplyAdd(d, x3, a23); }
                    d = TVec.Load(dr + 3 * plane + ox);
                    a30 = TVec.MultiplyAdd(d, x0, a30);
                    if (cols >= 2) a31 = TVec.MultiplyAdd(d, x1, a31);
                    if (cols >= 4) { a32 = TVec.MultiplyAdd(d, x2, a32); a33 = TVec.MultiplyAdd(d, x3, a33); }
                }
            }
        }
        DwStore(dw, a00, a01, a02, a03, cols);
        if (rows < 4) return;
        DwStore(dw + patch, a10, a11, a12, a13, cols);
        DwStore(dw + 2 * patch, a20, a21, a22, a23, cols);
        DwStore(dw + 3 * patch, a30, a31, a32, a33, cols);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static unsafe void DwStore<TVec>(float* dw, TVec s0, TVec s1, TVec s2, TVec s3, int cols) where TVec : struct, ISimdFloat<TVec>
    {
        dw[0] += TVec.Sum(s0);
        if (cols >= 2) dw[1] += TVec.Sum(s1);
        if (cols >= 4) { dw[2] += TVec.Sum(s2); dw[3] += TVec.Sum(s3); }
    }

    private static void Check(ReadOnlySpan<float> image, ReadOnlySpan<float> weight, ReadOnlySpan<float> output, in Conv2dShape s)
    {
        if (s.Batch < 0 || s.Channels <= 0 || s.Filters <= 0 || s.KernelHeight <= 0 || s.KernelWidth <= 0 || s.Stride <= 0 || s.Padding < 0)
            throw new ArgumentException($"Conv2d: invalid shape {s}.", nameof(s));
        if (image.Length < (long)s.Batch * s.ImageSize || weight.Length < (long)s.Filters * s.Patch || output.Length < (long)s.Batch * s.Filters * s.OutPlane)
            throw new ArgumentException($"Conv2d: a span is shorter than its tensor for {s} (image {image.Length}, weight {weight.Length}, output {output.Length}).");
    }

    /// <summary>col[(c·kh + i)·kw + j, oy·Wo + ox] = x[c, oy·s + i − p, ox·s + j − p] (0 outside the image).</summary>
    internal static void Im2Col(ReadOnlySpan<float> image, Span<float> col, in Conv2dShape g)
    {
        int outH = g.OutHeight, outW = g.OutWidth, outPlane = outH * outW, row = 0;
        for (int c = 0; c < g.Channels; c++)
        for (int i = 0; i < g.KernelHeight; i++)
        for (int j = 0; j < g.KernelWidth; j++, row++)
        {
            Span<float> dst = col.Slice(row * outPlane, outPlane);
            var (lo, hi) = ValidRange(j, g.Stride, g.Padding, g.Width, outW);
            for (int oy = 0; oy < outH; oy++)
            {
                int iy = oy * g.Stride + i - g.Padding;
                Span<float> dstRow = dst.Slice(oy * outW, outW);
                if ((uint)iy >= (uint)g.Height || lo >= hi)
                {
                    dstRow.Clear();
                    continue;
                }
                dstRow[..lo].Clear();
                dstRow[hi..].Clear();
                ReadOnlySpan<float> src = image.Slice((c * g.Height + iy) * g.Width, g.Width);
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
    internal static void Col2ImAdd(ReadOnlySpan<float> col, Span<float> image, in Conv2dShape g)
    {
        int outH = g.OutHeight, outW = g.OutWidth, outPlane = outH * outW, row = 0;
        for (int c = 0; c < g.Channels; c++)
        for (int i = 0; i < g.KernelHeight; i++)
        for (int j = 0; j < g.KernelWidth; j++, row++)
        {
            ReadOnlySpan<float> src = col.Slice(row * outPlane, outPlane);
            var (lo, hi) = ValidRange(j, g.Stride, g.Padding, g.Width, outW);
            if (lo >= hi) continue;
            int ix0 = lo * g.Stride + j - g.Padding;
            for (int oy = 0; oy < outH; oy++)
            {
                int iy = oy * g.Stride + i - g.Padding;
                if ((uint)iy >= (uint)g.Height) continue;
                Span<float> dst = image.Slice((c * g.Height + iy) * g.Width, g.Width);
                ReadOnlySpan<float> srcRow = src.Slice(oy * outW, outW);
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
