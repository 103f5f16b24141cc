using Bellman.Cli;
using Bellman.Cli.Infrastructure;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C asks the running command to stop cleanly (saving what it must); a second one kills.
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        cancellation.Cancel();
    }
};
return BellmanApp.Run(args, CliIO.System(), cancellation.Token);
