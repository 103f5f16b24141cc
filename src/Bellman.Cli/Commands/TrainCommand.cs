using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Bellman.Algorithms;
using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Logging;
using Bellman.Algorithms.Training;
using Bellman.Cli.Infrastructure;
using Bellman.Cli.Runs;
using Bellman.Core.Text;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>
/// <c>bellman train ALGO</c>: trains an algorithm of the catalogue (<see cref="AlgorithmCatalog"/>, given as the
/// command's data) on an environment from a preset, a YAML file and <c>--set key=value</c> overrides, writing a
/// run folder with the resolved configuration, metrics, evaluations, checkpoints, a learning curve and a
/// summary. Every algorithm shares this command; adding one to the catalogue adds it here.
/// </summary>
public sealed class TrainCommand(CliIO io) : Command<TrainSettings>
{
    // Written by the training thread, read by the progress display: a snapshot is swapped atomically.
    private volatile TrainingSnapshot? _lastSnapshot;

    /// <inheritdoc/>
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellationToken)
    {
        var spec = context.Data as AlgorithmInfo ?? throw new InvalidOperationException("train: no algorithm was registered for this command.");
        var (config, options, folder, algorithm, resumed) = settings.Resume is not null ? PrepareResume(spec, settings) : PrepareNew(spec, settings);
        io.Out.WriteLine($"{spec.Name} on {config.EnvId}, seed {config.Seed}, {options.TotalSteps} steps{(config.Preset is null ? "" : $", preset {config.Preset}")} -> {folder.Path}");
        if (settings.NoReplayInCheckpoint) algorithm.CheckpointReplay = false;
        string resume = ResumeNote(algorithm, resumed, folder, options.TotalSteps);

        EvaluationRecord? lastEval = null;
        double best = double.NegativeInfinity, bestSaved = algorithm.State.BestEvaluation;
        var recorder = new RunRecorder(folder.Path, append: resumed, algorithm.Metrics, resumeStep: resumed ? algorithm.State.Step : null,
            onSnapshot: s =>
            {
                _lastSnapshot = s;
                if (!io.IsInteractive) io.Out.WriteLine(FormatSnapshot(s));
            },
            onEvaluation: e =>
            {
                lastEval = e;
                Say(string.Create(CultureInfo.InvariantCulture, $"eval  step {e.Step,8}  mean return {Format.MeanStd(e.MeanReturn, e.StdReturn)} over {e.Returns.Count} episodes"));
                algorithm.Save(folder.Latest);
                // The first evaluation to reach a new best keeps it, as RunState.BestEvaluation does: best.json, best.safetensors and the summary agree.
                if (e.MeanReturn > bestSaved)
                {
                    algorithm.Save(folder.Best, trainingState: false);
                    bestSaved = e.MeanReturn;
                }
            });
        string status;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // TensorBoard event files beside the CSVs (under SB3's tags), unless --no-tensorboard.
        using var tensorboard = settings.NoTensorBoard ? null : new TensorBoardWriter(Path.Combine(folder.Path, "tensorboard"));
        // Events written after the checkpoint by a killed run are TensorBoard's orphans: a START past the checkpoint's step purges them.
        if (resumed) tensorboard?.AddSessionStart(algorithm.State.Step + 1);
        IMetricsSink sink = tensorboard is null ? recorder : new CompositeMetricsSink(recorder, new TensorBoardMetricsSink(tensorboard));
        using (recorder)
        using (algorithm)
        {
            if (!resumed) algorithm.Save(folder.Latest); // a loadable checkpoint exists from the first step on
            try
            {
                if (io.IsInteractive) RunWithProgress(algorithm, options.TotalSteps, sink, cancellationToken);
                else algorithm.Run(options.TotalSteps, sink, cancellationToken);
                status = cancellationToken.IsCancellationRequested ? "interrupted" : "completed";
                recorder.Flush(); // every row of the steps the checkpoint covers is on disk before it
                algorithm.Save(folder.Latest);
            }
            catch (TrainingDivergedException e)
            {
                // Keep the last good checkpoint: do not overwrite latest with diverged weights.
                status = "diverged";
                io.Error.WriteLine($"error: training diverged: {e.Message} The last good checkpoint is kept in {folder.Latest}.safetensors.");
            }
            var final = algorithm.State;
            best = final.BestEvaluation;
            if (status == "completed" && options.EvalFrequency > 0 && algorithm.CanEvaluate && (lastEval is null || lastEval.Step != final.Step))
            {
                // The final evaluation counts toward the best like every other: checkpoints/best and the summary agree.
                lastEval = algorithm.Evaluate(cancellationToken);
                algorithm.RecordEvaluation(lastEval);
                sink.OnEvaluation(lastEval);
                best = Math.Max(best, lastEval.MeanReturn);
            }
            if (status == "completed" && final.Step < options.TotalSteps && options is TrainingOptions o && o.StopsAt(final.BestEvaluation))
                status = "reached stop_at_return";
            WriteSummary(spec.Name, folder, config, algorithm.State, best, status, lastEval, clock.Elapsed, resume);
            if (!settings.NoVideo && status is "completed" or "reached stop_at_return") WriteVideo(algorithm, folder, config, cancellationToken);
        }
        DrawCurve(io, folder, spec.Name, config);
        var state = algorithm.State;
        io.Out.WriteLine(status switch
        {
            "completed" => $"done: final greedy evaluation {(lastEval is null ? "n/a" : Format.MeanStd(lastEval.MeanReturn, lastEval.StdReturn))}"
                + (double.IsNegativeInfinity(best) ? "" : ($", best {Format.Short(best, 2)} (checkpoints/best; `bellman eval {folder.Path}` repeats it)"))
                + $"; run folder {folder.Path}",
            "reached stop_at_return" => string.Create(CultureInfo.InvariantCulture,
                $"done: stopped at step {state.Step} of {options.TotalSteps}: a greedy evaluation reached {Format.Short(best, 2)} >= stop_at_return = {((TrainingOptions)options).StopAtReturn}")
                + $"; best weights in checkpoints/best (`bellman eval {folder.Path}` repeats it); run folder {folder.Path}",
            "interrupted" => $"interrupted at step {state.Step}; resume with: bellman train {spec.Name} --resume {folder.Path}",
            _ => $"stopped: {status}",
        });
        return status switch { "completed" or "reached stop_at_return" or "interrupted" => 0, _ => 3 };
    }

    /// <summary>
    /// The environment <c>train ALGO</c> uses without <c>--env</c>: CartPole-v1 when the algorithm can train on it
    /// (it has a preset there, or no presets at all), else the environment of its first preset (Pendulum-v1 for
    /// the continuous-action algorithms). <c>train ALGO --help</c> shows it.
    /// </summary>
    internal static string DefaultEnv(AlgorithmInfo spec) =>
        spec.Presets.Count == 0 || spec.Presets.Any(p => p.EnvId == "CartPole-v1") ? "CartPole-v1" : spec.Presets[0].EnvId;

    private void Say(string line)
    {
        if (io.IsInteractive) io.Console.WriteLine(line);
        else io.Out.WriteLine(line);
    }

    private static (RunConfig Config, ITrainingOptions Options, RunFolder Folder, Algorithm Algorithm, bool Resumed) PrepareNew(AlgorithmInfo spec, TrainSettings settings)
    {
        Dictionary<string, string> fileValues = [], fileEnvOptions = [];
        if (settings.Config is not null) (fileValues, fileEnvOptions) = RunConfig.ReadYaml(settings.Config);
        string source = settings.Config ?? "--set";
        if (fileValues.TryGetValue("algo", out var algo) && algo != spec.Name)
            throw new CliException($"{settings.Config}: algo is '{algo}', but this command trains {spec.Name}.");
        string envId = settings.Env ?? fileValues.GetValueOrDefault("env") ?? DefaultEnv(spec);
        int seed = settings.Seed ?? (fileValues.TryGetValue("seed", out var s) ? ParseInt(s, "seed", source) : 0);
        string? presetName = settings.Preset ?? fileValues.GetValueOrDefault("preset");
        ITrainingOptions options;
        if (presetName is not null)
        {
            var preset = spec.FindPreset(presetName)
                ?? throw new CliException($"Unknown {spec.Name} preset '{presetName}'; {Suggestions.DidYouMean(presetName, spec.Presets.Select(p => p.Name))} (`bellman presets` lists them).");
            options = preset.Options;
            presetName = preset.Name;
        }
        else
        {
            var preset = spec.DefaultPreset(envId);
            options = preset?.Options ?? spec.Defaults;
            presetName = preset?.Name;
        }
        foreach (var key in RunConfig.RunKeys) fileValues.Remove(key);
        options = spec.Bind(options, fileValues, source);
        options = spec.Bind(options, KeyValues.Parse(settings.Set, "--set", lastWins: true), "--set");
        options = WithSteps(spec, options, settings.Steps);
        options.Validate();

        var envOptions = new Dictionary<string, string>(fileEnvOptions);
        foreach (var (k, v) in settings.ParseOptions()) envOptions[k] = v;
        // Everything that can be wrong (id, options, algorithm and environment) fails before the folder exists.
        var algorithm = spec.Create(EnvironmentSource.FromId(envId, envOptions), options, seed);

        try
        {
            var folder = RunFolder.CreateNew(settings.Out, spec.Name, envId, seed, $"choose another --out, or continue it with --resume {settings.Out}");
            var config = new RunConfig(spec.Name, envId, seed, presetName, envOptions, OptionBinder.Describe(options));
            RunFolder.WriteAtomic(folder.Config, config.ToYaml());
            return (config, options, folder, algorithm, false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            algorithm.Dispose();
            throw new CliException($"cannot create the run folder '{settings.Out ?? "runs/"}': {e.Message} Choose a writable --out.");
        }
        catch
        {
            algorithm.Dispose();
            throw;
        }
    }

    private static (RunConfig, ITrainingOptions, RunFolder, Algorithm, bool) PrepareResume(AlgorithmInfo spec, TrainSettings settings)
    {
        if (settings.Preset is not null || settings.Config is not null || settings.Set.Length > 0 || settings.Env is not null || settings.Seed is not null)
            throw new CliException("--resume continues a run with its own configuration; only --steps may be given with it.");
        var folder = new RunFolder(settings.Resume!);
        if (!File.Exists(folder.Config)) throw new CliException($"'{settings.Resume}' is not a run folder: it has no config.yaml.");
        if (!File.Exists(folder.Latest + ".json")) throw new CliException($"'{settings.Resume}' has no checkpoint to resume from ({folder.Latest}.json).");
        var (values, envOptions) = RunConfig.ReadYaml(folder.Config);
        string envId = values.GetValueOrDefault("env") ?? throw new CliException($"{folder.Config} has no env.");
        int seed = ParseInt(values.GetValueOrDefault("seed") ?? "0", "seed", folder.Config);
        string? preset = values.GetValueOrDefault("preset");
        if (values.TryGetValue("algo", out var algo) && algo != spec.Name) throw new CliException($"'{settings.Resume}' is a {algo} run; resume it with `bellman train {algo} --resume {settings.Resume}`.");
        foreach (var key in RunConfig.RunKeys) values.Remove(key);
        var options = WithSteps(spec, spec.Bind(spec.Defaults, values, folder.Config), settings.Steps);
        options.Validate();
        var meta = Algorithm.ReadMetadata(folder.Latest);
        if (meta.Env != envId) throw new CliException($"The checkpoint was trained on {meta.Env}, but the run's config says {envId}.");
        if (meta.Step >= options.TotalSteps)
            throw new CliException($"The run already reached {meta.Step} of {options.TotalSteps} steps; pass a larger --steps to train further.");
        if (options is TrainingOptions t && meta.BestEvaluation is double reached && t.StopsAt(reached))
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"The run is finished: an evaluation reached {Format.Short(reached, 2)} >= stop_at_return = {t.StopAtReturn} at or before step {meta.Step}; raise stop_at_return (or set it to nan) in {folder.Config} to train further."));
        var algorithm = spec.Create(EnvironmentSource.FromId(envId, envOptions), options, seed);
        try
        {
            algorithm.Restore(folder.Latest);
        }
        catch
        {
            algorithm.Dispose();
            throw;
        }
        var config = new RunConfig(spec.Name, envId, seed, preset, envOptions, OptionBinder.Describe(options));
        RunFolder.WriteAtomic(folder.Config, config.ToYaml());
        return (config, options, folder, algorithm, true);
    }

    private void RunWithProgress(Algorithm algorithm, long totalSteps, IMetricsSink sink, CancellationToken cancellation)
    {
        io.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: totalSteps);
                task.Value = algorithm.State.Step;
                Exception? error = null;
                var thread = new Thread(() =>
                {
                    try { algorithm.Run(totalSteps, sink, cancellation); }
                    catch (Exception e) { error = e; }
                });
                thread.Start();
                while (!thread.Join(200)) Show();
                Show();
                if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();

                void Show()
                {
                    var s = algorithm.State;
                    task.Value = s.Step;
                    string best = double.IsNegativeInfinity(s.BestEvaluation) ? "-" : Format.Short(s.BestEvaluation, 1);
                    task.Description = Markup.Escape(_lastSnapshot is TrainingSnapshot snap
                        ? string.Create(CultureInfo.InvariantCulture, $"step {s.Step}  {snap.StepsPerSecond:0} steps/s  return({TrainingSnapshot.ReturnWindow}) {Fmt(snap.MeanReturn)}  {Values(snap)}  best eval {best}")
                        : $"step {s.Step}  best eval {best}");
                    ctx.Refresh();
                }
            });
    }

    private static string FormatSnapshot(TrainingSnapshot s) => string.Create(CultureInfo.InvariantCulture,
        $"step {s.Step,8}/{s.TotalSteps}  episodes {s.Episodes,5}  mean return({TrainingSnapshot.ReturnWindow}) {Fmt(s.MeanReturn),8}  {Values(s)}  {s.StepsPerSecond:0} steps/s  left {Left(s)}");

    private static string Values(TrainingSnapshot s)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < s.Metrics.Count; i++)
        {
            if (i > 0) sb.Append("  ");
            sb.Append(s.Metrics[i].Label).Append(' ').Append(Fmt(s.Values[i]));
        }
        return sb.ToString();
    }

    private static string Fmt(double v) => double.IsNaN(v) ? "-" : Format.Short(v);

    private static string Left(TrainingSnapshot s)
    {
        if (s.StepsPerSecond <= 0) return "-";
        var left = TimeSpan.FromSeconds((s.TotalSteps - s.Step) / s.StepsPerSecond);
        return left.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// RUN/episode.gif: one episode of the final greedy policy (every second frame, at most 1,000 steps). It
    /// never fails the run: an environment without a renderer is skipped and any other failure is a warning.
    /// </summary>
    private void WriteVideo(Algorithm algorithm, RunFolder folder, RunConfig config, CancellationToken cancellation)
    {
        string path = Path.Combine(folder.Path, "episode.gif");
        try
        {
            var env = Environments.EnvRegistry.Default.Make(config.EnvId, config.EnvOptions);
            if (!Environments.Rendering.EnvironmentRenderers.CanRender(env))
            {
                io.Out.WriteLine($"video: skipped, {config.EnvId} cannot be drawn (no episode.gif)");
                return;
            }
            var result = Rendering.EpisodeVideo.Write(env, algorithm.Agent.Greedy, path, episodes: 1, seed: Evaluation.SeedFor(config.Seed), every: 2, maxSteps: 1000, cancellation: cancellation);
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"video: {path} (greedy policy, return {Format.Short(result.Returns[0], 2)}; --no-video skips it)"));
        }
        catch (OperationCanceledException)
        {
            io.Out.WriteLine("video: interrupted (no episode.gif); the run itself is complete");
        }
        catch (Exception e)
        {
            io.Error.WriteLine($"warning: could not draw {path}: {e.Message}");
        }
    }

    // How a resumed run continues (exact or approximate, and why), said on the console and kept for the summary.
    private string ResumeNote(Algorithm algorithm, bool resumed, RunFolder folder, long totalSteps)
    {
        if (!resumed)
        {
            if (!algorithm.CheckpointReplay) io.Out.WriteLine("note: checkpoints will not hold the replay memory (--no-replay-in-checkpoint): a resumed run will be approximate.");
            return "none";
        }
        if (algorithm.ApproximateResume is string why)
        {
            io.Error.WriteLine($"warning: resuming from step {algorithm.State.Step} approximately, not exactly as an uninterrupted run: {why}.");
            return "approximate: " + why;
        }
        io.Out.WriteLine($"resuming exactly from step {algorithm.State.Step} (generators, environments, replay memory and counters restored)");
        // Schedules (ε, learning-rate decay, β) run over the budget: a new --steps stretches them from here on.
        string? before = Algorithm.ReadMetadata(folder.Latest).Options.GetValueOrDefault("total_steps");
        if (before is not null && before != totalSteps.ToString(CultureInfo.InvariantCulture))
        {
            io.Error.WriteLine($"warning: the budget changes from {before} to {totalSteps} steps; the schedules stretch over the new budget, so the run is not the one an uninterrupted {totalSteps}-step run would give.");
            return "exact state, budget changed from " + before;
        }
        return "exact";
    }

    /// <summary>RUN/learning_curve.png from the run's CSV files; a failure to draw is a warning, never the run's failure.</summary>
    internal static void DrawCurve(CliIO io, RunFolder folder, string algo, RunConfig config)
    {
        try
        {
            Plotter.Save([Plotter.Read(folder.Path, $"{algo} {config.EnvId} s{config.Seed}")], folder.Plot, $"{algo.ToUpperInvariant()} on {config.EnvId}", showEpisodes: true);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or DllNotFoundException or TypeInitializationException)
        {
            io.Error.WriteLine($"warning: could not draw {folder.Plot}: {e.Message}");
        }
    }

    /// <summary>RUN/summary.json: the run's counters, its final and best evaluations, its status and how it resumed.</summary>
    internal static void WriteSummary(string algo, RunFolder folder, RunConfig config, RunState s, double best, string status, EvaluationRecord? eval, TimeSpan elapsed, string resume)
    {
        var summary = new Dictionary<string, object?>
        {
            ["algo"] = algo,
            ["env"] = config.EnvId,
            ["seed"] = config.Seed,
            ["status"] = status,
            ["total_steps"] = s.Step,
            ["episodes"] = s.Episodes,
            ["gradient_steps"] = s.Updates,
            ["final_eval_mean_return"] = eval?.MeanReturn,
            ["final_eval_std_return"] = eval?.StdReturn,
            ["best_eval_mean_return"] = double.IsNegativeInfinity(best) ? null : best,
            ["eval_seed"] = Evaluation.SeedFor(config.Seed),
            ["resume"] = resume,
            ["wall_seconds"] = Math.Round(elapsed.TotalSeconds, 3),
        };
        RunFolder.WriteAtomic(folder.Summary, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static int ParseInt(string text, string key, string source) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new CliException($"{source}: {key} = '{text}' is not an integer.");

    private static ITrainingOptions WithSteps(AlgorithmInfo spec, ITrainingOptions options, long? steps) => steps is long n
        ? spec.Bind(options, new Dictionary<string, string> { ["total_steps"] = n.ToString(CultureInfo.InvariantCulture) }, "--steps")
        : options;
}

/// <summary>Settings of <c>train ALGO</c>.</summary>
public sealed class TrainSettings : EnvSettings
{
    /// <summary>Total environment steps.</summary>
    [CommandOption("--steps <N>")]
    [Description("Environment steps (overrides total_steps; default: the preset's total_steps, see DEFAULTS above).")]
    public long? Steps { get; init; }

    /// <summary>The seed.</summary>
    [CommandOption("--seed <N>")]
    [Description("Seed for environments, exploration, replay sampling and weights (default 0).")]
    public int? Seed { get; init; }

    /// <summary>A preset name.</summary>
    [CommandOption("--preset <NAME>")]
    [Description("Start from a preset (see `bellman presets`); default: the environment's own preset.")]
    public string? Preset { get; init; }

    /// <summary>A YAML configuration file.</summary>
    [CommandOption("--config <FILE>")]
    [Description("YAML file of key: value options (env, seed, preset, env_options and any key of the algorithm; `bellman presets --name NAME` shows them).")]
    public string? Config { get; init; }

    /// <summary>Option overrides.</summary>
    [CommandOption("--set <KEY=VALUE>")]
    [Description("Override one option, repeatable, e.g. --set learning_rate=1e-3 --set double_q=true.")]
    public string[] Set { get; init; } = [];

    /// <summary>The run folder.</summary>
    [CommandOption("--out <DIR>")]
    [Description("Run folder (default runs/ALGO-ENV-sSEED, suffixed -2, -3 when taken).")]
    public string? Out { get; init; }

    /// <summary>No TensorBoard event files.</summary>
    [CommandOption("--no-tensorboard")]
    [Description("Do not write TensorBoard event files (by default the run folder gets tensorboard/events.out.tfevents.*; `tensorboard --logdir RUN`).")]
    public bool NoTensorBoard { get; init; }

    /// <summary>No GIF of the final greedy policy.</summary>
    [CommandOption("--no-video")]
    [Description("Do not draw the final greedy policy (by default, at the end, one episode of it goes to RUN/episode.gif: every second frame, at most 1,000 steps).")]
    public bool NoVideo { get; init; }

    /// <summary>Checkpoints without the replay memory.</summary>
    [CommandOption("--no-replay-in-checkpoint")]
    [Description("Do not write the replay memory into checkpoints (for a very large buffer); a resumed run then refills it and is only approximately the uninterrupted one.")]
    public bool NoReplayInCheckpoint { get; init; }

    /// <summary>A run to continue.</summary>
    [CommandOption("--resume <RUN>")]
    [Description("Continue a stopped run from its latest checkpoint (--steps may raise its budget).")]
    public string? Resume { get; init; }
}

