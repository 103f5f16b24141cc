using Bellman.Cli.Infrastructure;
using Bellman.Environments;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary><c>bellman env check</c>: runs the environment checker and prints its findings; exit code 1 when it finds errors.</summary>
public sealed class EnvCheckCommand(CliIO io) : Command<EnvSettings>
{
    /// <inheritdoc/>
    public override int Execute(CommandContext context, EnvSettings settings, CancellationToken cancellationToken)
    {
        string id = settings.RequireEnv();
        var options = settings.ParseOptions();
        EnvRegistry.Default.Make(id, options); // fail fast with a clear message on an unknown id or option
        var report = EnvChecker.Check(() => EnvRegistry.Default.Make(id, options));
        foreach (var finding in report.Findings) io.Out.WriteLine($"{finding.Severity.ToString().ToLowerInvariant()}: {finding.Message}");
        io.Out.WriteLine(report.Passed ? $"{id}: passed" : $"{id}: FAILED");
        return report.Passed ? 0 : 1;
    }
}
