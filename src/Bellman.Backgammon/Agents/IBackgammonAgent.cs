namespace Bellman.Backgammon.Agents;

/// <summary>A player: picks one of the legal plays of the side on roll.</summary>
public interface IBackgammonAgent
{
    /// <summary>A short name for reports.</summary>
    string Name { get; }

    /// <summary>
    /// The index of the chosen play among <paramref name="plays"/> (never empty), for the side on roll of
    /// <paramref name="position"/> with the roll (<paramref name="die1"/>, <paramref name="die2"/>).
    /// </summary>
    int Choose(in Position position, int die1, int die2, ReadOnlySpan<Play> plays);
}
