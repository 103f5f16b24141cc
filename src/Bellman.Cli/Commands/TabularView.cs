using System.Globalization;
using System.Text;
using Bellman.Algorithms.Tabular;
using Bellman.Cli.Infrastructure;
using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Bellman.Core.Tabular;
using Bellman.Environments.ToyText;
using Bellman.Environments.Wrappers;

namespace Bellman.Cli.Commands;

/// <summary>
/// How <c>bellman solve</c> and <c>bellman train q-learning|sarsa|expected-sarsa</c> draw a tabular
/// environment: the model, the action glyphs in the environment's own action order, the labelled cells
/// of the map, and for a state space that is not a grid (Taxi) a per-state table.
/// </summary>
internal sealed class TabularView
{
    /// <summary>How many states the per-state table of a non-grid environment lists.</summary>
    public const int TableRows = 20;

    private TabularView(string id, ITabularEnvironment env, IReadOnlyList<string> glyphs, IReadOnlyList<string> actionNames, IReadOnlyDictionary<int, string> marks, Func<int, string> stateLabel)
    {
        Id = id;
        Environment = env;
        Glyphs = glyphs;
        ActionNames = actionNames;
        Marks = marks;
        StateLabel = stateLabel;
    }

    /// <summary>The registered id.</summary>
    public string Id { get; }

    /// <summary>The unwrapped environment.</summary>
    public ITabularEnvironment Environment { get; }

    /// <summary>The known model.</summary>
    public TabularModel Model => Environment.Model;

    /// <summary>The glyph of each action (arrows for grid moves).</summary>
    public IReadOnlyList<string> Glyphs { get; }

    /// <summary>A word for each action, for the per-state table.</summary>
    public IReadOnlyList<string> ActionNames { get; }

    /// <summary>Map cells drawn with a label instead of an arrow (holes, goal, cliff, terminal cells).</summary>
    public IReadOnlyDictionary<int, string> Marks { get; }

    /// <summary>A short description of a state for the per-state table.</summary>
    public Func<int, string> StateLabel { get; }

    /// <summary>
    /// The view of <paramref name="env"/> (as made by the registry, wrappers included), or a
    /// <see cref="CliException"/> naming the model-free commands when the environment has no known model.
    /// </summary>
    public static TabularView For(string id, IEnvironment env)
    {
        if (TryFor(id, env) is { } view) return view;
        bool discrete = env.ObservationSpace is Discrete && env.ActionSpace is Discrete;
        string alternative = discrete
            ? $"`bellman train q-learning|sarsa|expected-sarsa --env {id}`"
            : $"`bellman train dqn --env {id}`";
        throw new CliException($"{id} has no known model (p(s'|s,a) is not available), so it cannot be solved by dynamic programming. Learn from interaction instead: {alternative}.");
    }

    /// <summary>The view of <paramref name="env"/>, or null when the environment has no known model.</summary>
    public static TabularView? TryFor(string id, IEnvironment env)
    {
        if (env.Unwrap() is not ITabularEnvironment tabular) return null;
        var inner = tabular;
        int states = tabular.Model.StateCount;
        int actions = tabular.Model.ActionCount;
        string[] indices = Enumerable.Range(0, actions).Select(a => a.ToString(CultureInfo.InvariantCulture)).ToArray();
        return inner switch
        {
            FrozenLake lake => new(id, tabular, ActionGlyphs.FrozenLake, ["Left", "Down", "Right", "Up"], MapMarks(lake.Map, "HG"), Index),
            CliffWalking => new(id, tabular, ActionGlyphs.CliffWalking, ["Up", "Right", "Down", "Left"], CliffMarks(), Index),
            // GridWorld uses FrozenLake's action order: 0 Left, 1 Down, 2 Right, 3 Up.
            GridWorld => new(id, tabular, ActionGlyphs.FrozenLake, ["Left", "Down", "Right", "Up"],
                Enumerable.Range(0, states).Where(GridWorld.IsTerminal).ToDictionary(s => s, _ => "T"), Index),
            Taxi => new(id, tabular, TaxiActions, TaxiActions, new Dictionary<int, string>(), TaxiLabel),
            _ => new(id, tabular, indices, indices,
                TabularRendering.TerminalStates(tabular.Model).ToDictionary(s => s, _ => "T"), Index),
        };
    }

    /// <summary>Taxi's actions, in its order 0..5.</summary>
    private static readonly string[] TaxiActions = ["South", "North", "East", "West", "Pickup", "Dropoff"];

