using System.Runtime.CompilerServices;
using Bellman.Core.Random;

namespace Bellman.Core.Spaces;

/// <summary>The integers {start, ..., start + n - 1}, as Gymnasium's <c>Discrete(n, start)</c>.</summary>
public sealed class Discrete : Space
{
    /// <summary>Creates the space of <paramref name="n"/> integers starting at <paramref name="start"/>.</summary>
    public Discrete(int n, int start = 0)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Discrete space needs n > 0.");
        N = n;
        Start = start;
    }

    /// <summary>The number of elements.</summary>
    public int N { get; }

    /// <summary>The smallest element.</summary>
    public int Start { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<int> Shape => [];

    /// <inheritdoc/>
    public override int FlatSize => 1;

    /// <summary>True when <paramref name="value"/> is an element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(int value) => (ulong)((long)value - Start) < (ulong)N;

    /// <inheritdoc/>
    public override bool Contains(ReadOnlySpan<float> value)
    {
        if (value.Length != 1) return false;
        float v = value[0];
        return float.IsFinite(v) && v == MathF.Floor(v) && Contains((int)v);
    }

    /// <summary>A uniformly chosen element.</summary>
    public int SampleInt(Rng rng) => Start + rng.NextInt(N);

    /// <summary>Gymnasium's <c>sample()</c> from <paramref name="generator"/>: start + integers(0, n).</summary>
    public int SampleInt(NumpyGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return Start + generator.Integers(N);
    }

    /// <summary>Gymnasium's <c>sample()</c>: start + integers(0, n) from the space's own generator.</summary>
    public int SampleInt() => SampleInt(NpRandom);

    /// <inheritdoc/>
    public override void Sample(Rng rng, Span<float> destination) => CheckDestination(destination)[0] = SampleInt(rng);

    /// <inheritdoc/>
    public override void Sample(NumpyGenerator generator, Span<float> destination) => CheckDestination(destination)[0] = SampleInt(generator);

    /// <inheritdoc/>
    public override string ToString() => Start == 0 ? $"Discrete({N})" : $"Discrete({N}, start={Start})";

    private static Span<float> CheckDestination(Span<float> destination) => destination.Length == 1
        ? destination
        : throw new ArgumentException($"Discrete values have 1 element, destination has {destination.Length}.", nameof(destination));
}
