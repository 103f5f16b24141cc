namespace Bellman.Environments.Rendering;

/// <summary>An 8-bit RGB color.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>Black.</summary>
    public static Rgb Black => new(0, 0, 0);

    /// <summary>White.</summary>
    public static Rgb White => new(255, 255, 255);
}

/// <summary>
/// An image as Gymnasium's <c>render()</c> returns it in <c>rgb_array</c> mode: <see cref="Height"/> rows of
/// <see cref="Width"/> pixels, top row first, three bytes (R, G, B) per pixel.
/// </summary>
public sealed class RgbFrame
{
    /// <summary>Creates a black frame.</summary>
    public RgbFrame(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"A frame needs a positive size, got {width}x{height}.");
        (Width, Height) = (width, height);
        Pixels = new byte[checked(width * height * 3)];
    }

    /// <summary>The width in pixels.</summary>
    public int Width { get; }

    /// <summary>The height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels, row-major from the top-left, RGB.</summary>
    public byte[] Pixels { get; }

    /// <summary>The pixel at column <paramref name="x"/>, row <paramref name="y"/> (0 = top).</summary>
    public Rgb this[int x, int y]
    {
        get
        {
            int i = Index(x, y);
            return new Rgb(Pixels[i], Pixels[i + 1], Pixels[i + 2]);
        }
        set
        {
            int i = Index(x, y);
            (Pixels[i], Pixels[i + 1], Pixels[i + 2]) = (value.R, value.G, value.B);
        }
    }

    /// <summary>Sets every pixel to <paramref name="color"/>.</summary>
    public void Fill(Rgb color)
    {
        for (int i = 0; i < Pixels.Length; i += 3) (Pixels[i], Pixels[i + 1], Pixels[i + 2]) = (color.R, color.G, color.B);
    }

    /// <summary>A copy of this frame.</summary>
    public RgbFrame Clone()
    {
        var copy = new RgbFrame(Width, Height);
        Pixels.AsSpan().CopyTo(copy.Pixels);
        return copy;
    }

    private int Index(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) throw new ArgumentOutOfRangeException(nameof(x), $"Pixel ({x}, {y}) is outside the {Width}x{Height} frame.");
        return (y * Width + x) * 3;
    }
}
