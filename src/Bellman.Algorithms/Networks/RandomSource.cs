using Bellman.Core.Random;
using Bellman.Nn;

namespace Bellman.Algorithms.Networks;

/// <summary>Lets the network engine draw initial weights from a Bellman <see cref="Rng"/>.</summary>
public sealed class RngSource(Rng rng) : IRandomSource
{
    /// <inheritdoc/>
    public double NextDouble() => rng.NextDouble();

    /// <inheritdoc/>
    public double NextNormal() => rng.NextNormal();
}
