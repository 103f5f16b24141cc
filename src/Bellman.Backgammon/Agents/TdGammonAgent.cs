using Bellman.Backgammon.TdGammon;

namespace Bellman.Backgammon.Agents;

/// <summary>
/// Greedy play with a trained TD-Gammon network: every afterstate of the roll evaluated in one batch, the
/// one with the highest score for the mover chosen (the win probability, or the cubeless money equity for a
/// five-output network). The mover is always encoded as white (the network learned both colours in
/// self-play), so the score is the mover's.
/// </summary>
public sealed class TdGammonAgent(TdGammonNetwork network, string name = "td-gammon") : IBackgammonAgent
{
    private readonly AfterstateBatch _batch = new();

    /// <inheritdoc/>
    public string Name => name;

    /// <summary>The network.</summary>
    public TdGammonNetwork Network => network;

    /// <inheritdoc/>
    public int Choose(in Position position, int die1, int die2, ReadOnlySpan<Play> plays) =>
        AfterstateBatch.ArgMax(_batch.Evaluate(network, plays, moverIsWhite: true));
}
