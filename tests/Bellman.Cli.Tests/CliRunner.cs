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
}
