using Bellman.Core.Random;

namespace Bellman.Backgammon.Agents;

/// <summary>Picks a legal play uniformly at random (among distinct resulting positions).</summary>
public sealed class RandomAgent(Rng rng) : IBackgammonAgent
{
    /// <inheritdoc/>
    public string Name => "random";

    /// <inheritdoc/>
    public int Choose(in Position position, int die1, int die2, ReadOnlySpan<Play> plays) => rng.NextInt(plays.Length);
}
