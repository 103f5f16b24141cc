using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bellman.Algorithms;
using Bellman.Algorithms.Logging;
using Bellman.Algorithms.Tabular;
using Bellman.Algorithms.Training;
using Bellman.Cli.Infrastructure;
using Bellman.Cli.Runs;
using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Core.Schedules;
using Bellman.Core.Spaces;
using Bellman.Environments;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>
/// <c>bellman train q-learning|sarsa|expected-sarsa</c>: online tabular TD control (<see cref="TdControl"/>)
/// on an environment with Discrete observations and actions, as made by the registry (time limit included).
/// It then reports the greedy policy's undiscounted return over evaluation episodes (mean ± std), draws the
/// greedy policy on the map, and, when the environment has a known model, the distances to V* from value
/// iteration at the same γ: max_s |V^greedy(s) − V*(s)|, max_s |max_a Q(s,a) − V*(s)| and the gap in
/// expected start value Σ_s p(s_0 = s) (V*(s) − V^greedy(s)). The method comes from the registration's data.
/// </summary>
public sealed class TrainTabularCommand(CliIO io) : Command<TrainTabularCommand.Settings>
{
    /// <summary>Settings of the tabular training commands; unset values come from <see cref="TabularDefaults.For"/>.</summary>
    public sealed class Settings : EnvSettings
    {
        /// <summary>Training episodes.</summary>
        [CommandOption("--episodes <N>")]
        [Description("Training episodes (default 20000 for FrozenLake-v1, 50000 for FrozenLake8x8-v1, 500 for CliffWalking-v1, 5000 for CliffWalkingSlippery-v1 and Taxi-v4, 1000 for GridWorld-v0).")]
        public int? Episodes { get; init; }

        /// <summary>The seed.</summary>
        [CommandOption("--seed <S>")]
        [Description("Seed for the environment resets and exploration (default 0).")]
        public int? Seed { get; init; }

        /// <summary>The discount γ.</summary>
        [CommandOption("--gamma <G>")]
        [Description("Discount γ in [[0, 1]] (default 0.99).")]
        public double? Gamma { get; init; }

        /// <summary>The learning rate: a constant or a linear schedule.</summary>
        [CommandOption("--alpha <A|START,END,FRACTION>")]
        [Description("Learning rate in (0, 1]]: a constant, or start,end,fraction for a linear schedule over that fraction of training (default 0.1,0.01,1 for FrozenLake, 0.5 for CliffWalking-v1, Taxi and GridWorld, 0.5,0.05,1 for CliffWalkingSlippery-v1).")]
        public string? Alpha { get; init; }

        /// <summary>The behaviour policy.</summary>
        [CommandOption("--exploration <KIND>")]
        [Description("Behaviour policy: epsilon (ε-greedy, default) or boltzmann (softmax of Q / τ).")]
        public string? Exploration { get; init; }

        /// <summary>The ε schedule.</summary>
        [CommandOption("--epsilon <START,END,FRACTION>")]
        [Description("ε-greedy schedule: start,end,fraction (linear over that fraction of training) or a constant (default 1,0.05,0.5; 0.1 for CliffWalking).")]
        public string? Epsilon { get; init; }

        /// <summary>The temperature schedule.</summary>
        [CommandOption("--temperature <START,END,FRACTION>")]
        [Description("Boltzmann temperature schedule: start,end,fraction or a constant (default 1,0.05,0.5).")]
        public string? Temperature { get; init; }

        /// <summary>The learner-side step cap per training episode.</summary>
        [CommandOption("--max-episode-steps <N>")]
        [Description("Truncate a training episode after N steps (bootstrapping from where it was cut); default 500 for CliffWalking, which has no time limit of its own, else only the environment's limit.")]
        public int? MaxEpisodeSteps { get; init; }

        /// <summary>Evaluation episodes of the greedy policy.</summary>
        [CommandOption("--eval-episodes <N>")]
        [Description("Episodes of every greedy evaluation, episode k reset with seed + 1000000 + k as `bellman eval` does (default 1000).")]
        public int? EvalEpisodes { get; init; }

        /// <summary>Episodes between evaluations.</summary>
        [CommandOption("--eval-freq <N>")]
        [Description("Training episodes between greedy evaluations (eval.csv, checkpoints/latest and best; default a tenth of --episodes; 0: only the final one).")]
        public int? EvalFrequency { get; init; }

