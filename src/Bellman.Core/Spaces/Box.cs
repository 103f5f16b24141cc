using System.Globalization;
using Bellman.Core.Random;

namespace Bellman.Core.Spaces;

/// <summary>
/// A box in R^n of float32 values, as Gymnasium's <c>Box(low, high, shape, float32)</c>. Bounds may be
/// infinite. Sampling follows Gymnasium: uniform where both bounds are finite, normal where neither is,
/// shifted exponential where one is; from a <see cref="NumpyGenerator"/> it repeats Gymnasium's draws exactly.
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

    /// <summary>
    /// The type of the elements (Gymnasium's <c>dtype</c>): float32, or whole numbers 0..255 (uint8 images) or
    /// 0/1 (bool grids) held as floats. Replay memories store integral observations compactly.
    /// </summary>
    public ElementType ElementType { get; init; } = ElementType.Float32;

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
            if (ElementType != ElementType.Float32 && v != MathF.Floor(v)) return false;
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
        ArgumentNullException.ThrowIfNull(rng);
        var source = new XoshiroDraws(rng);
        SampleCore(ref source, destination);
    }

    /// <summary>
    /// Gymnasium's <c>Box.sample()</c> drawn from <paramref name="generator"/>: the dimensions are taken by
    /// bound type, in this order, each group in element order: unbounded ones from <c>normal()</c>, then
    /// [a, ∞) as a + <c>exponential()</c>, then (−∞, b] as b − <c>exponential()</c>, then [a, b] from
    /// <c>uniform(a, b)</c>; everything in float64, cast to float32 at the end.
    /// </summary>
    public override void Sample(NumpyGenerator generator, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var source = new NumpyDraws(generator);
        SampleCore(ref source, destination);
    }

    private void SampleCore<TDraws>(ref TDraws draws, Span<float> destination) where TDraws : struct, IBoxDraws
    {
        if (destination.Length != _low.Length) throw new ArgumentException($"Destination has {destination.Length} elements; {this} needs {_low.Length}.", nameof(destination));
        // Gymnasium fills the groups in this order; within each, in element order.
        for (int kind = 0; kind < 4; kind++)
        {
            for (int i = 0; i < destination.Length; i++)
            {
                double lo = _low[i], hi = _high[i];
                bool finiteLow = double.IsFinite(lo), finiteHigh = double.IsFinite(hi);
                int elementKind = (finiteLow, finiteHigh) switch
                {
                    (false, false) => 0,
                    (true, false) => 1,
                    (false, true) => 2,
                    (true, true) => 3,
                };
                if (elementKind != kind) continue;
                double v = kind switch
                {
                    0 => draws.StandardNormal(),
                    1 => draws.StandardExponential() + lo,
                    2 => -draws.StandardExponential() + hi,
                    _ => lo + (hi - lo) * draws.NextDouble(),
                };
                destination[i] = (float)v;
            }
        }
    }

    /// <summary>The draws a box sample takes, from either generator.</summary>
    private interface IBoxDraws
    {
        double NextDouble();
        double StandardNormal();
        double StandardExponential();
    }

    private readonly struct XoshiroDraws(Rng rng) : IBoxDraws
    {
        public double NextDouble() => rng.NextDouble();
        public double StandardNormal() => rng.NextNormal();
        public double StandardExponential() => -Math.Log(1.0 - rng.NextDouble());
    }

    private readonly struct NumpyDraws(NumpyGenerator generator) : IBoxDraws
    {
        public double NextDouble() => generator.NextDouble();
        public double StandardNormal() => generator.StandardNormal();
        public double StandardExponential() => generator.StandardExponential();
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
        return $"Box({Bound(_low)}, {Bound(_high)}, {FormatShape(_shape)}, {ElementType switch { ElementType.UInt8 => "uint8", ElementType.Bool => "bool", _ => "float32" }})";
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
