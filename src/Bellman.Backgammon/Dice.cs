using Bellman.Core.Random;

namespace Bellman.Backgammon;

/// <summary>Rolls of two dice from an explicit generator.</summary>
public static class Dice
{
    /// <summary>A roll of two dice.</summary>
    public static (int, int) Roll(Rng rng) => (rng.NextInt(6) + 1, rng.NextInt(6) + 1);

    /// <summary>The opening roll: each side rolls one die, again on a tie; the starter plays both (never a double).</summary>
    public static (int, int) RollOpening(Rng rng)
    {
        while (true)
        {
            var (a, b) = Roll(rng);
            if (a != b) return (a, b);
        }
    }
}