        /// <summary>The run folder.</summary>
        [CommandOption("--out <DIR>")]
        [Description("Run folder (default runs/ALGO-ENV-sSEED, suffixed -2, -3 when taken).")]
        public string? Out { get; init; }

        /// <summary>No TensorBoard event files.</summary>
        [CommandOption("--no-tensorboard")]
        [Description("Do not write TensorBoard event files (by default the run folder gets tensorboard/events.out.tfevents.*).")]
        public bool NoTensorBoard { get; init; }

        /// <summary>A run to continue.</summary>
        [CommandOption("--resume <RUN>")]
        [Description("Continue a stopped run exactly from its latest checkpoint, with its own configuration.")]
        public string? Resume { get; init; }

        /// <summary>Whether to print one JSON object instead of text.</summary>
        [CommandOption("--json")]
        [Description("Print one JSON object with the evaluation, the distances to V*, the greedy policy and Q.")]
        public bool Json { get; init; }
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var method = context.Data is TdControlMethod m ? m : TdControlMethod.QLearning;
        string name = TdControl.NameOf(method);
        bool resumed = settings.Resume is not null;
        var (run, folder) = resumed ? PrepareResume(name, settings) : PrepareNew(method, name, settings);
        var options = run.Options;
        var config = run.Config;
        var clock = Stopwatch.StartNew();
        var env = EnvRegistry.Default.Make(config.EnvId, config.EnvOptions);
        var trainer = new TdControlRun(env, options, new Rng(config.Seed).Split(), EnvRegistry.Default.Make(config.EnvId, config.EnvOptions), run.Reporting);
        string resume = "none";
        if (resumed)
        {
            resume = trainer.Restore(folder.Latest, name) is string why ? "approximate: " + why : "exact";
            if (trainer.Finished) throw new CliException($"The run '{settings.Resume}' already trained its {options.Episodes} episodes; start a new one with more --episodes.");
            if (resume == "exact")
            {
                if (!settings.Json) io.Out.WriteLine($"resuming exactly from episode {trainer.Episode}, step {trainer.Step} (table, generators, environment in mid-episode and counters restored)");
            }
            else io.Error.WriteLine($"warning: resuming from episode {trainer.Episode}, step {trainer.Step} approximately, not exactly as an uninterrupted run: {resume["approximate: ".Length..]}.");
        }
        else if (!settings.Json) io.Out.WriteLine($"{name} on {config.EnvId}, seed {config.Seed}, {options.Episodes} episodes -> {folder.Path}");

