using System.Globalization;
using Bellman.Environments.Rendering;

namespace Bellman.Cli.Rendering;

/// <summary>Writes the episode, step, return so far and last action into the top-left corner of a frame.</summary>
public static class FrameOverlay
{
    /// <summary>The corner lines for <paramref name="frame"/>.</summary>
    public static IReadOnlyList<string> Lines(RecordedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        string end = frame.Terminated ? " END" : frame.Truncated ? " CUT" : "";
        return
        [
            string.Create(CultureInfo.InvariantCulture, $"EP {frame.Episode + 1} STEP {frame.Step}{end}"),
            $"RETURN {Infrastructure.Format.Short(frame.Return, 2)}",
            $"ACTION {frame.Action ?? "-"}",
        ];
    }

    /// <summary>Draws the lines in dark text on a light box, at twice the font size on frames at least 400 px wide.</summary>
    public static void Draw(RecordedFrame frame)
    {
        var lines = Lines(frame);
        var image = frame.Frame;
        int scale = image.Width >= 400 ? 2 : 1, lineHeight = (BitmapFont.GlyphHeight + 2) * scale;
        int width = lines.Max(l => BitmapFont.MeasureWidth(l, scale)) + 4 * scale, height = lines.Count * lineHeight + 2 * scale;
        var canvas = new Canvas(image, yUp: false);
        canvas.FillRectangle(0, 0, Math.Min(width, image.Width), Math.Min(height, image.Height), new Rgb(245, 245, 245));
        for (int i = 0; i < lines.Count; i++) BitmapFont.Draw(image, 2 * scale, 2 * scale + i * lineHeight, lines[i], new Rgb(20, 20, 20), scale);
    }
}