    private string RenderValues(string title, ReadOnlySpan<double> values)
    {
        if (Environment.GridColumns > 0) return $"{title}\n{TabularRendering.RenderValues(values, Environment.GridColumns, 3)}";
        var text = new StringBuilder(title).Append('\n');
        AppendTable(text, values, policy: null);
        return text.ToString();
    }

    private string RenderPolicy(string title, ReadOnlySpan<int> policy, ReadOnlySpan<double> values)
    {
        if (Environment.GridColumns > 0) return $"{title}\n{TabularRendering.RenderPolicy(policy, Environment.GridColumns, Glyphs, Marks)}";
        var text = new StringBuilder(title).Append('\n');
        AppendTable(text, values, policy.ToArray());
        return text.ToString();
    }

    /// <summary>
    /// V drawn on the map (right-aligned, 3 decimals) and π as arrows on the map (labelled cells keep their
    /// label); a non-grid environment (Taxi) gets one table of its first <see cref="TableRows"/> states
    /// instead: the state, its decoding, V(s) and the name of π(s).
    /// </summary>
    public string Render(string valueTitle, ReadOnlySpan<double> values, string policyTitle, ReadOnlySpan<int> policy)
    {
        if (Environment.GridColumns > 0) return RenderValues(valueTitle, values) + "\n" + RenderPolicy(policyTitle, policy, values);
        return RenderPolicy($"{valueTitle} and {policyTitle}", policy, values);
    }

    /// <summary>A row-major |S|×|A| table as a JSON array of |S| rows, numbers round-tripping exactly.</summary>
    public static string JsonRows(ReadOnlySpan<double> table, int columns)
    {
        var text = new StringBuilder("[");
        for (int row = 0; row * columns < table.Length; row++)
        {
            if (row > 0) text.Append(',');
            text.Append(Format.DoubleArray(table.Slice(row * columns, columns)));
        }
        return text.Append(']').ToString();
    }

    /// <summary>A JSON array of integers.</summary>
    public static string JsonInts(ReadOnlySpan<int> values) => "[" + string.Join(",", values.ToArray().Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>A JSON string (quotes, backslashes and control characters escaped).</summary>
    public static string JsonString(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    private void AppendTable(StringBuilder text, ReadOnlySpan<double> values, int[]? policy)
    {
        int rows = Math.Min(TableRows, values.Length);
        var labels = Enumerable.Range(0, rows).Select(StateLabel).ToArray();
        int width = Math.Max(5, labels.Max(l => l.Length));
        text.Append(CultureInfo.InvariantCulture, $"{"state".PadRight(width)}  {"V",10}{(policy is null ? "" : "  action")}\n");
        for (int s = 0; s < rows; s++)
        {
            text.Append(labels[s].PadRight(width)).Append("  ").Append(Format.Fixed(values[s], 3).PadLeft(10));
            if (policy is not null) text.Append("  ").Append(ActionNames[policy[s]]);
            text.Append('\n');
        }
        if (values.Length > rows)
            text.Append(CultureInfo.InvariantCulture, $"… {values.Length - rows} more states (--json prints every state)\n");
    }

    private static string Index(int s) => s.ToString(CultureInfo.InvariantCulture);

    private static string TaxiLabel(int s)
    {
        var (row, col, passenger, destination) = Taxi.Decode(s);
        string where = passenger == 4 ? "in taxi" : $"at {"RGYB"[passenger]}";
        return string.Create(CultureInfo.InvariantCulture, $"{s} taxi ({row},{col}) passenger {where} to {"RGYB"[destination]}");
    }

    private static Dictionary<int, string> MapMarks(IReadOnlyList<string> map, string letters)
    {
        var marks = new Dictionary<int, string>();
        int columns = map[0].Length;
        for (int r = 0; r < map.Count; r++)
            for (int c = 0; c < columns; c++)
                if (letters.Contains(map[r][c], StringComparison.Ordinal)) marks[r * columns + c] = map[r][c].ToString();
        return marks;
    }

    private static Dictionary<int, string> CliffMarks()
    {
        var marks = new Dictionary<int, string> { [CliffWalking.GoalState] = "G" };
        for (int c = 0; c < CliffWalking.Columns; c++)
            if (CliffWalking.IsCliff(CliffWalking.Rows - 1, c)) marks[(CliffWalking.Rows - 1) * CliffWalking.Columns + c] = "C";
        return marks;
    }
}
