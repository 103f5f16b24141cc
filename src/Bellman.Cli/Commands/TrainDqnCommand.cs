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

/// <summary>
/// <c>bellman train dqn</c>: trains DQN (or one of its variants) on an environment from a preset, a YAML
/// file and <c>--set key=value</c> overrides, writing a run folder with the resolved configuration,
/// metrics, evaluations, checkpoints, a learning curve and a summary.
/// </summary>
public sealed class TrainDqnCommand(CliIO io) : Command<TrainDqnCommand.Settings>
{
    /// <summary>Settings of <c>train dqn</c>.</summary>
    public sealed class Settings : EnvSettings
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
        [Description("YAML file of key: value options (env, seed, preset, env_options and any DQN key).")]
        public string? Config { get; init; }

        /// <summary>Option overrides.</summary>
        [CommandOption("--set <KEY=VALUE>")]
        [Description("Override one option, repeatable, e.g. --set learning_rate=1e-3 --set double_q=true.")]
        public string[] Set { get; init; } = [];

        /// <summary>The run folder.</summary>
        [CommandOption("--out <DIR>")]
        [Description("Run folder (default runs/dqn-<env>-s<seed>[-n]).")]
        public string? Out { get; init; }

        /// <summary>A run to continue.</summary>
        [CommandOption("--resume <RUN>")]
        [Description("Continue a stopped run from its latest checkpoint (--steps may raise its budget).")]
        public string? Resume { get; init; }
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (config, options, folder, resume) = settings.Resume is not null ? PrepareResume(settings) : PrepareNew(settings);
        var state = resume?.State;
        io.Out.WriteLine($"dqn on {config.EnvId}, seed {config.Seed}, {options.TotalSteps} steps{(config.Preset is null ? "" : $", preset {config.Preset}")} -> {folder.Path}");

