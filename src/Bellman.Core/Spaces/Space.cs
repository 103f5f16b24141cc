using Bellman.Core.Random;

namespace Bellman.Core.Spaces;

/// <summary>
/// The set of valid observations or actions, as Gymnasium's <c>spaces</c>. Every value is carried as a
/// flat span of float32 of length <see cref="FlatSize"/>; a <see cref="Discrete"/> value is one float
/// holding the integer.
/// </summary>
public abstract class Space
{
    private NumpyGenerator? _npRandom;

    /// <summary>The shape of one value (empty for a scalar, as Gymnasium's <c>Discrete.shape == ()</c>).</summary>
    public abstract IReadOnlyList<int> Shape { get; }

    /// <summary>The number of floats one value occupies when flattened.</summary>
    public abstract int FlatSize { get; }

    /// <summary>True when <paramref name="value"/> (flattened) is a member of the space.</summary>
    public abstract bool Contains(ReadOnlySpan<float> value);

    /// <summary>
    /// The space's own generator (Gymnasium's <c>space.np_random</c>): set by <see cref="Seed"/>, else seeded
    /// from operating-system entropy on first use. It is separate from the environment's generator.
    /// </summary>
    public NumpyGenerator NpRandom
    {
        get => _npRandom ??= NumpyGenerator.FromEntropy();
        set => _npRandom = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Gymnasium's <c>space.seed(seed)</c>: the space's generator becomes Generator(PCG64(SeedSequence(seed))),
    /// so that the following <see cref="Sample()"/> calls repeat Gymnasium's. Returns the seed, as Gymnasium
    /// returns <c>[seed]</c>. A negative seed is an error.
    /// </summary>
    public int Seed(int seed)
    {
        _npRandom = NumpyGenerator.FromSeed(seed);
        return seed;
    }

    /// <summary>Writes a member of the space drawn from <paramref name="rng"/> into <paramref name="destination"/>.</summary>
    public abstract void Sample(Rng rng, Span<float> destination);

    /// <summary>Writes a member of the space drawn as Gymnasium's <c>sample()</c> draws it from <paramref name="generator"/>.</summary>
    public abstract void Sample(NumpyGenerator generator, Span<float> destination);

    /// <summary>Gymnasium's <c>space.sample()</c>: a member drawn from the space's own generator <see cref="NpRandom"/>.</summary>
    public float[] Sample()
    {
        var value = new float[FlatSize];
        Sample(NpRandom, value);
        return value;
    }

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
