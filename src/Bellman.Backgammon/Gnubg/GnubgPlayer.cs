using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bellman.Backgammon.Agents;

namespace Bellman.Backgammon.Gnubg;

/// <summary>
/// GNU Backgammon as an opponent: a gnubg child process runs Bellman's JSON-lines driver script
/// (embedded in this assembly) and answers, for a position ID and a roll, the play it chooses at a named
/// level with no doubling cube (gammons count). Bellman keeps the game; gnubg's play is matched against
/// Bellman's own legal plays, so a disagreement is an error rather than a silent desync.
/// </summary>
public sealed class GnubgPlayer : IBackgammonAgent, IDisposable
{
    private readonly Process _process;
    private readonly string _script;
    private readonly GnubgLevel _level;
    private readonly string _filters;

    private GnubgPlayer(Process process, string script, GnubgLevel level)
    {
        _process = process;
        _script = script;
        _level = level;
        _filters = JsonSerializer.Serialize(level.Filters.Select(f => new object[] { f.Ply, f.Level, f.Extra, f.Tolerance }));
    }

    /// <inheritdoc/>
    public string Name => $"gnubg:{_level.Name}";

    /// <summary>Where gnubg is: $BELLMAN_GNUBG, /usr/games/gnubg (Debian), or gnubg on the PATH; null when absent.</summary>
    public static string? Locate()
    {
        string? env = Environment.GetEnvironmentVariable("BELLMAN_GNUBG");
        if (!string.IsNullOrEmpty(env)) return File.Exists(env) ? env : null;
        if (File.Exists("/usr/games/gnubg")) return "/usr/games/gnubg";
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "gnubg");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Starts gnubg at <paramref name="level"/>.</summary>
    /// <exception cref="FileNotFoundException">gnubg is not installed.</exception>
    /// <exception cref="IOException">gnubg did not start the driver.</exception>
    public static GnubgPlayer Start(GnubgLevel level, string? executable = null)
    {
        ArgumentNullException.ThrowIfNull(level);
        string exe = executable ?? Locate() ?? throw new FileNotFoundException(
            "GNU Backgammon is not installed: install it (Debian/Ubuntu: apt-get install gnubg) or set BELLMAN_GNUBG to its binary.");
        string script = Path.Combine(Path.GetTempPath(), $"bellman_gnubg_{Environment.ProcessId}_{Guid.NewGuid():N}.py");
        using (var resource = typeof(GnubgPlayer).Assembly.GetManifestResourceStream("Bellman.Backgammon.Gnubg.bellman_gnubg.py")
            ?? throw new InvalidOperationException("The gnubg driver script is missing from the assembly."))
        using (var file = File.Create(script))
        {
            resource.CopyTo(file);
        }
        var info = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "-t", "-q", "-r", "-p", script }) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new IOException($"Could not start {exe}.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var player = new GnubgPlayer(process, script, level);
        while (true)
        {
            string? line = process.StandardOutput.ReadLine();
            if (line is null)
            {
                player.Dispose();
                throw new IOException($"{exe} exited before its driver was ready.");
            }
            if (line.StartsWith("{\"ready\"", StringComparison.Ordinal)) break;
        }
        return player;
    }

    /// <summary>gnubg's play as (from, to) steps in the mover's points (25 bar, 0 off); empty when it has none.</summary>
    public IReadOnlyList<(int From, int To)> ChooseSteps(in Position position, int die1, int die2)
    {
        string request = string.Create(CultureInfo.InvariantCulture,
            $"{{\"op\":\"choose\",\"position_id\":\"{PositionId.Encode(position)}\",\"dice\":[{die1},{die2}],\"plies\":{_level.Plies},\"noise\":{_level.Noise},\"prune\":{(_level.Prune ? 1 : 0)},\"filters\":{_filters}}}");
        using var doc = Ask(request, "during a game");
        return doc.RootElement.GetProperty("steps").EnumerateArray().Select(s => (s[0].GetInt32(), s[1].GetInt32())).ToList();
    }

    /// <inheritdoc/>
    public int Choose(in Position position, int die1, int die2, ReadOnlySpan<Play> plays)
    {
        var steps = ChooseSteps(position, die1, die2);
        Position after = position;
        foreach (var (from, to) in steps)
        {
            if (from is < 1 or > 25 || to is < 0 or > 24 || after.Mine(from - 1) == 0)
                throw new InvalidOperationException($"gnubg answered an impossible step {from}/{to} for {PositionId.Encode(position)} {die1}-{die2}.");
            MoveGenerator.Apply(ref after, from - 1, to - 1);
        }
        for (int i = 0; i < plays.Length; i++) if (plays[i].Result == after) return i;
        throw new InvalidOperationException($"gnubg's play for {PositionId.Encode(position)} {die1}-{die2} (to {PositionId.Encode(after)}) is not among Bellman's {plays.Length} legal plays.");
    }

    /// <summary>
    /// gnubg's analysis of a finished game replayed into it (<paramref name="first"/> moved first; the turns
    /// alternate from there), at <paramref name="plies"/> of look-ahead, cubeless: one rating per player
    /// (index 0 the player who is 0 in <paramref name="first"/>'s numbering).
    /// </summary>
    public (GnubgRating Player0, GnubgRating Player1) Rate(int first, IReadOnlyList<GameTurn> turns, int plies = 0)
    {
        ArgumentNullException.ThrowIfNull(turns);
        if (first is not (0 or 1)) throw new ArgumentOutOfRangeException(nameof(first), first, "first must be 0 or 1.");
        var request = new
        {
            op = "rate",
            first,
            plies,
            turns = turns.Select(t => new { dice = new[] { t.Die1, t.Die2 }, move = t.Move }),
        };
        using var doc = Ask(JsonSerializer.Serialize(request), "while rating a game");
        var players = doc.RootElement.GetProperty("players");
        GnubgRating Read(JsonElement e) => new(e.GetProperty("total_moves").GetInt32(), e.GetProperty("unforced_moves").GetInt32(), e.GetProperty("error_skill").GetDouble());
        return (Read(players[0]), Read(players[1]));
    }

    /// <summary>Sends one request line to the driver and reads its answer, which must say <c>"ok": true</c>.</summary>
    private JsonDocument Ask(string request, string during)
    {
        _process.StandardInput.WriteLine(request);
        _process.StandardInput.Flush();
        string line = _process.StandardOutput.ReadLine() ?? throw new IOException($"gnubg exited {during}.");
        var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        if (root.GetProperty("ok").GetBoolean()) return doc;
        string? error = root.GetProperty("error").GetString();
        doc.Dispose();
        throw new IOException($"gnubg: {error}");
    }

    /// <summary>Asks gnubg to quit and removes the driver script.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("{\"op\":\"quit\"}");
                _process.StandardInput.Close();
                if (!_process.WaitForExit(5000)) _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException) { }
        catch (IOException) { }
        _process.Dispose();
        try { File.Delete(_script); } catch (IOException) { }
    }
}
