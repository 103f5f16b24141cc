using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Cli.Infrastructure;
using Bellman.Cli.Runs;
using Bellman.Core.Text;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary><c>bellman train dqn</c>.</summary>
public sealed class TrainDqnCommand(CliIO io) : TrainCommand<DqnOptions>(io, new DqnSpec());

/// <summary><c>bellman train fqi</c>.</summary>
public sealed class TrainFqiCommand(CliIO io) : TrainCommand<FqiOptions>(io, new FqiSpec());

/// <summary>
/// <c>bellman train ALGO</c>: trains an algorithm on an environment from a preset, a YAML file and
/// <c>--set key=value</c> overrides, writing a run folder with the resolved configuration, metrics,
/// evaluations, checkpoints, a learning curve and a summary. Every algorithm shares this command; it
/// brings only its <see cref="AlgorithmSpec{TOptions}"/>.
/// </summary>
public abstract class TrainCommand<TOptions>(CliIO io, AlgorithmSpec<TOptions> spec) : Command<TrainSettings> where TOptions : class, ITrainingOptions
{
    // Written by the training thread, read by the progress display: a boxed snapshot is swapped atomically.
    private volatile object? _lastSnapshot;

    /// <inheritdoc/>
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellationToken)
    {
        var (config, options, folder, resume) = settings.Resume is not null ? PrepareResume(settings) : PrepareNew(settings);
        var state = resume?.State;
        io.Out.WriteLine($"{spec.Name} on {config.EnvId}, seed {config.Seed}, {options.TotalSteps} steps{(config.Preset is null ? "" : $", preset {config.Preset}")} -> {folder.Path}");

        EvaluationRecord? lastEval = null;
        ITrainingRun? run = null;
        var recorder = new RunRecorder(folder.Path, append: resume is not null,
            onSnapshot: s =>
            {
                _lastSnapshot = s;
                if (!io.IsInteractive) io.Out.WriteLine(FormatSnapshot(s));
            },
            onEvaluation: e =>
            {
                lastEval = e;
                Say(string.Create(CultureInfo.InvariantCulture, $"eval  step {e.Step,8}  mean return {e.MeanReturn:0.##} ± {e.StdReturn:0.##} over {e.Returns.Count} episodes"));
                SaveCheckpoint(run!, folder.Latest, config, options);
                if (e.MeanReturn >= run!.State.BestEvaluation) SaveCheckpoint(run, folder.Best, config, options);
            });
        string status;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (recorder)
        using (run = spec.CreateRun(config.EnvId, config.EnvOptions, options, config.Seed, recorder, state))
        {
            if (resume is not null)
                AgentCheckpoint.Load(folder.Latest, run.Agent.Networks, run.Agent.Optimizers);
            else
                SaveCheckpoint(run, folder.Latest, config, options); // a loadable checkpoint exists from the first step on
            try
            {
                if (io.IsInteractive) RunWithProgress(run, options.TotalSteps, cancellationToken);
                else run.Run(cancellationToken);
                status = cancellationToken.IsCancellationRequested ? "interrupted" : "completed";
                SaveCheckpoint(run, folder.Latest, config, options);
            }
            catch (TrainingDivergedException e)
            {
                // Keep the last good checkpoint: do not overwrite latest with diverged weights.
                status = "diverged";
                io.Error.WriteLine($"error: training diverged: {e.Message} The last good checkpoint is kept in {folder.Latest}.safetensors.");
            }
            var final = run.State;
            if (status == "completed" && options.EvalFrequency > 0 && (lastEval is null || lastEval.Step != final.Step))
            {
                lastEval = run.Evaluate(final.Step, cancellationToken);
                recorder.OnEvaluation(lastEval);
            }
            WriteSummary(folder, config, run, status, lastEval, clock.Elapsed);
        }
        try
        {
            Plotter.Save([Plotter.Read(folder.Path, $"{spec.Name} {config.EnvId} s{config.Seed}")], folder.Plot, $"{spec.Name.ToUpperInvariant()} on {config.EnvId}", showEpisodes: true);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or DllNotFoundException or TypeInitializationException)
        {
            io.Error.WriteLine($"warning: could not draw {folder.Plot}: {e.Message}");
        }
        io.Out.WriteLine(status switch
        {
            "completed" => $"done: final greedy evaluation {(lastEval is null ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{lastEval.MeanReturn:0.##} ± {lastEval.StdReturn:0.##}"))}"
                + (double.IsNegativeInfinity(run.State.BestEvaluation) ? "" : string.Create(CultureInfo.InvariantCulture, $", best {run.State.BestEvaluation:0.##} (checkpoints/best)"))
                + $"; run folder {folder.Path}",
            "interrupted" => $"interrupted at step {run.State.Step}; resume with: bellman train {spec.Name} --resume {folder.Path}",
            _ => $"stopped: {status}",
        });
        return status switch { "completed" or "interrupted" => 0, _ => 3 };
    }

    private void Say(string line)
    {
        if (io.IsInteractive) io.Console.WriteLine(line);
        else io.Out.WriteLine(line);
    }

    private (RunConfig Config, TOptions Options, RunFolder Folder, ResumeInfo? Resume) PrepareNew(TrainSettings settings)
    {
        Dictionary<string, string> fileValues = [], fileEnvOptions = [];
        if (settings.Config is not null) (fileValues, fileEnvOptions) = RunConfig.ReadYaml(settings.Config);
        string source = settings.Config ?? "--set";
        if (fileValues.TryGetValue("algo", out var algo) && algo != spec.Name)
            throw new CliException($"{settings.Config}: algo is '{algo}', but this command trains {spec.Name}.");
        string envId = settings.Env ?? fileValues.GetValueOrDefault("env") ?? "CartPole-v1";
        int seed = settings.Seed ?? (fileValues.TryGetValue("seed", out var s) ? ParseInt(s, "seed", source) : 0);
        string? presetName = settings.Preset ?? fileValues.GetValueOrDefault("preset");
        TOptions options;
        if (presetName is not null)
        {
            var preset = spec.Presets.Find(presetName)
                ?? throw new CliException($"Unknown {spec.Name} preset '{presetName}'; {Suggestions.DidYouMean(presetName, spec.Presets.Select(p => p.Name))} (`bellman presets` lists them).");
            options = preset.Options;
            presetName = preset.Name;
        }
        else
        {
            var preset = spec.Presets.DefaultFor(envId);
            options = preset?.Options ?? spec.Defaults;
            presetName = preset?.Name;
        }
        foreach (var key in RunConfig.RunKeys) fileValues.Remove(key);
        options = OptionBinder.Apply(options, fileValues, source);
        options = OptionBinder.Apply(options, KeyValues.Parse(settings.Set, "--set", lastWins: true), "--set");
        options = WithSteps(options, settings.Steps);
        options.Validate();

        var envOptions = new Dictionary<string, string>(fileEnvOptions);
        foreach (var (k, v) in settings.ParseOptions()) envOptions[k] = v;
        Bellman.Environments.EnvRegistry.Default.Make(envId, envOptions); // unknown id or option: fail before creating the folder

        RunFolder folder;
        if (settings.Out is not null)
        {
            if (File.Exists(Path.Combine(settings.Out, "config.yaml")))
                throw new CliException($"'{settings.Out}' already holds a run; choose another --out, or continue it with --resume {settings.Out}.");
            Directory.CreateDirectory(settings.Out);
            folder = new RunFolder(settings.Out);
        }
        else folder = RunFolder.CreateDefault(spec.Name, envId, seed);
        var config = new RunConfig(spec.Name, envId, seed, presetName, envOptions, OptionBinder.Describe(options));
        RunFolder.WriteAtomic(folder.Config, config.ToYaml());
        return (config, options, folder, null);
    }

    private (RunConfig, TOptions, RunFolder, ResumeInfo?) PrepareResume(TrainSettings settings)
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
        foreach (var key in RunConfig.RunKeys) values.Remove(key);
        if (values.Remove("algo", out var algo) && algo != spec.Name) throw new CliException($"'{settings.Resume}' is a {algo} run; resume it with `bellman train {algo} --resume`.");
        var options = WithSteps(OptionBinder.Apply(spec.Defaults, values, folder.Config), settings.Steps);
        options.Validate();
        var meta = AgentCheckpoint.ReadMetadata(folder.Latest).Deserialize<CheckpointMetadata>()
            ?? throw new CliException($"{folder.Latest}.json has no run state.");
        if (meta.Env != envId) throw new CliException($"The checkpoint was trained on {meta.Env}, but the run's config says {envId}.");
        var state = new RunState { Step = meta.Step, Episodes = meta.Episodes, Updates = meta.Updates, BestEvaluation = meta.BestEvaluation ?? double.NegativeInfinity };
        if (state.Step >= options.TotalSteps)
            throw new CliException($"The run already reached {state.Step} of {options.TotalSteps} steps; pass a larger --steps to train further.");
        var config = new RunConfig(spec.Name, envId, seed, preset, envOptions, OptionBinder.Describe(options));
        RunFolder.WriteAtomic(folder.Config, config.ToYaml());
        return (config, options, folder, new ResumeInfo(state));
    }

    private void RunWithProgress(ITrainingRun run, long totalSteps, CancellationToken cancellation)
    {
        io.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: totalSteps);
                task.Value = run.State.Step;
                Exception? error = null;
                var thread = new Thread(() =>
                {
                    try { run.Run(cancellation); }
                    catch (Exception e) { error = e; }
                });
                thread.Start();
                while (!thread.Join(200))
                {
                    var s = run.State;
                    task.Value = s.Step;
                    string best = double.IsNegativeInfinity(s.BestEvaluation) ? "-" : s.BestEvaluation.ToString("0.#", CultureInfo.InvariantCulture);
                    task.Description = Markup.Escape(_lastSnapshot is TrainingSnapshot snap
                        ? string.Create(CultureInfo.InvariantCulture, $"step {s.Step}  {snap.StepsPerSecond:0} steps/s  return(100) {Fmt(snap.MeanReturn)}  {spec.ExplorationLabel} {snap.Exploration:0.###}  loss {Fmt(snap.Loss)}  best eval {best}")
                        : $"step {s.Step}  best eval {best}");
                    ctx.Refresh();
                }
                task.Value = run.State.Step;
                if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
            });
    }

    private string FormatSnapshot(in TrainingSnapshot s) => string.Create(CultureInfo.InvariantCulture,
        $"step {s.Step,8}/{s.TotalSteps}  episodes {s.Episodes,5}  mean return(100) {Fmt(s.MeanReturn),8}  {spec.ExplorationLabel} {s.Exploration:0.###}  loss {Fmt(s.Loss)}  {spec.ValueLabel} {Fmt(s.MeanQ)}  {s.StepsPerSecond:0} steps/s  left {Left(s)}");

    private static string Fmt(double v) => double.IsNaN(v) ? "-" : v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Left(in TrainingSnapshot s)
    {
        if (s.StepsPerSecond <= 0) return "-";
        var left = TimeSpan.FromSeconds((s.TotalSteps - s.Step) / s.StepsPerSecond);
        return left.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
    }

    private void SaveCheckpoint(ITrainingRun run, string prefix, RunConfig config, TOptions options)
    {
        var s = run.State;
        var meta = new CheckpointMetadata(spec.Name, config.EnvId, config.EnvOptions.ToDictionary(), config.Seed, s.Step, s.Episodes, s.Updates,
            double.IsNegativeInfinity(s.BestEvaluation) ? null : s.BestEvaluation,
            OptionBinder.Describe(options).ToDictionary(x => x.Key, x => x.Value));
        AgentCheckpoint.Save(prefix, run.Agent.Networks, run.Agent.Optimizers, meta);
    }

    private void WriteSummary(RunFolder folder, RunConfig config, ITrainingRun run, string status, EvaluationRecord? eval, TimeSpan elapsed)
    {
        var s = run.State;
        var summary = new Dictionary<string, object?>
        {
            ["algo"] = spec.Name,
            ["env"] = config.EnvId,
            ["seed"] = config.Seed,
            ["status"] = status,
            ["total_steps"] = s.Step,
            ["episodes"] = s.Episodes,
            ["gradient_steps"] = s.Updates,
            ["final_eval_mean_return"] = eval?.MeanReturn,
            ["final_eval_std_return"] = eval?.StdReturn,
            ["best_eval_mean_return"] = double.IsNegativeInfinity(s.BestEvaluation) ? null : s.BestEvaluation,
            ["wall_seconds"] = Math.Round(elapsed.TotalSeconds, 3),
        };
        RunFolder.WriteAtomic(folder.Summary, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static int ParseInt(string text, string key, string source) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new CliException($"{source}: {key} = '{text}' is not an integer.");

    private sealed record ResumeInfo(RunState State);

    private static TOptions WithSteps(TOptions options, long? steps) => steps is long n
        ? OptionBinder.Apply(options, new Dictionary<string, string> { ["total_steps"] = n.ToString(CultureInfo.InvariantCulture) }, "--steps")
        : options;
}

/// <summary>Settings of <c>train ALGO</c>.</summary>
public sealed class TrainSettings : EnvSettings
{
    /// <summary>Total environment steps.</summary>
    [CommandOption("--steps <N>")]
    [Description("Environment steps (overrides total_steps).")]
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

    /// <summary>A run to continue.</summary>
    [CommandOption("--resume <RUN>")]
    [Description("Continue a stopped run from its latest checkpoint (--steps may raise its budget).")]
    public string? Resume { get; init; }
}

/// <summary>What a checkpoint's sidecar records besides the weights: enough to rebuild and resume the run.</summary>
/// <param name="Algo">The algorithm.</param>
/// <param name="Env">The environment id.</param>
/// <param name="EnvOptions">Environment options.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Step">Environment steps so far.</param>
/// <param name="Episodes">Episodes so far.</param>
/// <param name="Updates">Gradient steps so far.</param>
/// <param name="BestEvaluation">The best evaluation mean so far.</param>
/// <param name="Options">Every algorithm option as a string.</param>
public sealed record CheckpointMetadata(string Algo, string Env, Dictionary<string, string> EnvOptions, int Seed, long Step, long Episodes, long Updates, double? BestEvaluation, Dictionary<string, string> Options);
