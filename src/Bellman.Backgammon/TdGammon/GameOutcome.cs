namespace Bellman.Backgammon.TdGammon;

/// <summary>How a game ended: the winner (0 white / the first agent, 1 the other), the points (1, 2 gammon, 3 backgammon) and the plies played.</summary>
public readonly record struct GameOutcome(int Winner, int Points, int Plies);