        EvaluationRecord? lastEval = null;
        double bestSaved = trainer.State.BestEvaluation;
        CheckpointMetadata Meta() => new(name, config.EnvId, new Dictionary<string, string>(config.EnvOptions), config.Seed, trainer.State.Step, trainer.State.Episodes,
            trainer.State.Updates, double.IsNegativeInfinity(trainer.State.BestEvaluation) ? null : trainer.State.BestEvaluation,
            config.Options.ToDictionary(x => x.Key, x => x.Value), SpaceDescription.Of(env.ObservationSpace), SpaceDescription.Of(env.ActionSpace));
        var recorder = new RunRecorder(folder.Path, append: resumed, trainer.Metrics, resumeStep: resumed ? trainer.Step : null,
            onEvaluation: e =>
            {
                lastEval = e;
                if (!settings.Json)
                    io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eval  step {e.Step,8}  episode {trainer.Episode,6}  mean return {Format.MeanStd(e.MeanReturn, e.StdReturn)} over {e.Returns.Count} episodes"));
                trainer.Save(folder.Latest, Meta());
                // The first evaluation to reach a new best keeps it: best.json, best.safetensors and the summary agree.
                if (e.MeanReturn > bestSaved)
                {
                    trainer.Save(folder.Best, Meta(), trainingState: false);
                    bestSaved = e.MeanReturn;
                }
            });
        using var tensorboard = settings.NoTensorBoard ? null : new TensorBoardWriter(Path.Combine(folder.Path, "tensorboard"));
        if (resumed) tensorboard?.AddSessionStart(trainer.Step + 1);
        IMetricsSink sink = tensorboard is null ? recorder : new CompositeMetricsSink(recorder, new TensorBoardMetricsSink(tensorboard));
        string status;
        using (recorder)
        {
            if (!resumed) trainer.Save(folder.Latest, Meta()); // a loadable checkpoint exists from the first step on
            try
            {
                trainer.Run(sink, cancellationToken);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new CliException($"{name}: {BellmanApp.MessageOf(e)}");
            }
            status = trainer.Finished ? "completed" : "interrupted";
            recorder.Flush(); // every row of the steps the checkpoint covers is on disk before it
            trainer.Save(folder.Latest, Meta());
            if (status == "completed" && (lastEval is null || lastEval.Step != trainer.Step))
            {
                // The final evaluation counts toward the best like every other: checkpoints/best and the summary agree.
                lastEval = trainer.Evaluate();
                trainer.RecordEvaluation(lastEval);
                sink.OnEvaluation(lastEval);
            }
            var final = trainer.State;
            TrainCommand.WriteSummary(name, folder, config, final, final.BestEvaluation, status, lastEval, clock.Elapsed, resume);
        }
        TrainCommand.DrawCurve(io, folder, name, config);
        if (status == "interrupted")
        {
            io.Out.WriteLine(settings.Json
                ? string.Create(CultureInfo.InvariantCulture, $"{{\"status\":\"interrupted\",\"algorithm\":{TabularView.JsonString(name)},\"step\":{trainer.Step},\"episode\":{trainer.Episode},\"episodes\":{options.Episodes},\"run\":{TabularView.JsonString(folder.Path)}}}")
                : $"interrupted at step {trainer.Step} (episode {trainer.Episode} of {options.Episodes}); resume with: bellman train {name} --resume {folder.Path}");
            io.Out.Flush();
            return 0;
        }
        Report(name, config, options, env, trainer, lastEval!, clock.Elapsed.TotalSeconds, folder, settings.Json);
        return 0;
    }

