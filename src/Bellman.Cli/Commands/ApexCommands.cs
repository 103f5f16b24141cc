using System.Globalization;
using Bellman.Cli.Infrastructure;
using Bellman.Distributed;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary><c>bellman train apex</c>: the learner in this process and N actor processes on loopback.</summary>
public sealed class ApexTrainCommand(CliIO io) : Command<ApexTrainSettings>
{
    /// <inheritdoc/>
    public override int Execute(CommandContext context, ApexTrainSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Advertise is not null) throw new CliException("train apex runs every actor on this machine; for actors on other machines use `bellman apex learner --advertise IP`.");
        int restarts = settings.MaxRestarts ?? 3;
        if (restarts < 0) throw new CliException($"--max-restarts = {restarts} must be non-negative.");
        return ApexRun.Execute(io, settings, spawnActors: true, restarts, cancellationToken);
    }
}

/// <summary><c>bellman apex learner</c>: the learner and its replay shards, waiting for actors started by hand.</summary>
public sealed class ApexLearnerCommand(CliIO io) : Command<ApexLearnerSettings>
{
    /// <inheritdoc/>
    public override int Execute(CommandContext context, ApexLearnerSettings settings, CancellationToken cancellationToken) =>
        ApexRun.Execute(io, settings, spawnActors: false, maxRestarts: 0, cancellationToken);
}

/// <summary><c>bellman apex actor</c>: one actor process, an Orleans client of the learner's gateway.</summary>
public sealed class ApexActorCommand(CliIO io) : Command<ApexActorSettings>
{
    /// <inheritdoc/>
    public override int Execute(CommandContext context, ApexActorSettings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Learner)) throw new CliException("--learner is required, e.g. --learner 127.0.0.1:30000 (the gateway `bellman apex learner` prints).");
        if (settings.Index is not int index || index < 0) throw new CliException("--index is required: this actor's index i in 0..N-1.");
        if (settings.BadBatches < 0) throw new CliException($"--bad-batches = {settings.BadBatches} must be non-negative.");
        if (!(settings.ConnectTimeout > 0)) throw new CliException($"--connect-timeout = {settings.ConnectTimeout.ToString(CultureInfo.InvariantCulture)} must be positive.");
        var endpoint = ApexHosting.ParseEndpoint(settings.Learner);
        using var batchLog = settings.BatchLog is null ? null : new StreamWriter(settings.BatchLog) { NewLine = "\n" };
        try
        {
            ApexActor.RunAsync(endpoint, index, io.Out, batchLog, settings.BadBatches, TimeSpan.FromSeconds(settings.ConnectTimeout), cancellationToken)
                .GetAwaiter().GetResult();
            return 0;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or System.Net.Sockets.SocketException)
        {
            io.Error.WriteLine($"error: actor {index} lost the learner at {settings.Learner}: {e.Message}");
            return 4;
        }
    }
}
