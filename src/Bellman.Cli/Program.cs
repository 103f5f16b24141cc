using System.Runtime.InteropServices;
using Bellman.Cli;
using Bellman.Cli.Infrastructure;

using var cancellation = new CancellationTokenSource();
int signalExitCode = 0;
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C asks the running command to stop cleanly (saving what it must); a second one kills.
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        signalExitCode = 130;
        cancellation.Cancel();
    }
};
// SIGTERM (kill, a job scheduler, a container stopping) is handled like Ctrl-C.
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    if (!cancellation.IsCancellationRequested)
    {
        signalExitCode = 143;
        cancellation.Cancel();
    }
});
int code = BellmanApp.Run(args, CliIO.System(), cancellation.Token);
// A run stopped by a signal saved its checkpoint and summary; it still exits as shells expect (128 + signal).
return code == 0 && signalExitCode != 0 ? signalExitCode : code;
