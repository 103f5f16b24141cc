namespace Bellman.Environments.MinAtar;

/// <summary>
/// The colours MinAtar's GUI and its Gymnasium <c>rgb_array</c> draw a state with: black for an empty cell
/// and, for a cell whose highest true channel is c, colour c + 1 of seaborn's
/// <c>color_palette("cubehelix", C)</c>, which samples matplotlib's 256-entry "cubehelix" colormap
/// (Green 2011; γ = 1, s = 0.5, r = −1.5, h = 1) at x_k = k/(C + 1), k = 1..C. Entry j of that map, at
/// x = j/255, is x + a·(p₀ cos φ + p₁ sin φ) clipped to [0, 1], with a = h·x(1 − x)/2,
/// φ = 2π(s/3 + r·x), and (p₀, p₁) = (−0.14861, 1.78277) for red, (−0.29227, −0.90649) for green,
/// (1.97294, 0) for blue; sampling x takes entry ⌊256·x⌋ (255 for x = 1).
/// </summary>
public static class MinAtarPalette
{
    private const int LutSize = 256;

    /// <summary>The C + 1 colours (black first) as 8-bit RGB, each channel round(255·value).</summary>
    public static (byte R, byte G, byte B)[] Colors(int channels)
    {
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "A MinAtar palette needs at least one channel.");
        var colors = new (byte, byte, byte)[channels + 1];
        colors[0] = (0, 0, 0);
        for (int k = 1; k <= channels; k++)
        {
            double x = (double)k / (channels + 1);
            int j = Math.Min((int)(x * LutSize), LutSize - 1);
            var (r, g, b) = Cubehelix((double)j / (LutSize - 1));
            colors[k] = (ToByte(r), ToByte(g), ToByte(b));
        }
        return colors;
    }

    /// <summary>matplotlib's cubehelix colour at <paramref name="x"/> in [0, 1], each component clipped to [0, 1].</summary>
    public static (double R, double G, double B) Cubehelix(double x)
    {
        const double s = 0.5, rotations = -1.5, hue = 1.0;
        double a = hue * x * (1 - x) / 2;
        double phi = 2 * Math.PI * ((s / 3) + (rotations * x));
        double cos = Math.Cos(phi), sin = Math.Sin(phi);
        return (
            Math.Clamp(x + (a * ((-0.14861 * cos) + (1.78277 * sin))), 0, 1),
            Math.Clamp(x + (a * ((-0.29227 * cos) - (0.90649 * sin))), 0, 1),
            Math.Clamp(x + (a * (1.97294 * cos)), 0, 1));
    }

    /// <summary>
    /// The palette index of each of the 100 cells of a (10, 10, C) observation (C order): 0 when the cell is
    /// empty, else 1 + its highest true channel (MinAtar's <c>amax(state · (arange(C) + 1), 2)</c>).
    /// </summary>
    public static void CellColors(ReadOnlySpan<float> observation, int channels, Span<byte> destination)
    {
        int cells = MinAtarGame.Size * MinAtarGame.Size;
        if (observation.Length != cells * channels) throw new ArgumentException($"The observation has {observation.Length} values; (10, 10, {channels}) needs {cells * channels}.", nameof(observation));
        if (destination.Length != cells) throw new ArgumentException($"The destination has {destination.Length} cells; the grid has {cells}.", nameof(destination));
        for (int cell = 0; cell < cells; cell++)
        {
            byte index = 0;
            for (int c = 0; c < channels; c++)
                if (observation[(cell * channels) + c] != 0) index = (byte)(c + 1);
            destination[cell] = index;
        }
    }

    private static byte ToByte(double v) => (byte)Math.Round(v * 255, MidpointRounding.AwayFromZero);
}
