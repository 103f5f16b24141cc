using System.Globalization;
using System.Runtime.InteropServices;
using Bellman.Environments.Rendering;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;

namespace Bellman.Cli.Rendering;

/// <summary>Where recorded frames go: an animated GIF, one PNG strip, or a folder of PNGs (all written through temporary names).</summary>
public abstract class FrameWriter : IDisposable
{
    /// <summary>
    /// The writer for <paramref name="path"/>: a <c>.gif</c> file, a <c>.png</c> strip of
    /// <paramref name="stripFrames"/> evenly spaced frames, or else a folder of PNGs.
    /// </summary>
    public static FrameWriter For(string path, int framesPerSecond, int stripFrames = 10)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".gif" => new GifFrameWriter(path, framesPerSecond),
            ".png" => new StripFrameWriter(path, stripFrames),
            "" => new FolderFrameWriter(path),
            var ext => throw new ArgumentException($"--out '{path}': unknown extension '{ext}'; use .gif, .png (a strip of frames) or a folder name without extension."),
        };
    }

    /// <summary>Adds a frame (the writer copies what it keeps).</summary>
    public abstract void Add(RgbFrame frame);

    /// <summary>Writes the result; returns a one-line description of what was written.</summary>
    public abstract string Complete();

    /// <inheritdoc/>
    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>Wraps a frame's bytes as an ImageSharp image.</summary>
    protected static Image<Rgb24> ToImage(RgbFrame frame) =>
        Image.LoadPixelData<Rgb24>(MemoryMarshal.Cast<byte, Rgb24>(frame.Pixels.AsSpan()), frame.Width, frame.Height);

    /// <summary>Saves <paramref name="image"/> to a temporary name beside <paramref name="path"/>, then renames it.</summary>
    protected static void SaveAtomically(Image image, string path, SixLabors.ImageSharp.Formats.IImageEncoder encoder)
    {
        Infrastructure.OutputFile.Write(path, stream => image.Save(stream, encoder));
    }
}

/// <summary>An animated GIF that loops forever, each frame shown 100/fps hundredths of a second.</summary>
internal sealed class GifFrameWriter(string path, int framesPerSecond) : FrameWriter
{
    private readonly int _delay = Math.Max(2, (int)Math.Round(100.0 / Math.Max(1, framesPerSecond)));
    private Image<Rgb24>? _gif;

    public override void Add(RgbFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (_gif is null)
        {
            _gif = ToImage(frame);
            _gif.Metadata.GetGifMetadata().RepeatCount = 0;
            _gif.Frames.RootFrame.Metadata.GetGifMetadata().FrameDelay = _delay;
            return;
        }
        if (frame.Width != _gif.Width || frame.Height != _gif.Height) throw new ArgumentException("All frames of a GIF must have one size.", nameof(frame));
        var added = _gif.Frames.AddFrame(MemoryMarshal.Cast<byte, Rgb24>(frame.Pixels.AsSpan()));
        added.Metadata.GetGifMetadata().FrameDelay = _delay;
    }

    public override string Complete()
    {
        if (_gif is null) throw new InvalidOperationException("No frame was recorded.");
        SaveAtomically(_gif, path, new GifEncoder { ColorTableMode = GifColorTableMode.Local });
        return string.Create(CultureInfo.InvariantCulture, $"wrote {path} ({_gif.Frames.Count} frames, {_gif.Width}x{_gif.Height}, {_delay * 10} ms per frame)");
    }

    public override void Dispose()
    {
        _gif?.Dispose();
        base.Dispose();
    }
}

/// <summary>One PNG of up to N frames spread evenly over the recording, five per row, left to right.</summary>
internal sealed class StripFrameWriter(string path, int count) : FrameWriter
{
    private const int Columns = 5, Gap = 4;
    private readonly List<RgbFrame> _frames = [];

    public override void Add(RgbFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        _frames.Add(frame);
    }

    public override string Complete()
    {
        if (_frames.Count == 0) throw new InvalidOperationException("No frame was recorded.");
        int n = Math.Min(Math.Max(1, count), _frames.Count);
        var picked = Enumerable.Range(0, n).Select(i => _frames[n == 1 ? 0 : (int)Math.Round(i * (_frames.Count - 1) / (double)(n - 1))]).ToList();
        int w = picked[0].Width, h = picked[0].Height, cols = Math.Min(Columns, n), rows = (n + cols - 1) / cols;
        var sheet = new RgbFrame(cols * w + (cols - 1) * Gap, rows * h + (rows - 1) * Gap);
        sheet.Fill(new Rgb(128, 128, 128));
        for (int i = 0; i < n; i++)
        {
            int ox = i % cols * (w + Gap), oy = i / cols * (h + Gap);
            for (int y = 0; y < h; y++)
                picked[i].Pixels.AsSpan(y * w * 3, w * 3).CopyTo(sheet.Pixels.AsSpan(((oy + y) * sheet.Width + ox) * 3));
        }
        using var image = ToImage(sheet);
        SaveAtomically(image, path, new SixLabors.ImageSharp.Formats.Png.PngEncoder());
        return $"wrote {path} ({n} of {_frames.Count} frames, {sheet.Width}x{sheet.Height})";
    }
}

/// <summary>A folder of <c>frame_00000.png</c>, <c>frame_00001.png</c>, ...</summary>
internal sealed class FolderFrameWriter(string folder) : FrameWriter
{
    private int _count;

    public override void Add(RgbFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        using var image = ToImage(frame);
        SaveAtomically(image, Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"frame_{_count++:00000}.png")), new SixLabors.ImageSharp.Formats.Png.PngEncoder());
    }

    public override string Complete() =>
        _count == 0 ? throw new InvalidOperationException("No frame was recorded.") : $"wrote {_count} PNG frames to {folder}";
}
