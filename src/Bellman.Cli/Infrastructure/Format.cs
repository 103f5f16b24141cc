using System.Globalization;
using System.Text;

namespace Bellman.Cli.Infrastructure;

/// <summary>Number formatting that round-trips exactly, for JSON output.</summary>
public static class Format
{
    /// <summary>A float32 in its shortest round-trip form (parsing it as float32 gives the same bits).</summary>
    public static string Float(float value) => float.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : NonFinite(value);

    /// <summary>A float64 in its shortest round-trip form.</summary>
    public static string Double(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : NonFinite(value);

    /// <summary>
    /// A number for people: at most <paramref name="decimals"/> decimals, and never "-0" (a value that rounds to
    /// zero prints as "0", so that "-0 ± 0" cannot appear).
    /// </summary>
    public static string Short(double value, int decimals = 3) =>
        NoNegativeZero(value, decimals).ToString(decimals switch { 0 => "0", 1 => "0.#", 2 => "0.##", 3 => "0.###", _ => "0." + new string('#', decimals) }, CultureInfo.InvariantCulture);

    /// <summary>A number for people with exactly <paramref name="decimals"/> decimals ("F3"), never "-0.000".</summary>
    public static string Fixed(double value, int decimals) =>
        NoNegativeZero(value, decimals).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>"mean ± std" for people, e.g. "487.2 ± 12.51".</summary>
    public static string MeanStd(double mean, double std, int decimals = 2) => $"{Short(mean, decimals)} ± {Short(std, decimals)}";

    // The value as it will print: rounded as the format rounds (away from zero), with a negative zero made positive.
    private static double NoNegativeZero(double value, int decimals)
    {
        if (!double.IsFinite(value)) return value;
        double rounded = Math.Round(value, Math.Min(decimals, 15), MidpointRounding.AwayFromZero);
        return rounded == 0 ? 0.0 : value;
    }

    /// <summary>"true" or "false".</summary>
    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>A JSON array of float32 values.</summary>
    public static string FloatArray(ReadOnlySpan<float> values)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(Float(values[i]));
        }
        return sb.Append(']').ToString();
    }

    /// <summary>A JSON array of float64 values.</summary>
    public static string DoubleArray(ReadOnlySpan<double> values)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(Double(values[i]));
        }
        return sb.Append(']').ToString();
    }

    // JSON has no literal for these; Python's json module writes NaN/Infinity, which is what a Gymnasium comparison reads.
    private static string NonFinite(double v) => double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
}