    /// <summary>
    /// The console report of a finished run: the greedy policy's evaluation, its distance to V* and its map (from the
    /// model of <paramref name="env"/>, the training environment).
    /// </summary>
    private void Report(string name, RunConfig config, TdControlOptions options, IEnvironment env, TdControlRun trainer, EvaluationRecord evaluation, double seconds, RunFolder folder, bool asJson)
    {
        var result = trainer.Result();
        int cut = trainer.LastEvaluationStep == evaluation.Step ? trainer.LastEvaluation?.Cut ?? 0 : 0;
        int evalEpisodes = evaluation.Returns.Count;
        var view = TabularView.TryFor(config.EnvId, env);
        var gap = view is null ? null : Compare(view, result, options.Gamma);
        int recent = trainer.RecentCount;
        double recentMean = trainer.RecentMeanReturn;
        string id = config.EnvId;

        if (asJson)
        {
            var json = new StringBuilder("{");
            json.Append(CultureInfo.InvariantCulture, $"\"status\":\"completed\",\"env\":{TabularView.JsonString(id)},\"algorithm\":{TabularView.JsonString(name)},\"seed\":{config.Seed},");
            json.Append(CultureInfo.InvariantCulture, $"\"episodes\":{options.Episodes},\"steps\":{trainer.Step},\"gamma\":{Format.Double(options.Gamma)},");
            json.Append(CultureInfo.InvariantCulture, $"\"eval_episodes\":{evalEpisodes},\"eval_seed\":{Evaluation.SeedFor(config.Seed)},\"eval_mean_return\":{Format.Double(evaluation.MeanReturn)},\"eval_std_return\":{Format.Double(evaluation.StdReturn)},\"eval_cut\":{cut},");
            json.Append(CultureInfo.InvariantCulture, $"\"train_recent_episodes\":{recent},\"train_recent_mean_return\":{Format.Double(recentMean)},");
            json.Append(CultureInfo.InvariantCulture, $"\"greedy_value_gap\":{Number(gap?.Gap?.GreedyValueGap)},\"q_value_gap\":{Number(gap?.Gap?.QValueGap)},\"start_value_gap\":{Number(gap?.StartGap)},");
            json.Append(CultureInfo.InvariantCulture, $"\"optimal_start_value\":{Number(gap?.OptimalStartValue)},\"model_note\":{(gap?.Note is string note ? TabularView.JsonString(note) : "null")},");
            json.Append(CultureInfo.InvariantCulture, $"\"policy\":{TabularView.JsonInts(result.GreedyPolicy)},\"Q\":{TabularView.JsonRows(result.Q, result.ActionCount)},\"run\":{TabularView.JsonString(folder.Path)},\"seconds\":{Format.Double(seconds)}}}");
            io.Out.WriteLine(json.ToString());
            io.Out.Flush();
            return;
        }

        var text = io.Out;
        text.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name} on {id}: {options.Episodes} episodes, seed {config.Seed}, gamma {options.Gamma}, alpha {Describe(options.LearningRate)}, {DescribeExploration(options.Exploration)}  ({seconds:0.###} s)"));
        text.WriteLine(string.Create(CultureInfo.InvariantCulture, $"training: mean return of the last {recent} episodes {Format.Short(recentMean, 4)}"));
        text.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"greedy policy: mean return {Format.MeanStd(evaluation.MeanReturn, evaluation.StdReturn, 4)} over {evalEpisodes} evaluation episodes{(cut > 0 ? $" ({cut} cut at {PolicyRollout.DefaultMaxEpisodeSteps} steps)" : "")}"));
        if (gap is not null)
        {
            text.WriteLine(gap.Gap is { } g
                ? string.Create(CultureInfo.InvariantCulture,
                    $"distance to V* (value iteration, gamma {options.Gamma}; over all states, visited or not): max_s |V^greedy - V*| = {g.GreedyValueGap:G6}, max_s |max_a Q - V*| = {g.QValueGap:G6}; expected start value V^greedy {Format.Short((gap.OptimalStartValue - gap.StartGap).GetValueOrDefault(double.NaN), 4)}, V* {Format.Short(gap.OptimalStartValue.GetValueOrDefault(double.NaN), 4)}")
                : $"distance to V*: {gap.Note}");
        }
        text.WriteLine();
        if (view is not null)
        {
            text.Write(view.Render("max_a Q(s,a)", result.Values(), "greedy policy argmax_a Q(s,a)", result.GreedyPolicy));
        }
        else
        {
            text.WriteLine($"greedy policy (state: action): {string.Join(" ", result.GreedyPolicy.Select((a, s) => $"{s}:{a}"))}");
        }
        text.WriteLine($"run folder {folder.Path} (`bellman eval {folder.Path}` repeats the evaluation of checkpoints/best)");
        text.Flush();
    }

    /// <summary>A tabular run's configuration, options and reporting, as config.yaml holds them.</summary>
    private sealed record TabularRun(RunConfig Config, TdControlOptions Options, TdControlReporting Reporting);

    private static (TabularRun Run, RunFolder Folder) PrepareNew(TdControlMethod method, string name, Settings settings)
    {
        var run = Resolve(method, name, settings);
        // Everything that can be wrong fails before the folder exists.
        var folder = RunFolder.CreateNew(settings.Out, name, run.Config.EnvId, run.Config.Seed, $"choose another --out, or continue it with `bellman train {name} --resume {settings.Out}`");
        RunFolder.WriteAtomic(folder.Config, run.Config.ToYaml());
        return (run, folder);
    }

    private static (TabularRun Run, RunFolder Folder) PrepareResume(string name, Settings settings)
    {
        if (settings.Env is not null || settings.Options.Length > 0 || settings.Episodes is not null || settings.Seed is not null || settings.Gamma is not null || settings.Alpha is not null
            || settings.Exploration is not null || settings.Epsilon is not null || settings.Temperature is not null || settings.MaxEpisodeSteps is not null || settings.EvalEpisodes is not null
            || settings.EvalFrequency is not null || settings.Out is not null)
            throw new CliException("--resume continues a run with its own configuration; only --json and --no-tensorboard may be given with it.");
        string path = settings.Resume!;
        var folder = new RunFolder(path);
        if (!File.Exists(folder.Config)) throw new CliException($"'{path}' is not a run folder: it has no config.yaml.");
        var (values, envOptions) = RunConfig.ReadYaml(folder.Config);
        string algo = values.GetValueOrDefault("algo") ?? throw new CliException($"{folder.Config} has no algo.");
        if (algo != name)
            throw new CliException(TdControl.MethodNamed(algo) is not null || AlgorithmCatalog.Find(algo) is not null || algo is "td-gammon"
                ? $"'{path}' is a {algo} run; resume it with `bellman train {algo} --resume {path}`."
                : $"'{path}' was made by '{algo}', not {name}.");
        if (!File.Exists(folder.Latest + ".json")) throw new CliException($"'{path}' has no checkpoint to resume from ({folder.Latest}.json).");
        folder.RequireInside(folder.Latest + ".json");
        string Get(string key) => values.GetValueOrDefault(key) ?? throw new CliException($"{folder.Config} has no {key}.");
        int? Int(string key)
        {
            string text = Get(key);
            if (text == "none") return null;
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new CliException($"{folder.Config}: {key} = '{text}' is not an integer.");
        }
        double gamma = double.TryParse(Get("gamma"), NumberStyles.Float, CultureInfo.InvariantCulture, out double g) ? g : throw new CliException($"{folder.Config}: gamma = '{Get("gamma")}' is not a number.");
        string exploration = Get("exploration");
        var stored = new Settings
        {
            Env = Get("env"),
            Options = [.. envOptions.Select(kv => $"{kv.Key}={kv.Value}")],
            Seed = Int("seed"),
            Episodes = Int("episodes"),
            Gamma = gamma,
            Alpha = Get("alpha"),
            Exploration = exploration,
            Epsilon = exploration == "epsilon" ? Get("epsilon") : null,
            Temperature = exploration == "boltzmann" ? Get("temperature") : null,
            MaxEpisodeSteps = Int("max_episode_steps"),
            EvalEpisodes = Int("eval_episodes"),
            EvalFrequency = Int("eval_freq"),
        };
        var method = TdControl.MethodNamed(name) ?? TdControlMethod.QLearning;
        var run = Resolve(method, name, stored, folder.Config);
        int logInterval = Int("log_interval") ?? throw new CliException($"{folder.Config}: log_interval must be an integer.");
        if (logInterval <= 0) throw new CliException($"{folder.Config}: log_interval = {logInterval} must be positive.");
        return (run with { Reporting = run.Reporting with { LogInterval = logInterval } }, folder);
    }

    /// <summary>The run's configuration from the settings (or a run's config.yaml, <paramref name="source"/>), checked against the environment.</summary>
    private static TabularRun Resolve(TdControlMethod method, string name, Settings settings, string? source = null)
    {
        string id = settings.RequireEnv();
        var envOptions = settings.ParseOptions();
        var env = EnvRegistry.Default.Make(id, envOptions);
        if (env.ObservationSpace is not Discrete || env.ActionSpace is not Discrete)
            throw new CliException($"{id} has observation space {env.ObservationSpace} and action space {env.ActionSpace}; tabular {name} needs Discrete observations and actions. Use `bellman train dqn --env {id}`.");
        int evalEpisodes = settings.EvalEpisodes ?? 1000;
        string where = source is null ? "" : source + ": ";
        if (evalEpisodes <= 0) throw new CliException($"{where}--eval-episodes must be positive; got {evalEpisodes}.");
        var defaults = TabularDefaults.For(id);
        var options = BuildOptions(method, settings, defaults);
        int seed = settings.Seed ?? 0;
        int evalFrequency = settings.EvalFrequency ?? Math.Max(1, options.Episodes / 10);
        if (evalFrequency < 0) throw new CliException($"{where}--eval-freq must be non-negative; got {evalFrequency}.");
        var reporting = new TdControlReporting
        {
            EvalFrequency = evalFrequency,
            EvalEpisodes = evalEpisodes,
            LogInterval = Math.Max(1, options.Episodes / 100),
            EvalSeed = Evaluation.SeedFor(seed),
        };
        try
        {
            options.Validate();
            reporting.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CliException($"{where}{name}: {BellmanApp.MessageOf(e)}");
        }
        var kind = options.Exploration is Boltzmann ? "boltzmann" : "epsilon";
        string Text(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        (string Key, string Value)[] values =
        [
            ("episodes", options.Episodes.ToString(CultureInfo.InvariantCulture)),
            ("gamma", Text(options.Gamma)),
            ("alpha", settings.Alpha ?? defaults.Alpha),
            ("exploration", kind),
            kind == "boltzmann" ? ("temperature", settings.Temperature ?? defaults.Temperature) : ("epsilon", settings.Epsilon ?? defaults.Epsilon),
            ("max_episode_steps", options.MaxEpisodeSteps is int cap ? cap.ToString(CultureInfo.InvariantCulture) : "none"),
            ("eval_episodes", evalEpisodes.ToString(CultureInfo.InvariantCulture)),
            ("eval_freq", evalFrequency.ToString(CultureInfo.InvariantCulture)),
            ("log_interval", reporting.LogInterval.ToString(CultureInfo.InvariantCulture)),
        ];
        var config = new RunConfig(name, id, seed, null, new Dictionary<string, string>(envOptions), values);
        return new TabularRun(config, options, reporting);
    }

    /// <summary>The distances of a learned Q to V*, or a note saying why they are not available.</summary>
    private sealed record ModelGap(PolicyGap? Gap, double? StartGap, double? OptimalStartValue, string? Note);

    private static ModelGap Compare(TabularView view, TdControlResult result, double gamma)
    {
        var model = view.Model;
        var options = new DpOptions { Gamma = gamma };
        var optimal = ValueIteration.Run(model, options);
        if (!optimal.Converged) return new ModelGap(null, null, null, $"value iteration {optimal.Status}");
        PolicyGap gap;
        try
        {
            gap = PolicyComparison.Compare(model, result.Q, optimal.Values, options);
        }
        catch (DidNotConvergeException e)
        {
            return new ModelGap(null, null, null, $"the greedy policy's evaluation {e.Message}");
        }
        double optimalStart = 0, greedyStart = 0;
        var initial = model.InitialDistribution;
        for (int s = 0; s < model.StateCount; s++)
        {
            optimalStart += initial[s] * optimal.Values[s];
            greedyStart += initial[s] * gap.GreedyValues[s];
        }
        return new ModelGap(gap, optimalStart - greedyStart, optimalStart, null);
    }

    /// <summary>The TD-control options from the settings, falling back on the environment's defaults.</summary>
    internal static TdControlOptions BuildOptions(TdControlMethod method, Settings settings, TabularDefaults defaults)
    {
        double gamma = settings.Gamma ?? defaults.Gamma;
        if (!(gamma >= 0 && gamma <= 1)) throw new CliException($"--gamma must lie in [0, 1]; got {gamma.ToString(CultureInfo.InvariantCulture)}.");
        int episodes = settings.Episodes ?? defaults.Episodes;
        if (episodes <= 0) throw new CliException($"--episodes must be positive; got {episodes}.");
        var alpha = ParseSchedule(settings.Alpha ?? defaults.Alpha, "--alpha", x => x > 0 && x <= 1, "(0, 1]");
        string kind = (settings.Exploration ?? "epsilon").ToLowerInvariant();
        if (kind is "epsilon" && settings.Temperature is not null)
            throw new CliException("--temperature applies to --exploration boltzmann; with ε-greedy exploration use --epsilon.");
        if (kind is "boltzmann" && settings.Epsilon is not null)
            throw new CliException("--epsilon applies to --exploration epsilon; with Boltzmann exploration use --temperature.");
        IExplorationStrategy exploration = kind switch
        {
            "epsilon" => new EpsilonGreedy(ParseSchedule(settings.Epsilon ?? defaults.Epsilon, "--epsilon", x => x >= 0 && x <= 1, "[0, 1]")),
            "boltzmann" => new Boltzmann(ParseSchedule(settings.Temperature ?? defaults.Temperature, "--temperature", x => x > 0 && double.IsFinite(x), "(0, ∞)")),
            _ => throw new CliException($"--exploration '{settings.Exploration}' is not known; choose epsilon or boltzmann."),
        };
        int? maxSteps = settings.MaxEpisodeSteps ?? defaults.MaxEpisodeSteps;
        if (maxSteps is <= 0) throw new CliException($"--max-episode-steps must be positive; got {maxSteps}.");
        return new TdControlOptions { Method = method, Episodes = episodes, Gamma = gamma, LearningRate = alpha, Exploration = exploration, MaxEpisodeSteps = maxSteps };
    }

    /// <summary>Parses a constant <c>x</c> or a linear schedule <c>start,end,fraction</c>; both ends must satisfy <paramref name="valid"/>.</summary>
    internal static Schedule ParseSchedule(string text, string flag, Func<double, bool> valid, string range)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                throw new CliException($"{flag} '{text}': '{parts[i]}' is not a number; give a constant or start,end,fraction.");
        if (parts.Length is not (1 or 3)) throw new CliException($"{flag} '{text}' must be a constant or start,end,fraction (three numbers).");
        for (int i = 0; i < Math.Min(2, values.Length); i++)
            if (!valid(values[i])) throw new CliException($"{flag} '{text}': {values[i].ToString(CultureInfo.InvariantCulture)} is outside {range}.");
        if (values.Length == 1) return Schedule.Constant(values[0]);
        if (!(values[2] >= 0 && values[2] <= 1)) throw new CliException($"{flag} '{text}': the fraction {values[2].ToString(CultureInfo.InvariantCulture)} is outside [0, 1].");
        return Schedule.Linear(values[0], values[1], values[2]);
    }

    private static string Number(double? value) => value is double v ? Format.Double(v) : "null";

    private static string Describe(Schedule schedule) => schedule switch
    {
        ConstantSchedule c => c.Value.ToString(CultureInfo.InvariantCulture),
        LinearSchedule l => string.Create(CultureInfo.InvariantCulture, $"{l.Start}→{l.End} over {l.Fraction:P0}"),
        _ => schedule.ToString(),
    };

    private static string DescribeExploration(IExplorationStrategy exploration) => exploration switch
    {
        EpsilonGreedy e => $"epsilon {Describe(e.Epsilon)}",
        Boltzmann b => $"temperature {Describe(b.Temperature)}",
        _ => exploration.ToString() ?? "",
    };
}

