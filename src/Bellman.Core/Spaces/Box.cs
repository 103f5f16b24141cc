using System.Globalization;
using Bellman.Core.Random;

namespace Bellman.Core.Spaces;

/// <summary>
/// A box in R^n of float32 values, as Gymnasium's <c>Box(low, high, shape, float32)</c>. Bounds may be
/// infinite. Sampling follows Gymnasium: uniform where both bounds are finite, normal where neither is,
/// shifted exponential where one is.
/// </summary>
public sealed class Box : Space
{
    private readonly float[] _low;
    private readonly float[] _high;
    private readonly int[] _shape;

    /// <summary>A box with per-element bounds and the given shape (default: one dimension).</summary>
    public Box(float[] low, float[] high, int[]? shape = null)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        _shape = shape ?? [low.Length];
        int size = 1;
        foreach (int d in _shape)
        {
            if (d <= 0) throw new ArgumentException($"Box shape {FormatShape(_shape)} has a non-positive dimension.", nameof(shape));
            size *= d;
        }
        if (low.Length != size || high.Length != size)
            throw new ArgumentException($"Box bounds have {low.Length} and {high.Length} elements; shape {FormatShape(_shape)} needs {size}.");
        for (int i = 0; i < size; i++)
        {
            if (float.IsNaN(low[i]) || float.IsNaN(high[i]) || low[i] > high[i])
                throw new ArgumentException($"Box bound {i} is invalid: low {low[i]}, high {high[i]}.");
        }
        _low = (float[])low.Clone();
        _high = (float[])high.Clone();
    }

    /// <summary>A box with the same bounds for every element.</summary>
    public Box(float low, float high, params int[] shape)
        : this(Fill(low, shape), Fill(high, shape), shape) { }

    /// <summary>Lower bounds, flattened.</summary>
    public ReadOnlySpan<float> Low => _low;

    /// <summary>Upper bounds, flattened.</summary>
    public ReadOnlySpan<float> High => _high;

    /// <inheritdoc/>
    public override IReadOnlyList<int> Shape => _shape;

    /// <inheritdoc/>
    public override int FlatSize => _low.Length;

    /// <summary>True when every element has both bounds finite.</summary>
    public bool IsBounded
    {
        get
        {
            for (int i = 0; i < _low.Length; i++)
                if (!float.IsFinite(_low[i]) || !float.IsFinite(_high[i])) return false;
            return true;
        }
    }

    /// <inheritdoc/>
    public override bool Contains(ReadOnlySpan<float> value)
    {
        if (value.Length != _low.Length) return false;
        for (int i = 0; i < value.Length; i++)
        {
            float v = value[i];
            if (float.IsNaN(v) || v < _low[i] || v > _high[i]) return false;
        }
        return true;
    }

    /// <summary>Clips <paramref name="value"/> into the box in place.</summary>
    public void Clip(Span<float> value)
    {
        if (value.Length != _low.Length) throw new ArgumentException($"Value has {value.Length} elements; {this} needs {_low.Length}.", nameof(value));
        for (int i = 0; i < value.Length; i++) value[i] = Math.Clamp(value[i], _low[i], _high[i]);
    }

    /// <inheritdoc/>
    public override void Sample(Rng rng, Span<float> destination)
    {
        if (destination.Length != _low.Length) throw new ArgumentException($"Destination has {destination.Length} elements; {this} needs {_low.Length}.", nameof(destination));
        for (int i = 0; i < destination.Length; i++)
        {
            double lo = _low[i], hi = _high[i];
            bool finiteLow = double.IsFinite(lo), finiteHigh = double.IsFinite(hi);
            double v;
            if (finiteLow && finiteHigh) v = lo + (hi - lo) * rng.NextDouble();
            else if (!finiteLow && !finiteHigh) v = rng.NextNormal();
            else
            {
                double e = -Math.Log(1.0 - rng.NextDouble());
                v = finiteLow ? lo + e : hi - e;
            }
            float f = (float)v;
            destination[i] = Math.Clamp(f, _low[i], _high[i]);
        }
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        static string Bound(ReadOnlySpan<float> b)
        {
            bool same = true;
            for (int i = 1; i < b.Length; i++) if (b[i] != b[0]) same = false;
            if (same) return FormatFloat(b[0]);
            return "[" + string.Join(", ", b.ToArray().Select(FormatFloat)) + "]";
        }
        return $"Box({Bound(_low)}, {Bound(_high)}, {FormatShape(_shape)}, float32)";
    }

    private static string FormatFloat(float f) => float.IsPositiveInfinity(f) ? "inf" : float.IsNegativeInfinity(f) ? "-inf" : f.ToString("R", CultureInfo.InvariantCulture);

    private static float[] Fill(float value, int[] shape)
    {
        int size = 1;
        foreach (int d in shape) size *= d;
        var a = new float[Math.Max(size, 0)];
        Array.Fill(a, value);
        return a;
    }
}
