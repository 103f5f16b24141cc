namespace Bellman.Randomness;

/// <summary>
/// The randomness that weight initialisers draw from: <see cref="Rng"/>, or an adapter over another
/// seeded generator.
/// </summary>
public interface IRandomSource
{
    /// <summary>A uniform double in [0, 1).</summary>
    double NextDouble();

    /// <summary>A standard normal sample.</summary>
    double NextNormal();
}
