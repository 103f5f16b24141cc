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
    private static void Permute(ReadOnlySpan<float> src, Span<float> dst, int n, int pixels, int channels)
    {
        for (int b = 0; b < n; b++)
        {
            int image = b * pixels * channels;
            for (int p = 0; p < pixels; p++)
                for (int k = 0; k < channels; k++)
                    dst[image + k * pixels + p] = src[image + p * channels + k];
        }
    }
}
