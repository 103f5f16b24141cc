using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

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

    private static unsafe void StoreWithBias<TVec>(TVec acc, float* destination, bool hasBias, float* bias, int f) where TVec : struct, ISimdFloat<TVec> =>
        TVec.Store(hasBias ? TVec.Add(acc, TVec.Broadcast(bias[f])) : acc, destination);

    /// <summary>
    /// Stride 1, no padding, OutW a multiple of V: per image, eight filters at a time, the lane-wise partial sums of
    /// dy[n, f, oy, ox .. + V] · x[n, c, oy + i, ox + j .. + V] over (oy, ox) for each (c, i, j) are carried in
    /// <paramref name="scratch"/> (F·patch vectors, L1-resident at MinAtar's sizes) across the batch; the lanes are
    /// reduced and added to dw once at the end.
    /// </summary>
    internal static unsafe void WeightGradientDirect<TVec>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, in Conv2dShape s, Span<float> scratch)
        where TVec : struct, ISimdFloat<TVec>
    {
        int v = TVec.Count, outH = s.OutHeight, outW = s.OutWidth, plane = outH * outW, patch = s.Patch;
        int filters = s.Filters, kh = s.KernelHeight, kw = s.KernelWidth, height = s.Height, width = s.Width, channels = s.Channels;
        Span<float> partial = scratch[..(filters * patch * v)];
        partial.Clear();
        fixed (float* px = x, pdy = dy, pp = partial)
        {
            for (int n = 0; n < s.Batch; n++)
            {
                float* xn = px + (long)n * s.ImageSize, dyn = pdy + (long)n * filters * plane;
                int f = 0;
                for (; f + Block <= filters; f += Block)
                {
                    float* d = dyn + (long)f * plane;
                    int p = 0;
                    for (int c = 0; c < channels; c++)
                    for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++, p++)
                    {
                        float* acc = pp + ((long)f * patch + p) * v;
                        long stride = (long)patch * v;
                        TVec a0 = TVec.Load(acc), a1 = TVec.Load(acc + stride), a2 = TVec.Load(acc + 2 * stride), a3 = TVec.Load(acc + 3 * stride);
                        TVec a4 = TVec.Load(acc + 4 * stride), a5 = TVec.Load(acc + 5 * stride), a6 = TVec.Load(acc + 6 * stride), a7 = TVec.Load(acc + 7 * stride);
                        float* xc = xn + (c * height + i) * width + j;
                        for (int oy = 0; oy < outH; oy++)
                        for (int ox = 0; ox < outW; ox += v)
                        {
                            TVec xv = TVec.Load(xc + oy * width + ox);
                            float* dp = d + oy * outW + ox;
                            a0 = TVec.MultiplyAdd(TVec.Load(dp), xv, a0);
                            a1 = TVec.MultiplyAdd(TVec.Load(dp + plane), xv, a1);
                            a2 = TVec.MultiplyAdd(TVec.Load(dp + 2 * plane), xv, a2);
                            a3 = TVec.MultiplyAdd(TVec.Load(dp + 3 * plane), xv, a3);
                            a4 = TVec.MultiplyAdd(TVec.Load(dp + 4 * plane), xv, a4);
                            a5 = TVec.MultiplyAdd(TVec.Load(dp + 5 * plane), xv, a5);
                            a6 = TVec.MultiplyAdd(TVec.Load(dp + 6 * plane), xv, a6);
                            a7 = TVec.MultiplyAdd(TVec.Load(dp + 7 * plane), xv, a7);
                        }
                        TVec.Store(a0, acc); TVec.Store(a1, acc + stride); TVec.Store(a2, acc + 2 * stride); TVec.Store(a3, acc + 3 * stride);
                        TVec.Store(a4, acc + 4 * stride); TVec.Store(a5, acc + 5 * stride); TVec.Store(a6, acc + 6 * stride); TVec.Store(a7, acc + 7 * stride);
                    }
                }
                for (; f < filters; f++)
                {
                    float* d = dyn + (long)f * plane;
                    int p = 0;
                    for (int c = 0; c < channels; c++)
                    for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++, p++)
                    {
                        float* acc = pp + ((long)f * patch + p) * v;
                        TVec a = TVec.Load(acc);
                        float* xc = xn + (c * height + i) * width + j;
                        for (int oy = 0; oy < outH; oy++)
                        for (int ox = 0; ox < outW; ox += v) a = TVec.MultiplyAdd(TVec.Load(d + oy * outW + ox), TVec.Load(xc + oy * width + ox), a);
                        TVec.Store(a, acc);
                    }
                }
            }
            for (int e = 0; e < filters * patch; e++) dw[e] += TVec.Sum(TVec.Load(pp + (long)e * v));
        }
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
