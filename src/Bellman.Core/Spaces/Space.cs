using Bellman.Core.Random;

namespace Bellman.Core.Spaces;

/// <summary>
/// The set of valid observations or actions, as Gymnasium's <c>spaces</c>. Every value is carried as a
/// flat span of float32 of length <see cref="FlatSize"/>; a <see cref="Discrete"/> value is one float
/// holding the integer.
/// </summary>
public abstract class Space
{
    /// <summary>The shape of one value (empty for a scalar, as Gymnasium's <c>Discrete.shape == ()</c>).</summary>
    public abstract IReadOnlyList<int> Shape { get; }

    /// <summary>The number of floats one value occupies when flattened.</summary>
    public abstract int FlatSize { get; }

    /// <summary>True when <paramref name="value"/> (flattened) is a member of the space.</summary>
    public abstract bool Contains(ReadOnlySpan<float> value);

    /// <summary>Writes a uniformly chosen member of the space into <paramref name="destination"/>.</summary>
    public abstract void Sample(Rng rng, Span<float> destination);

    /// <summary>Samples a value into a new array.</summary>
    public float[] Sample(Rng rng)
    {
        var value = new float[FlatSize];
        Sample(rng, value);
        return value;
    }

    /// <summary>Formats a shape as Python does: <c>(4,)</c>, <c>(2, 3)</c>, <c>()</c>.</summary>
    public static string FormatShape(IReadOnlyList<int> shape) => shape.Count switch
    {
        0 => "()",
        1 => $"({shape[0]},)",
        _ => "(" + string.Join(", ", shape) + ")",
    };
}
