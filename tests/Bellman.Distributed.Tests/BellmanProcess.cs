using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bellman.Distributed.Tests;

/// <summary>
/// A <c>dotnet bellman.dll ...</c> child process (the CLI is copied next to the tests) whose output lines are
/// collected; disposing kills it with its children if it is still running, so that a failing test leaves
/// nothing behind.
/// </summary>
internal sealed class BellmanProcess : IDisposable
{
    private readonly Process _process;

    public BellmanProcess(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "bellman.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("bellman.dll is not next to the tests; build tests/Bellman.Distributed.Tests.", dll);
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var psi = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        // bellman.runtimeconfig.json turns tiered compilation off for steady-state speed; these short runs
        // start twice as fast with it on (Orleans is a lot of code to compile fully optimised).
        psi.Environment["DOTNET_TieredCompilation"] = "1";
        foreach (var a in args) psi.ArgumentList.Add(a);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start bellman");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) Lines.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Lines.Enqueue("stderr: " + e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public ConcurrentQueue<string> Lines { get; } = new();

    public string Output => string.Join('\n', Lines);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Waits until a line satisfies <paramref name="predicate"/>; fails with the output if the process exits or time runs out.</summary>
    public void WaitForLine(Func<string, bool> predicate, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!Lines.Any(predicate))
        {
            if (_process.HasExited && !Lines.Any(predicate)) Assert.Fail($"process exited ({_process.ExitCode}) before {what}:\n{Output}");
            if (clock.Elapsed > timeout) Assert.Fail($"no {what} within {timeout.TotalSeconds} s:\n{Output}");
            Thread.Sleep(50);
        }
    }

    /// <summary>Waits for the exit and returns the exit code; fails with the output on timeout.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) Assert.Fail($"process still running after {timeout.TotalSeconds} s:\n{Output}");
        _process.WaitForExit(); // drain the output
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as a job scheduler stops a process (handled like Ctrl-C).</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>SIGKILL (kill -9): no chance to say goodbye.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
