using System.Text;
using Bellman.Core.Tabular;

namespace Bellman.Environments.ToyText;

/// <summary>
/// The lecture's 4×4 gridworld, Sutton &amp; Barto's Example 4.1: 16 states s = row·4 + col, 4 actions,
/// the lecture's transition tensor T (16×16×4) is <c>Model.ToDenseTransitions()</c>.
/// <list type="bullet">
/// <item>Actions 0 Left, 1 Down, 2 Right, 3 Up (FrozenLake's order). Moves are deterministic; an action
/// that would leave the grid leaves the state unchanged.</item>
/// <item>States 0 (top-left) and 15 (bottom-right) are terminal. Every transition from a non-terminal
/// state gives reward −1, including the one into a terminal state, which terminates the episode.</item>
/// <item>Terminal states are absorbing: every action gives (1, s, 0, terminated), as FrozenLake's goal.</item>
/// <item>The first state is uniform over the 14 non-terminal states (the book fixes none).</item>
/// </list>
/// Undiscounted, the equiprobable random policy has the book's values v_π = −14, −18, −20, −22 … (Figure 4.1).
/// </summary>
public sealed class GridWorld : TabularEnvironment
{
    /// <summary>A suggested registry id (not a Gymnasium environment).</summary>
    public const string Id = "GridWorld-v0";

    /// <summary>
    /// Bellman's time limit for this environment (not a Gymnasium registration): it stops a policy that
    /// walks into a wall forever; from any state the goal is at most 3 steps away.
    /// </summary>
    public const int MaxEpisodeSteps = 100;

    /// <summary>No reward threshold is defined.</summary>
    public static double? RewardThreshold => null;

    /// <summary>The side of the grid.</summary>
    public const int Size = 4;

    private static readonly string[] ActionNames = ["Left", "Down", "Right", "Up"];
    private static readonly (int Row, int Col)[] Moves = [(0, -1), (1, 0), (0, 1), (-1, 0)];

    /// <summary>Makes the gridworld; it has no options.</summary>
    public GridWorld() : base(BuildModel(), Size) { }

    /// <summary>True for the terminal states 0 and 15.</summary>
    public static bool IsTerminal(int state) => state == 0 || state == Size * Size - 1;

    /// <summary>
    /// The last action in parentheses on its own line (an empty line after a reset), then the grid with
    /// <c>T</c> for terminal and <c>.</c> for other cells, the current cell on a red background.
    /// </summary>
    public override string Render()
    {
        var text = new StringBuilder();
        text.Append(LastAction is int a ? $"  ({ActionNames[a]})\n" : "\n");
        for (int s = 0; s < Size * Size; s++)
        {
            string cell = IsTerminal(s) ? "T" : ".";
            text.Append(s == State ? Ansi.Colorize(cell, Ansi.Red, highlight: true) : cell);
            if (s % Size == Size - 1) text.Append('\n');
        }
        return text.ToString();
    }

    private static TabularModel BuildModel()
    {
        static IEnumerable<Outcome> Outcomes(int s, int a)
        {
            if (IsTerminal(s)) return [new Outcome(1.0, s, 0, true)];
            int row = s / Size + Moves[a].Row, col = s % Size + Moves[a].Col;
            int next = row < 0 || row >= Size || col < 0 || col >= Size ? s : row * Size + col;
            return [new Outcome(1.0, next, -1, IsTerminal(next))];
        }

        var initial = new double[Size * Size];
        for (int s = 0; s < initial.Length; s++) initial[s] = IsTerminal(s) ? 0 : 1.0 / 14;
        return new TabularModel(Size * Size, 4, Outcomes, initial);
    }
}