/// <summary>
/// The defaults of <c>bellman train q-learning|sarsa|expected-sarsa</c> for one environment; every value can
/// be overridden by its flag. Chosen so that Q-learning with seed 0 learns an optimal policy of deterministic
/// FrozenLake (<c>--option is_slippery=false</c>) and of CliffWalking-v1.
/// </summary>
/// <param name="Episodes">Training episodes.</param>
/// <param name="Gamma">The discount γ.</param>
/// <param name="Alpha">The learning rate: a constant or start,end,fraction.</param>
/// <param name="Epsilon">The ε-greedy schedule.</param>
/// <param name="Temperature">The Boltzmann temperature schedule.</param>
/// <param name="MaxEpisodeSteps">
/// A learner-side cap on training episodes (truncation, which bootstraps), for environments without a time
/// limit: with Q_0 = 0 and −1 per step, early CliffWalking episodes otherwise wander for a very long time.
/// </param>
public sealed record TabularDefaults(int Episodes, double Gamma, string Alpha, string Epsilon, string Temperature, int? MaxEpisodeSteps = null)
{
    /// <summary>The defaults for <paramref name="id"/> (TdControl's own for an environment not listed).</summary>
    public static TabularDefaults For(string id) => id switch
    {
        "FrozenLake-v1" => new(20_000, 0.99, "0.1,0.01,1", "1,0.05,0.5", "1,0.05,0.5"),
        "FrozenLake8x8-v1" => new(50_000, 0.99, "0.1,0.01,1", "1,0.05,0.5", "1,0.05,0.5"),
        // Sutton & Barto's Example 6.6: α = 0.5, constant ε = 0.1, 500 episodes (Q-learning learns the cliff-edge
        // path, SARSA the safe one). A decaying ε from 1 makes SARSA's early values so low that its greedy policy loops.
        "CliffWalking-v1" => new(500, 0.99, "0.5", "0.1", "1,0.05,0.5", 500),
        "CliffWalkingSlippery-v1" => new(5_000, 0.99, "0.5,0.05,1", "0.1", "1,0.05,0.5", 500),
        "Taxi-v4" => new(5_000, 0.99, "0.5", "1,0.05,0.5", "1,0.05,0.5"),
        "GridWorld-v0" => new(1_000, 0.99, "0.5", "1,0.05,0.5", "1,0.05,0.5"),
        _ => new(10_000, 0.99, "0.1", "1,0.05,0.5", "1,0.05,0.5"),
    };
}
