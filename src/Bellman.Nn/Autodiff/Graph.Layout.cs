using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bellman.Nn;

public sealed partial class Graph
{
    /// <summary>
    /// Images from channels-last to channels-first: [N, H, W, C] → [N, C, H, W], y[n, c, h, w] = x[n, h, w, c]
    /// (environments give HWC, as Gymnasium and MinAtar do; convolutions run on NCHW).
    /// </summary>
    public Tensor ToChannelsFirst(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Shape.Rank != 4) throw new ArgumentException($"ToChannelsFirst needs [N, H, W, C], got shape {x.Shape}.", nameof(x));
        Shape s = x.Shape;
        int n = s[0], h = s[1], w = s[2], c = s[3];
        Tensor y = NewOut(new Shape(n, c, h, w));
        Permute(x.Data, y.Data, n, h * w, c);
        if (Tracks(x)) Record(OpCode.ChannelsFirst, y, x);
        return y;
    }

    /// <summary>dx[n, p, c] += dy[n, c, p] for p = h·W + w: the transposition back.</summary>
    private void ChannelsFirstBackward(ref Node node)
    {
        Tensor x = node.A!;
        if (!x.RequiresGrad) return;
        Shape s = x.Shape;
        int n = s[0], pixels = s[1] * s[2], c = s[3];
        ReadOnlySpan<float> dy = node.Out.Grad;
        Span<float> dx = GradOf(x, out bool overwrite);
        for (int b = 0; b < n; b++)
        {
            int image = b * pixels * c;
            for (int p = 0; p < pixels; p++)
                for (int k = 0; k < c; k++)
                {
                    float g = dy[image + k * pixels + p];
                    ref float d = ref dx[image + p * c + k];
                    d = overwrite ? g : d + g;
                }
        }
    }

    /// <summary>dst[n, c, p] = src[n, p, c] for each of <paramref name="n"/> images of <paramref name="pixels"/> × <paramref name="channels"/>.</summary>
    private static unsafe void Permute(ReadOnlySpan<float> src, Span<float> dst, int n, int pixels, int channels)
    {
        if ((long)n * pixels * channels > Math.Min(src.Length, dst.Length))
            throw new ArgumentException($"Permute: {n} images of {pixels} × {channels} do not fit the spans.");
        // Channel outermost: each output plane is written contiguously while the input is read at stride C.
        fixed (float* ps = src, pd = dst)
        {
            for (int b = 0; b < n; b++)
            {
                float* image = ps + (long)b * pixels * channels, output = pd + (long)b * pixels * channels;
                int first = channels == 4 && Avx512F.IsSupported ? FourChannels(image, output, pixels) : 0;
                for (int k = 0; k < channels; k++)
                {
                    float* from = image + k, to = output + (long)k * pixels;
                    int p = first;
                    for (; p + 4 <= pixels; p += 4)
                    {
                        to[p] = from[(nint)p * channels];
                        to[p + 1] = from[(nint)(p + 1) * channels];
                        to[p + 2] = from[(nint)(p + 2) * channels];
                        to[p + 3] = from[(nint)(p + 3) * channels];
                    }
                    for (; p < pixels; p++) to[p] = from[(nint)p * channels];
                }
            }
        }
    }

    /// <summary>
    /// The 4-channel case (MinAtar's Breakout and Asterix, RGBA) sixteen pixels at a time: the 64 floats of 16 pixels are
    /// four vectors, and two rounds of two-source permutes take each channel's 16 values out of them (8 permutes where
    /// the element loop moves 64 floats one by one). Returns the pixels done; the rest go through the element loop.
    /// </summary>
    private static unsafe int FourChannels(float* image, float* output, int pixels)
    {
        // Round 1, within 8 pixels (two vectors, 32 floats: pixel l's channel k at 4l + k): channels 0 and 1, and 2 and 3.
        Vector512<int> ch01 = Vector512.Create(0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29);
        Vector512<int> ch23 = ch01 + Vector512.Create(2);
        // Round 2: the first halves of both (pixels 0..7, then 8..15), and the second halves.
        Vector512<int> low = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
        Vector512<int> high = low + Vector512.Create(8);
        int p = 0;
        for (; p + 16 <= pixels; p += 16)
        {
            float* from = image + (nint)p * 4;
            Vector512<float> v0 = Vector512.Load(from), v1 = Vector512.Load(from + 16), v2 = Vector512.Load(from + 32), v3 = Vector512.Load(from + 48);
            Vector512<float> a01 = Avx512F.PermuteVar16x32x2(v0, ch01, v1), a23 = Avx512F.PermuteVar16x32x2(v0, ch23, v1);
            Vector512<float> b01 = Avx512F.PermuteVar16x32x2(v2, ch01, v3), b23 = Avx512F.PermuteVar16x32x2(v2, ch23, v3);
            Avx512F.PermuteVar16x32x2(a01, low, b01).Store(output + p);
            Avx512F.PermuteVar16x32x2(a01, high, b01).Store(output + pixels + p);
            Avx512F.PermuteVar16x32x2(a23, low, b23).Store(output + (2 * pixels) + p);
            Avx512F.PermuteVar16x32x2(a23, high, b23).Store(output + (3 * pixels) + p);
        }
        return p;
    }
}
