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
                for (int k = 0; k < channels; k++)
                {
                    float* from = image + k, to = output + (long)k * pixels;
                    int p = 0;
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
}
