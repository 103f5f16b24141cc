using System.Globalization;
using System.Text;
using Bellman.Core.Tabular;

namespace Bellman.Algorithms.Tabular;

/// <summary>The glyph drawn for each action of a grid world, in the environment's action order.</summary>
public static class ActionGlyphs
{
    /// <summary>FrozenLake: 0 = Left, 1 = Down, 2 = Right, 3 = Up.</summary>
    public static IReadOnlyList<string> FrozenLake { get; } = ["←", "↓", "→", "↑"];

    /// <summary>CliffWalking: 0 = Up, 1 = Right, 2 = Down, 3 = Left.</summary>
    public static IReadOnlyList<string> CliffWalking { get; } = ["↑", "→", "↓", "←"];

    /// <summary>FrozenLake's order in ASCII: &lt; v &gt; ^.</summary>
    public static IReadOnlyList<string> FrozenLakeAscii { get; } = ["<", "v", ">", "^"];

    /// <summary>CliffWalking's order in ASCII: ^ &gt; v &lt;.</summary>
    public static IReadOnlyList<string> CliffWalkingAscii { get; } = ["^", ">", "v", "<"];
}

/// <summary>
/// Text drawings of a value table and a policy on a grid map (state s at row s / columns, column s % columns),
/// for the CLI's <c>bellman solve</c>. Cells listed in <c>marks</c> (for example holes, the goal, the cliff)
/// show their label instead of the value or arrow. Every cell is padded to the same width.
/// </summary>
public static class TabularRendering
{
    /// <summary>Draws V(s) with <paramref name="decimals"/> decimals, right-aligned in fixed-width cells.</summary>
    public static string RenderValues(ReadOnlySpan<double> values, int columns, int decimals = 3, IReadOnlyDictionary<int, string>? marks = null)
    {
        if (decimals is < 0 or > 15) throw new ArgumentOutOfRangeException(nameof(decimals), decimals, "decimals must lie in 0..15.");
        var cells = new string[values.Length];
        string format = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        for (int s = 0; s < values.Length; s++) cells[s] = values[s].ToString(format, CultureInfo.InvariantCulture);
        return Grid(cells, columns, marks, rightAlign: true);
    }

    /// <summary>Draws π(s) with <paramref name="glyphs"/>[π(s)] (for example <see cref="ActionGlyphs.FrozenLake"/>), centred in fixed-width cells.</summary>
    public static string RenderPolicy(ReadOnlySpan<int> policy, int columns, IReadOnlyList<string> glyphs, IReadOnlyDictionary<int, string>? marks = null)
    {
        ArgumentNullException.ThrowIfNull(glyphs);
        var cells = new string[policy.Length];
        for (int s = 0; s < policy.Length; s++)
        {
            if (marks is not null && marks.ContainsKey(s)) { cells[s] = ""; continue; }
            if ((uint)policy[s] >= (uint)glyphs.Count)
                throw new ArgumentException($"policy[{s}] = {policy[s]} has no glyph; {glyphs.Count} glyphs were given.", nameof(glyphs));
            cells[s] = glyphs[policy[s]];
        }
        return Grid(cells, columns, marks, rightAlign: false);
    }

    /// <summary>
    /// The absorbing terminal states of a model: every action leads back to the state itself with the
    /// terminated flag (FrozenLake's holes and goal), in increasing order.
    /// </summary>
    public static int[] TerminalStates(TabularModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var result = new List<int>();
        var next = model.NextStates;
        var terminated = model.Terminated;
        var offsets = model.Offsets;
        for (int s = 0; s < model.StateCount; s++)
        {
            bool absorbing = true;
            for (int k = offsets[s * model.ActionCount]; k < offsets[(s + 1) * model.ActionCount] && absorbing; k++)
                absorbing = terminated[k] && next[k] == s;
            if (absorbing) result.Add(s);
        }
        return [.. result];
    }

    private static string Grid(string[] cells, int columns, IReadOnlyDictionary<int, string>? marks, bool rightAlign)
    {
        if (columns <= 0) throw new ArgumentOutOfRangeException(nameof(columns), columns, "columns must be positive; the states are not a grid when the environment reports 0 columns.");
        if (marks is not null)
        {
            foreach (var (state, label) in marks)
            {
                if ((uint)state >= (uint)cells.Length) throw new ArgumentException($"marks names state {state}; there are {cells.Length} states.", nameof(marks));
                cells[state] = label;
            }
        }
        int width = 1;
        foreach (var c in cells) width = Math.Max(width, c.Length);
        var text = new StringBuilder();
        for (int s = 0; s < cells.Length; s++)
        {
            string c = cells[s];
            int pad = width - c.Length;
            string cell = rightAlign ? new string(' ', pad) + c : new string(' ', pad / 2) + c + new string(' ', pad - pad / 2);
            text.Append(cell);
            bool endOfRow = (s + 1) % columns == 0 || s == cells.Length - 1;
            text.Append(endOfRow ? "\n" : " ");
        }
        return text.ToString();
    }
}