        EvaluationRecord? lastEval = null;
        DqnRun? run = null;
        var recorder = new RunRecorder(folder.Path, append: resume is not null,
            onSnapshot: io.IsInteractive ? null : s => io.Out.WriteLine(FormatSnapshot(s)),
            onEvaluation: e =>
            {
                lastEval = e;
                Say(string.Create(CultureInfo.InvariantCulture, $"eval  step {e.Step,8}  mean return {e.MeanReturn:0.##} ± {e.StdReturn:0.##} over {e.Returns.Count} episodes"));
                SaveCheckpoint(run!, folder.Latest, config, options);
                if (e.MeanReturn >= run!.Loop.State.BestEvaluation) SaveCheckpoint(run, folder.Best, config, options);
            });
        string status;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (recorder)
        using (run = new DqnRun(config.EnvId, config.EnvOptions, options, config.Seed, recorder, state))
        {
            if (resume is not null)
                AgentCheckpoint.Load(folder.Latest, run.Agent.Networks, run.Agent.Optimizers);
            else
                SaveCheckpoint(run, folder.Latest, config, options); // a loadable checkpoint exists from the first step on
            try
            {
                if (io.IsInteractive) RunWithProgress(run, cancellationToken);
                else run.Loop.Run(cancellationToken);
                status = cancellationToken.IsCancellationRequested ? "interrupted" : "completed";
                SaveCheckpoint(run, folder.Latest, config, options);
            }
            catch (TrainingDivergedException e)
            {
                // Keep the last good checkpoint: do not overwrite latest with diverged weights.
                status = "diverged";
                io.Error.WriteLine($"error: training diverged: {e.Message} The last good checkpoint is kept in {folder.Latest}.safetensors.");
            }
            var final = run.Loop.State;
            if (status == "completed" && options.EvalFrequency > 0 && (lastEval is null || lastEval.Step != final.Step))
            {
                lastEval = run.Loop.Evaluate(final.Step, cancellationToken);
                recorder.OnEvaluation(lastEval);
            }
            WriteSummary(folder, config, run, status, lastEval, clock.Elapsed);
        }
        try
        {
            Plotter.Save([Plotter.Read(folder.Path, $"dqn {config.EnvId} s{config.Seed}")], folder.Plot, $"DQN on {config.EnvId}", showEpisodes: true);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or DllNotFoundException or TypeInitializationException)
        {
            io.Error.WriteLine($"warning: could not draw {folder.Plot}: {e.Message}");
        }
        io.Out.WriteLine(status switch
        {
            "completed" => $"done: final greedy evaluation {(lastEval is null ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{lastEval.MeanReturn:0.##} ± {lastEval.StdReturn:0.##}"))}; run folder {folder.Path}",
            "interrupted" => $"interrupted at step {run.Loop.State.Step}; resume with: bellman train dqn --resume {folder.Path}",
            _ => $"stopped: {status}",
        });
        return status switch { "completed" or "interrupted" => 0, _ => 3 };
    }

    private void Say(string line)
    {
        if (io.IsInteractive) io.Console.WriteLine(line);
        else io.Out.WriteLine(line);
    }

    private (RunConfig Config, DqnOptions Options, RunFolder Folder, ResumeInfo? Resume) PrepareNew(Settings settings)
    {
        Dictionary<string, string> fileValues = [], fileEnvOptions = [];
        if (settings.Config is not null) (fileValues, fileEnvOptions) = RunConfig.ReadYaml(settings.Config);
        string source = settings.Config ?? "--set";
        if (fileValues.TryGetValue("algo", out var algo) && algo != "dqn")
            throw new CliException($"{settings.Config}: algo is '{algo}', but this command trains dqn.");
        string envId = settings.Env ?? fileValues.GetValueOrDefault("env") ?? "CartPole-v1";
        int seed = settings.Seed ?? (fileValues.TryGetValue("seed", out var s) ? ParseInt(s, "seed", source) : 0);
        string? presetName = settings.Preset ?? fileValues.GetValueOrDefault("preset");
        DqnOptions options;
        if (presetName is not null)
        {
            var preset = DqnPresets.Find(presetName)
                ?? throw new CliException($"Unknown preset '{presetName}'; {Suggestions.DidYouMean(presetName, DqnPresets.All.Select(p => p.Name))} (`bellman presets` lists them).");
            options = preset.Options;
            presetName = preset.Name;
        }
        else
        {
            var preset = DqnPresets.DefaultFor(envId);
            options = preset?.Options ?? new DqnOptions();
            presetName = preset?.Name;
        }
        foreach (var key in RunConfig.RunKeys) fileValues.Remove(key);
        options = OptionBinder.Apply(options, fileValues, source);
        options = OptionBinder.Apply(options, KeyValues.Parse(settings.Set, "--set", lastWins: true), "--set");
        if (settings.Steps is long steps) options = options with { TotalSteps = steps };
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
        else folder = RunFolder.CreateDefault("dqn", envId, seed);
        var config = new RunConfig("dqn", envId, seed, presetName, envOptions, OptionBinder.Describe(options));
        RunFolder.WriteAtomic(folder.Config, config.ToYaml());
        return (config, options, folder, null);
    }

    private static (RunConfig, DqnOptions, RunFolder, ResumeInfo?) PrepareResume(Settings settings)
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
        var options = OptionBinder.Apply(new DqnOptions(), values, folder.Config);
        if (settings.Steps is long steps) options = options with { TotalSteps = steps };
        options.Validate();
        var meta = AgentCheckpoint.ReadMetadata(folder.Latest).Deserialize<CheckpointMetadata>()
            ?? throw new CliException($"{folder.Latest}.json has no run state.");
        if (meta.Env != envId) throw new CliException($"The checkpoint was trained on {meta.Env}, but the run's config says {envId}.");
        var state = new OffPolicyState { Step = meta.Step, Episodes = meta.Episodes, Updates = meta.Updates, BestEvaluation = meta.BestEvaluation ?? double.NegativeInfinity };
        if (state.Step >= options.TotalSteps)
            throw new CliException($"The run already reached {state.Step} of {options.TotalSteps} steps; pass a larger --steps to train further.");
        var config = new RunConfig("dqn", envId, seed, preset, envOptions, OptionBinder.Describe(options));
        RunFolder.WriteAtomic(folder.Config, config.ToYaml());
        return (config, options, folder, new ResumeInfo(state));
    }

    private void RunWithProgress(DqnRun run, CancellationToken cancellation)
    {
        io.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: run.Options.TotalSteps);
                task.Value = run.Loop.State.Step;
                Exception? error = null;
                var thread = new Thread(() =>
                {
                    try { run.Loop.Run(cancellation); }
                    catch (Exception e) { error = e; }
                });
                thread.Start();
                while (!thread.Join(200))
                {
                    var s = run.Loop.State;
                    task.Value = s.Step;
                    task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"step {s.Step}  episodes {s.Episodes}  updates {s.Updates}  best eval {(double.IsNegativeInfinity(s.BestEvaluation) ? "-" : s.BestEvaluation.ToString("0.#", CultureInfo.InvariantCulture))}"));
                    ctx.Refresh();
                }
                task.Value = run.Loop.State.Step;
                if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
            });
    }

    private static string FormatSnapshot(in TrainingSnapshot s) => string.Create(CultureInfo.InvariantCulture,
        $"step {s.Step,8}/{s.TotalSteps}  episodes {s.Episodes,5}  mean return(100) {Fmt(s.MeanReturn),8}  eps {s.Exploration:0.###}  loss {Fmt(s.Loss)}  Q {Fmt(s.MeanQ)}  {s.StepsPerSecond:0} steps/s  left {Left(s)}");

    private static string Fmt(double v) => double.IsNaN(v) ? "-" : v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Left(in TrainingSnapshot s)
    {
        if (s.StepsPerSecond <= 0) return "-";
        var left = TimeSpan.FromSeconds((s.TotalSteps - s.Step) / s.StepsPerSecond);
        return left.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
    }

    private static void SaveCheckpoint(DqnRun run, string prefix, RunConfig config, DqnOptions options)
    {
        var s = run.Loop.State;
        var meta = new CheckpointMetadata("dqn", config.EnvId, config.EnvOptions.ToDictionary(), config.Seed, s.Step, s.Episodes, s.Updates,
            double.IsNegativeInfinity(s.BestEvaluation) ? null : s.BestEvaluation,
            OptionBinder.Describe(options).ToDictionary(x => x.Key, x => x.Value));
        AgentCheckpoint.Save(prefix, run.Agent.Networks, run.Agent.Optimizers, meta);
    }

    private static void WriteSummary(RunFolder folder, RunConfig config, DqnRun run, string status, EvaluationRecord? eval, TimeSpan elapsed)
    {
        var s = run.Loop.State;
        var summary = new Dictionary<string, object?>
        {
            ["algo"] = "dqn",
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

    private sealed record ResumeInfo(OffPolicyState State);
}

/// <summary>What a DQN checkpoint's sidecar records besides the weights: enough to rebuild and resume the run.</summary>
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
