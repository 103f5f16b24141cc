using Bellman.Backgammon.Gnubg;
using Bellman.Cli.Infrastructure;

namespace Bellman.Cli.Commands;

/// <summary>Starts gnubg for <c>--opponent gnubg[:LEVEL]</c>, turning a missing install or a bad level into a clear error.</summary>
internal static class GnubgOpponentFactory
{
    public static GnubgPlayer Create(string level)
    {
        GnubgLevel parsed;
        try { parsed = GnubgLevel.Parse(level); }
        catch (ArgumentException e) { throw new CliException($"--opponent gnubg:{level}: {e.Message}"); }
        try { return GnubgPlayer.Start(parsed); }
        catch (FileNotFoundException e) { throw new CliException(e.Message); }
    }
}
