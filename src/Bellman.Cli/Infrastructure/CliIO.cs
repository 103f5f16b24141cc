using Spectre.Console;

namespace Bellman.Cli.Infrastructure;

/// <summary>
/// Where the CLI writes: plain text streams for machine-readable output (JSON lines are never wrapped
/// or styled) and a Spectre console for tables and progress. Tests pass string writers.
/// </summary>
public sealed class CliIO
{
    /// <summary>Creates an IO over the given writers; <paramref name="interactive"/> enables live progress.</summary>
    public CliIO(TextWriter output, TextWriter error, bool interactive = false, int width = 120)
    {
        Out = output;
        Error = error;
        IsInteractive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive) Console.Profile.Width = width;
    }

    /// <summary>The process's own console.</summary>
    public static CliIO System() => new(global::System.Console.Out, global::System.Console.Error,
        interactive: !global::System.Console.IsOutputRedirected,
        width: global::System.Console.IsOutputRedirected ? 160 : Math.Max(80, SafeWidth()));

    /// <summary>Plain output (JSON lines, CSV-like text).</summary>
    public TextWriter Out { get; }

    /// <summary>Error messages.</summary>
    public TextWriter Error { get; }

    /// <summary>Styled output: tables, rules, progress bars.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Whether output goes to a terminal (live progress) rather than a file or pipe.</summary>
    public bool IsInteractive { get; }

    private static int SafeWidth()
    {
        try { return global::System.Console.WindowWidth; }
        catch (IOException) { return 120; }
    }
}
