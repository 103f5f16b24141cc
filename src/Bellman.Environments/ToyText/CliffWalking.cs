using System.Text;
using Bellman.Core.Tabular;

namespace Bellman.Environments.ToyText;

/// <summary>
/// Gymnasium's <c>CliffWalking-v1</c> (Sutton &amp; Barto, Example 6.6): a 4×12 grid, s = row·12 + col,
/// start 36 (row 3, col 0), goal 47 (row 3, col 11), cliff cells 37..46 (row 3, cols 1..10). Actions
/// 0 Up, 1 Right, 2 Down, 3 Left; a move off the grid stays in place. Every move gives −1, except that
/// landing on a cliff cell gives −100 and sends the walker to the start (not terminal). Arriving on
/// the goal terminates. Every state, including the goal and the cliff cells, has the same move
/// outcomes (Gymnasium does not make the goal absorbing).
/// <para>
/// Slippery (<c>CliffWalkingSlippery-v1</c>, <c>is_slippery=True</c>): action a moves in each direction of
/// ((a−1) mod 4, a, (a+1) mod 4), in that order, with probability 1/3 each (the intended move and
/// both perpendicular moves equally likely), duplicates kept.
/// </para>
/// </summary>
public sealed class CliffWalking : TabularEnvironment
{
    /// <summary>The registered id of the deterministic walk.</summary>
    public const string Id = "CliffWalking-v1";

    /// <summary>The registered id of the slippery walk (<c>is_slippery=True</c>).</summary>
    public const string SlipperyId = "CliffWalkingSlippery-v1";

    /// <summary>Number of grid rows.</summary>
    public const int Rows = 4;

    /// <summary>Number of grid columns.</summary>
    public const int Columns = 12;

    /// <summary>The start state (row 3, col 0).</summary>
    public const int StartState = 36;

    /// <summary>The goal state (row 3, col 11).</summary>
    public const int GoalState = 47;

    private static readonly (int Row, int Col)[] Moves = [(-1, 0), (0, 1), (1, 0), (0, -1)];

    /// <summary>Makes the walk as <c>gym.make("CliffWalking-v1", is_slippery=…)</c>.</summary>
    public CliffWalking(bool isSlippery = false) : base(BuildModel(isSlippery), Columns)
    {
        IsSlippery = isSlippery;
    }

    /// <summary>Gymnasium registers no time limit for either id.</summary>
    public static int? MaxEpisodeSteps => null;

    /// <summary>Gymnasium registers no reward threshold for either id.</summary>
    public static double? RewardThreshold => null;

    /// <summary>Whether moves slip sideways.</summary>
    public bool IsSlippery { get; }

    /// <summary>True for the cliff cells, row 3, columns 1..10.</summary>
    public static bool IsCliff(int row, int col) => row == Rows - 1 && col >= 1 && col <= Columns - 2;

    /// <summary>
    /// Gymnasium's ansi rendering: one line per row, cells <c>x</c> (walker), <c>T</c> (goal), <c>C</c>
    /// (cliff), <c>o</c>, separated by two spaces, then an empty line. Gymnasium prints no action line here.
    /// </summary>
    public override string Render()
    {
        var text = new StringBuilder();
        for (int s = 0; s < Rows * Columns; s++)
        {
            int row = s / Columns, col = s % Columns;
            string cell = s == State ? " x " : s == GoalState ? " T " : IsCliff(row, col) ? " C " : " o ";
            if (col == 0) cell = cell.TrimStart();
            if (col == Columns - 1) cell = cell.TrimEnd() + "\n";
            text.Append(cell);
        }
        return text.Append('\n').ToString();
    }

    private static TabularModel BuildModel(bool isSlippery)
    {
        IEnumerable<Outcome> Outcomes(int s, int a)
        {
            int[] directions = isSlippery ? [(a + 3) % 4, a, (a + 1) % 4] : [a];
            double probability = 1.0 / directions.Length;
            foreach (int d in directions)
            {
                int row = Math.Clamp(s / Columns + Moves[d].Row, 0, Rows - 1);
                int col = Math.Clamp(s % Columns + Moves[d].Col, 0, Columns - 1);
                int next = row * Columns + col;
                yield return IsCliff(row, col)
                    ? new Outcome(probability, StartState, -100, false)
                    : new Outcome(probability, next, -1, next == GoalState);
            }
        }

        var initial = new double[Rows * Columns];
        initial[StartState] = 1.0;
        return new TabularModel(Rows * Columns, 4, Outcomes, initial);
    }
}
