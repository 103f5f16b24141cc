using System.Diagnostics;

namespace Bellman.Cli.Commands;

/// <summary>
/// The actor processes <c>train apex</c> starts on this machine: <c>dotnet bellman.dll apex actor --learner
/// GATEWAY --index i</c>, each writing to RUN/actors/actor-i.log. An actor that exits while the run goes on is
/// restarted (up to a limit); on disposal every process still running is killed with its children, so that
/// neither an error nor Ctrl-C leaves an actor behind.
/// </summary>
internal sealed class ActorProcesses(string gateway, string logFolder, int maxRestarts, TextWriter warnings) : IDisposable
{
    private readonly List<Slot> _slots = [];
    private volatile bool _supervising = true;

    public void Start(int actors)
    {
        Directory.CreateDirectory(logFolder);
        for (int i = 0; i < actors; i++) _slots.Add(new Slot(i, Launch(i, 0)));
    }

    /// <summary>Restarts actors that exit early until <see cref="StopSupervising"/> or <paramref name="cancellation"/>.</summary>
    public async Task SuperviseAsync(CancellationToken cancellation)
    {
        while (_supervising && !cancellation.IsCancellationRequested)
        {
            try { await Task.Delay(500, cancellation); } catch (OperationCanceledException) { break; }
            if (!_supervising) break;
            foreach (var slot in _slots)
            {
                if (!slot.Process.HasExited || slot.Restarts >= maxRestarts) continue;
                slot.Restarts++;
                warnings.WriteLine($"warning: actor {slot.Index} exited with code {slot.Process.ExitCode}; restarting it ({slot.Restarts} of {maxRestarts})");
                slot.Process.Dispose();
                slot.Process = Launch(slot.Index, slot.Restarts);
            }
        }
    }

    public void StopSupervising() => _supervising = false;

    public void WaitForExit(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        foreach (var slot in _slots)
        {
            var left = timeout - clock.Elapsed;
            if (left > TimeSpan.Zero) slot.Process.WaitForExit(left);
        }
    }

    public void Dispose()
    {
        _supervising = false;
        foreach (var slot in _slots)
        {
            try
            {
                if (!slot.Process.HasExited) slot.Process.Kill(entireProcessTree: true);
                slot.Process.WaitForExit(2000);
            }
            catch (InvalidOperationException) { }
            slot.Process.Dispose();
        }
        lock (_logs)
            foreach (var log in _logs.Values) lock (log) log.Dispose();
    }

    /// <summary>The command that runs this very bellman.dll: the dotnet host and the dll.</summary>
    internal static (string FileName, string Dll) Self()
    {
        string dll = typeof(ActorProcesses).Assembly.Location;
        string? host = Environment.ProcessPath;
        if (host is null || Path.GetFileNameWithoutExtension(host) != "dotnet") host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return (host, dll);
    }

    private Process Launch(int index, int restart)
    {
        var (fileName, dll) = Self();
        var psi = new ProcessStartInfo(fileName) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { dll, "apex", "actor", "--learner", gateway, "--index", index.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(arg);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start actor {index} ({fileName} {dll}).");
        var log = LogOf(index);
        lock (log) log.WriteLine($"--- start {restart} (pid {process.Id})");
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private readonly Dictionary<int, StreamWriter> _logs = [];

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log)
        {
            // A line that arrives after the run closed its logs is dropped.
            if (log.BaseStream is not null) log.WriteLine(line);
        }
    }

    private StreamWriter LogOf(int index)
    {
        lock (_logs)
        {
            if (!_logs.TryGetValue(index, out var log))
            {
                log = new StreamWriter(Path.Combine(logFolder, $"actor-{index}.log")) { NewLine = "\n", AutoFlush = true };
                _logs[index] = log;
            }
            return log;
        }
    }

    private sealed class Slot(int index, Process process)
    {
        public int Index { get; } = index;
        public Process Process { get; set; } = process;
        public int Restarts { get; set; }
    }
}
