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

    /// <summary>A number for people: at most three decimals, and never "-0".</summary>
    public static string Short(double value)
    {
        string text = value.ToString("0.###", CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
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
