using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Training;
using Bellman.Cli.Infrastructure;
using Bellman.Cli.Runs;
using Bellman.Distributed;

namespace Bellman.Cli.Commands;

/// <summary>
/// The learner side of <c>train apex</c> and <c>apex learner</c>: resolves the options, creates the run folder,
/// hosts the silo, optionally supervises N local actor processes, trains, and writes the same files as every
/// run (config.yaml, metrics.csv, eval.csv, checkpoints, learning curve, summary.json) plus actors.csv.
/// </summary>
internal static class ApexRun
{
    public static int Execute(CliIO io, ApexLearnerSettings settings, bool spawnActors, int maxRestarts, CancellationToken cancellation)
    {
        string envId = settings.Env ?? "CartPole-v1";
        int seed = settings.Seed ?? 0;
        int actors = settings.Actors ?? 2;
        if (actors is < 1 or > 256) throw new CliException($"--actors = {actors} must be in 1..256.");
        var options = OptionBinder.Apply(new ApexOptions(), KeyValues.Parse(settings.Set, "--set", lastWins: true), "--set");
        if (settings.Steps is long steps) options = options with { TotalSteps = steps };
        options.Validate();
        IPAddress? advertise = null;
        if (settings.Advertise is not null && !IPAddress.TryParse(settings.Advertise, out advertise))
            throw new CliException($"--advertise = '{settings.Advertise}' is not an IP address (for example 10.0.0.5).");
        int siloPort = settings.SiloPort ?? (spawnActors ? FreePort() : 11111);
        int gatewayPort = settings.GatewayPort ?? (spawnActors ? FreePort() : 30000);
        CheckPort(siloPort, "--silo-port");
        CheckPort(gatewayPort, "--gateway-port");

        var folder = RunFolder.CreateNew(settings.Out, "apex", envId, seed);
        var describe = OptionBinder.Describe(options).Append(("actors", actors.ToString(CultureInfo.InvariantCulture))).ToList();
        RunFolder.WriteAtomic(folder.Config, new RunConfig("apex", envId, seed, null, new Dictionary<string, string>(), describe).ToYaml());
        using var learnerLog = new SynchronizedLog(Path.Combine(folder.Path, "learner.log"), io.Out);
        using var batchLog = settings.BatchLog is null ? null : new StreamWriter(settings.BatchLog) { NewLine = "\n" };
        var learner = new ApexLearner(envId, new Dictionary<string, string>(), options, seed, actors, siloPort, gatewayPort, advertise, learnerLog,
            batchLog is null ? null : TextWriter.Synchronized(batchLog));
        try
        {
            return Run(io, learner, folder, settings, options, envId, seed, actors, advertise, gatewayPort, spawnActors, maxRestarts, cancellation)
                .GetAwaiter().GetResult();
        }
        finally
        {
            learner.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static async Task<int> Run(CliIO io, ApexLearner learner, RunFolder folder, ApexLearnerSettings settings, ApexOptions options, string envId, int seed,
        int actors, IPAddress? advertise, int gatewayPort, bool spawnActors, int maxRestarts, CancellationToken cancellation)
    {
        try
        {
            await learner.StartAsync(cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CliException($"cannot start the learner's silo on silo port {learner.SiloPort} / gateway port {gatewayPort}: {e.Message}. Choose free ports with --silo-port and --gateway-port.");
        }
        string gateway = $"{advertise?.ToString() ?? "127.0.0.1"}:{gatewayPort}";
        io.Out.WriteLine($"apex on {envId}, seed {seed}, {actors} actors x {options.EnvsPerActor} envs, {options.Shards} shards, {options.TotalSteps} steps -> {folder.Path}");
        io.Out.WriteLine($"learner gateway {gateway}" + (spawnActors ? "" : $"; start actors with: bellman apex actor --learner {gateway} --index I (I = 0..{actors - 1})"));
        learner.Save(folder.Latest);
        using var processes = spawnActors ? new ActorProcesses(gateway, Path.Combine(folder.Path, "actors"), maxRestarts, io.Error) : null;
        processes?.Start(actors);
        double best = double.NegativeInfinity;
        EvaluationRecord? lastEval = null;
        string status;
        ApexResult result;
        using (var recorder = new RunRecorder(folder.Path, append: false, learner.Agent.Metrics,
            onSnapshot: s => io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {s.Step,8}/{s.TotalSteps}  episodes {s.Episodes,5}  mean return(100) {(double.IsNaN(s.MeanReturn) ? "-" : Format.Short(s.MeanReturn, 2)),7}  updates {s.Updates,7}  {s.StepsPerSecond:0} steps/s")),
            onEvaluation: e =>
            {
                lastEval = e;
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eval  step {e.Step,8}  mean return {Format.MeanStd(e.MeanReturn, e.StdReturn)} over {e.Returns.Count} episodes"));
                learner.Save(folder.Latest);
                if (e.MeanReturn >= best)
                {
                    best = e.MeanReturn;
                    learner.Save(folder.Best);
                }
            }))
        {
            try
            {
                var supervise = processes?.SuperviseAsync(cancellation) ?? Task.CompletedTask;
                result = await learner.RunAsync(recorder, cancellation);
                status = cancellation.IsCancellationRequested ? "interrupted" : "completed";
                processes?.StopSupervising();
                await supervise;
            }
            catch (TrainingDivergedException e)
            {
                io.Error.WriteLine($"error: training diverged: {e.Message} The last good checkpoint is kept in {folder.Latest}.safetensors.");
                await learner.StopActorsAsync(TimeSpan.FromSeconds(3));
                return 3;
            }
            await learner.StopActorsAsync(TimeSpan.FromSeconds(5));
            result = await learner.WithFinalCountersAsync(result);
            learner.Save(folder.Latest);
            // The last evaluation stands when it was taken at the end of the budget or reached stop_at_return.
            bool evaluatedAtEnd = lastEval is not null && (lastEval.Step >= options.TotalSteps || lastEval.MeanReturn >= options.StopAtReturn);
            if (status == "completed" && options.EvalFrequency > 0 && !evaluatedAtEnd)
            {
                var eval = learner.Evaluate(CancellationToken.None);
                recorder.OnEvaluation(eval);
            }
        }
        processes?.WaitForExit(TimeSpan.FromSeconds(5));
        WriteActors(folder, result);
        WriteSummary(folder, envId, seed, actors, options, result, status, lastEval, best);
        try
        {
            Plotter.Save([Plotter.Read(folder.Path, $"apex {envId} s{seed}")], folder.Plot, $"Ape-X DQN on {envId} ({actors} actors)", showEpisodes: true);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or DllNotFoundException or TypeInitializationException)
        {
            io.Error.WriteLine($"warning: could not draw {folder.Plot}: {e.Message}");
        }
        double seconds = Math.Max(1e-9, result.Elapsed.TotalSeconds);
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{status}: {result.State.Step} steps ({result.State.Step / seconds:0} steps/s), {result.State.Updates} updates ({result.State.Updates / seconds:0.#}/s), {result.Refused} batches refused, in {seconds:0.#} s"));
        foreach (var a in result.Actors)
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  actor {a.ActorId}: {a.EnvironmentSteps} steps, {a.Batches} batches, {a.Episodes} episodes, {a.Registrations} registration(s), {a.EnvironmentSteps / Math.Max(1e-9, a.Seconds):0} steps/s"));
        io.Out.WriteLine(lastEval is null ? $"run folder {folder.Path}"
            : string.Create(CultureInfo.InvariantCulture, $"final greedy evaluation {Format.MeanStd(lastEval.MeanReturn, lastEval.StdReturn)}, best {Format.Short(best, 2)}; `bellman eval {folder.Path}` repeats it"));
        return 0;
    }

    private static void WriteActors(RunFolder folder, ApexResult result)
    {
        var sb = new StringBuilder("actor,env_steps,transitions,batches,episodes,registrations,seconds,steps_per_second\n");
        foreach (var a in result.Actors)
            sb.Append(string.Create(CultureInfo.InvariantCulture,
                $"{a.ActorId},{a.EnvironmentSteps},{a.Transitions},{a.Batches},{a.Episodes},{a.Registrations},{a.Seconds:0.###},{a.EnvironmentSteps / Math.Max(1e-9, a.Seconds):0.#}\n"));
        RunFolder.WriteAtomic(Path.Combine(folder.Path, "actors.csv"), sb.ToString());
    }

    private static void WriteSummary(RunFolder folder, string envId, int seed, int actors, ApexOptions options, ApexResult result, string status, EvaluationRecord? eval, double best)
    {
        double seconds = Math.Max(1e-9, result.Elapsed.TotalSeconds);
        var summary = new Dictionary<string, object?>
        {
            ["algo"] = "apex",
            ["env"] = envId,
            ["seed"] = seed,
            ["actors"] = actors,
            ["shards"] = options.Shards,
            ["status"] = status,
            ["total_steps"] = result.State.Step,
            ["episodes"] = result.State.Episodes,
            ["gradient_steps"] = result.State.Updates,
            ["final_eval_mean_return"] = eval?.MeanReturn,
            ["final_eval_std_return"] = eval?.StdReturn,
            ["best_eval_mean_return"] = double.IsNegativeInfinity(best) ? null : best,
            ["eval_seed"] = Evaluation.SeedFor(seed),
            ["wall_seconds"] = Math.Round(seconds, 3),
            ["env_steps_per_second"] = Math.Round(result.State.Step / seconds, 1),
            ["updates_per_second"] = Math.Round(result.State.Updates / seconds, 1),
            ["batches_refused"] = result.Refused,
            ["transitions_inserted"] = result.Shards.Sum(s => s.Inserted),
            ["rows_sampled"] = result.Shards.Sum(s => s.Sampled),
            ["batches_throttled"] = result.Shards.Sum(s => s.Throttled),
            ["parameter_version"] = result.ParameterVersion,
        };
        RunFolder.WriteAtomic(folder.Summary, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void CheckPort(int port, string flag)
    {
        if (port is <= 0 or > 65535) throw new CliException($"{flag} = {port} is not a TCP port (1..65535).");
    }

    /// <summary>A log file whose lines are also echoed to the console, safe to write from several threads.</summary>
    private sealed class SynchronizedLog(string path, TextWriter echo) : TextWriter
    {
        private readonly StreamWriter _file = new(path) { NewLine = "\n", AutoFlush = true };

        public override Encoding Encoding => Encoding.UTF8;

        public override void WriteLine(string? value)
        {
            lock (_file)
            {
                _file.WriteLine(value);
                if (value is not null && value.StartsWith("refused", StringComparison.Ordinal)) echo.WriteLine(value);
            }
        }

        public override void Write(char value)
        {
            lock (_file) _file.Write(value);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _file.Dispose();
            base.Dispose(disposing);
        }
    }
}
