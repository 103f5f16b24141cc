using System.Text;
using Bellman.Cli;
using Bellman.Cli.Infrastructure;

namespace Bellman.Cli.Tests;

/// <summary>Runs the CLI in-process against string writers.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public string[] Lines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static Result Run(params string[] args) => Run(CancellationToken.None, args);

    public static Result Run(CancellationToken cancellation, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = BellmanApp.Run(args, new CliIO(output, error, interactive: false, width: 200), cancellation);
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs the CLI and hands every completed output line to <paramref name="onLine"/> as it is written (to stop a run mid-way).</summary>
    public static Result RunWatching(CancellationToken cancellation, string[] args, Action<string>? onLine)
    {
        var output = new LineWriter(onLine);
        var error = new StringWriter();
        int code = BellmanApp.Run(args, new CliIO(output, error, interactive: false, width: 200), cancellation);
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>A string writer that hands every completed line to a callback (on the writing thread).</summary>
    private sealed class LineWriter(Action<string>? onLine) : StringWriter
    {
        private readonly StringBuilder _line = new();

        public override void Write(char value)
        {
            base.Write(value);
            if (value != '\n')
            {
                _line.Append(value);
                return;
            }
            onLine?.Invoke(_line.ToString().TrimEnd('\r'));
            _line.Clear();
        }

        public override void Write(string? value)
        {
            foreach (char c in value ?? "") Write(c);
        }

        public override void WriteLine(string? value)
        {
            Write(value);
            Write('\n');
        }
    }
}
