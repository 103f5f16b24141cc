namespace Bellman.Backgammon.Gnubg;

/// <summary>One stage of gnubg's move filter: at <paramref name="Ply"/>, after level <paramref name="Level"/>, keep <paramref name="Extra"/> more plays within <paramref name="Tolerance"/>.</summary>
public readonly record struct GnubgFilter(int Ply, int Level, int Extra, double Tolerance);

/// <summary>
/// gnubg's named playing levels (its aecSettings table, GNU Backgammon 1.07): plies of look-ahead,
/// deterministic noise, pruning and the move filter. Beginner to expert are 0-ply; world class is 2-ply.
/// </summary>
public sealed record GnubgLevel(string Name, int Plies, double Noise, bool Prune, IReadOnlyList<GnubgFilter> Filters)
{
    private static readonly GnubgFilter[] Normal = Filter(8, 0.16, 2, 0.04);
    private static readonly GnubgFilter[] Large = Filter(16, 0.32, 4, 0.08);

    /// <summary>Every level, weakest first.</summary>
    public static IReadOnlyList<GnubgLevel> All { get; } =
    [
        new("beginner", 0, 0.060, false, Normal),
        new("casual", 0, 0.050, false, Normal),
        new("intermediate", 0, 0.040, false, Normal),
        new("advanced", 0, 0.015, false, Normal),
        new("expert", 0, 0.0, false, Normal),
        new("worldclass", 2, 0.0, true, Normal),
        new("supremo", 2, 0.0, true, Large),
        new("grandmaster", 3, 0.0, true, Large),
    ];

    /// <summary>The level called <paramref name="name"/> (case and spaces ignored: "world class" = "worldclass").</summary>
    /// <exception cref="ArgumentException">No level has that name; the message lists them.</exception>
    public static GnubgLevel Parse(string name)
    {
        string key = name.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        if (key == "casualplay") key = "casual";
        foreach (var level in All) if (level.Name == key) return level;
        string near = Bellman.Core.Text.Suggestions.DidYouMean(key, All.Select(l => l.Name), 1);
        throw new ArgumentException($"Unknown gnubg level '{name}'; levels: {string.Join(", ", All.Select(l => l.Name))}{(near.Length > 0 ? "; " + near : ".")}");
    }

    private static GnubgFilter[] Filter(int extra0, double tolerance0, int extra2, double tolerance2) =>
    [
        new(1, 0, extra0, tolerance0), new(2, 0, extra0, tolerance0), new(3, 0, extra0, tolerance0), new(4, 0, extra0, tolerance0),
        new(3, 2, extra2, tolerance2), new(4, 2, extra2, tolerance2),
    ];
}
