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
/// With <c>--resume RUN</c> it continues a stopped run from RUN/checkpoints/latest (exactly in lock-step mode,
/// see <see cref="ApexLearner.Restore"/>), appending to its files after dropping rows past the checkpoint.
/// </summary>
internal static class ApexRun
{
    public static int Execute(CliIO io, ApexLearnerSettings settings, bool spawnActors, int maxRestarts, CancellationToken cancellation)
    {
        bool resumed = settings.Resume is not null;
        var (envId, seed, actors, options, resumeFolder) = resumed ? ReadResumed(settings) : FromSettings(settings);
        if (settings.Steps is long steps) options = options with { TotalSteps = steps };
        // Lock-step by default with one actor: the issue asks that a one-actor run with a seed be reproducible, and with one
        // actor the order costs least (see docs/BENCHMARKS.md); with several actors asynchrony is the point of Ape-X.
        options = options with { Lockstep = options.Lockstep ?? actors == 1 };
        options.Validate();
        if (resumed)
        {
            var meta = Bellman.Algorithms.Training.Algorithm.ReadMetadata(resumeFolder!.Latest);
            if (meta.Env != envId) throw new CliException($"The checkpoint was trained on {meta.Env}, but the run's config says {envId}.");
            if (meta.Step >= options.TotalSteps)
                throw new CliException($"The run already reached {meta.Step} of {options.TotalSteps} steps; pass a larger --steps to train further.");
        }
        IPAddress? advertise = null;
        if (settings.Advertise is not null && !IPAddress.TryParse(settings.Advertise, out advertise))
            throw new CliException($"--advertise = '{settings.Advertise}' is not an IP address (for example 10.0.0.5).");
        int siloPort = settings.SiloPort ?? (spawnActors ? FreePort() : 11111);
        int gatewayPort = settings.GatewayPort ?? (spawnActors ? FreePort() : 30000);
        CheckPort(siloPort, "--silo-port");
        CheckPort(gatewayPort, "--gateway-port");

        var folder = resumeFolder ?? RunFolder.CreateNew(settings.Out, "apex", envId, seed, $"choose another --out, or continue it with --resume {settings.Out}");
        var describe = OptionBinder.Describe(options).Append(("actors", actors.ToString(CultureInfo.InvariantCulture))).ToList();
        RunFolder.WriteAtomic(folder.Config, new RunConfig("apex", envId, seed, null, new Dictionary<string, string>(), describe).ToYaml());
        using var learnerLog = new SynchronizedLog(Path.Combine(folder.Path, "learner.log"), io.Out, append: resumed);
        using var batchLog = settings.BatchLog is null ? null : new StreamWriter(settings.BatchLog) { NewLine = "\n" };
        var learner = new ApexLearner(envId, new Dictionary<string, string>(), options, seed, actors, siloPort, gatewayPort, advertise, learnerLog,
            batchLog is null ? null : TextWriter.Synchronized(batchLog));
        try
        {
            string resume = "none";
            if (resumed)
            {
                string? approximate;
                try
                {
                    approximate = learner.Restore(folder.Latest);
                }
                catch (Exception e) when (e is InvalidDataException or IOException or Bellman.Nn.Serialization.CheckpointMismatchException)
                {
                    throw new CliException($"cannot resume from {folder.Latest}: {e.Message}");
                }
                var state = learner.State;
                if (approximate is null)
                {
                    io.Out.WriteLine($"resuming exactly from step {state.Step} (lock-step: learner, replay shards, limiter and the actors' states restored)");
                    resume = "exact";
                }
                else
                {
                    io.Error.WriteLine($"warning: resuming from step {state.Step} approximately, not exactly as an uninterrupted run: {approximate}.");
                    resume = "approximate: " + approximate;
                }
            }
            return Run(io, learner, folder, settings, options, envId, seed, actors, advertise, gatewayPort, spawnActors, maxRestarts, resume, cancellation)
                .GetAwaiter().GetResult();
        }
        finally
        {
            learner.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static (string EnvId, int Seed, int Actors, ApexOptions Options, RunFolder? Folder) FromSettings(ApexLearnerSettings settings)
    {
        int actors = settings.Actors ?? 2;
        if (actors is < 1 or > 256) throw new CliException($"--actors = {actors} must be in 1..256.");
        var options = OptionBinder.Apply(new ApexOptions(), KeyValues.Parse(settings.Set, "--set", lastWins: true), "--set");
        return (settings.Env ?? "CartPole-v1", settings.Seed ?? 0, actors, options, null);
    }

    // A stopped run's own configuration (config.yaml), which --resume continues; only --steps may change it.
    private static (string EnvId, int Seed, int Actors, ApexOptions Options, RunFolder? Folder) ReadResumed(ApexLearnerSettings settings)
    {
        if (settings.Env is not null || settings.Seed is not null || settings.Actors is not null || settings.Set.Length > 0 || settings.Out is not null)
            throw new CliException("--resume continues a run with its own configuration; only --steps (and the ports) may be given with it.");
        var folder = new RunFolder(settings.Resume!);
        if (!File.Exists(folder.Config)) throw new CliException($"'{settings.Resume}' is not a run folder: it has no config.yaml.");
        if (!File.Exists(folder.Latest + ".json")) throw new CliException($"'{settings.Resume}' has no checkpoint to resume from ({folder.Latest}.json).");
        var (values, _) = RunConfig.ReadYaml(folder.Config);
        if (values.TryGetValue("algo", out var algo) && algo != "apex") throw new CliException($"'{settings.Resume}' is a {algo} run; resume it with `bellman train {algo} --resume {settings.Resume}`.");
        string envId = values.GetValueOrDefault("env") ?? throw new CliException($"{folder.Config} has no env.");
        int seed = ParseInt(values.GetValueOrDefault("seed") ?? "0", "seed", folder.Config);
        int actors = ParseInt(values.GetValueOrDefault("actors") ?? "2", "actors", folder.Config);
        foreach (var key in RunConfig.RunKeys.Append("actors")) values.Remove(key);
        return (envId, seed, actors, OptionBinder.Apply(new ApexOptions(), values, folder.Config), folder);
    }

    private static int ParseInt(string text, string key, string file) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new CliException($"{file}: {key} = '{text}' is not an integer.");

    private static async Task<int> Run(CliIO io, ApexLearner learner, RunFolder folder, ApexLearnerSettings settings, ApexOptions options, string envId, int seed,
        int actors, IPAddress? advertise, int gatewayPort, bool spawnActors, int maxRestarts, string resume, CancellationToken cancellation)
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
        io.Out.WriteLine($"apex on {envId}, seed {seed}, {actors} actors x {options.EnvsPerActor} envs, {options.Shards} shards, {options.TotalSteps} steps{(learner.Lockstep ? ", lock-step" : "")} -> {folder.Path}");
        io.Out.WriteLine($"learner gateway {gateway}" + (spawnActors ? "" : $"; start actors with: bellman apex actor --learner {gateway} --index I (I = 0..{actors - 1})"));
        if (resume == "none") learner.Save(folder.Latest); // a loadable checkpoint exists from the first step on
        using var processes = spawnActors ? new ActorProcesses(gateway, Path.Combine(folder.Path, "actors"), maxRestarts, io.Error) : null;
        processes?.Start(actors);
        double best = double.NegativeInfinity;
        EvaluationRecord? lastEval = null;
        string status;
        ApexResult result;
        RunRecorder? recorderRef = null;
        using (var recorder = new RunRecorder(folder.Path, append: resume != "none", learner.Agent.Metrics, resumeStep: resume != "none" ? learner.State.Step : null,
            onSnapshot: s => io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {s.Step,8}/{s.TotalSteps}  episodes {s.Episodes,5}  mean return(100) {(double.IsNaN(s.MeanReturn) ? "-" : Format.Short(s.MeanReturn, 2)),7}  updates {s.Updates,7}  {s.StepsPerSecond:0} steps/s")),
            onEvaluation: e =>
            {
                lastEval = e;
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eval  step {e.Step,8}  mean return {Format.MeanStd(e.MeanReturn, e.StdReturn)} over {e.Returns.Count} episodes"));
                recorderRef?.Flush(); // every row of the steps the checkpoint covers is on disk before it
                learner.Save(folder.Latest);
                if (e.MeanReturn >= best)
                {
                    best = e.MeanReturn;
                    learner.Save(folder.Best, trainingState: false);
                }
            }))
        {
            recorderRef = recorder;
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
            recorder.Flush();
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
        WriteSummary(folder, envId, seed, actors, options, result, status, lastEval, best, resume);
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
        if (status == "interrupted") io.Out.WriteLine($"interrupted at step {result.State.Step}; resume with: bellman train apex --resume {folder.Path}");
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

    private static void WriteSummary(RunFolder folder, string envId, int seed, int actors, ApexOptions options, ApexResult result, string status, EvaluationRecord? eval, double best,
        string resume)
    {
        double seconds = Math.Max(1e-9, result.Elapsed.TotalSeconds);
        var summary = new Dictionary<string, object?>
        {
            ["algo"] = "apex",
            ["env"] = envId,
            ["seed"] = seed,
            ["actors"] = actors,
            ["shards"] = options.Shards,
            ["lockstep"] = options.Lockstep == true,
            ["resume"] = resume,
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

    /// <summary>A TCP port on loopback that is free now (the system picks it).</summary>
    internal static int FreePort()
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
    private sealed class SynchronizedLog(string path, TextWriter echo, bool append) : TextWriter
    {
        private readonly StreamWriter _file = new(path, append) { NewLine = "\n", AutoFlush = true };

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
