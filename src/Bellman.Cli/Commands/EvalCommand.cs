using System.ComponentModel;
using System.Globalization;
using Bellman.Algorithms.Tabular;
using Bellman.Algorithms.Training;
using Bellman.Cli.Infrastructure;
using Bellman.Cli.Runs;
using Bellman.Environments;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary><c>bellman eval RUN_OR_CHECKPOINT</c>: runs the greedy policy of a run's best (else latest) checkpoint, or of a given checkpoint.</summary>
public sealed class EvalCommand(CliIO io) : Command<EvalCommand.Settings>
{
    /// <summary>Settings of <c>eval</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>A run folder or a checkpoint path.</summary>
        [CommandArgument(0, "<RUN_OR_CHECKPOINT>")]
        [Description("A run folder (uses checkpoints/best, else latest) or a checkpoint (…/latest or …/latest.safetensors).")]
        public string Target { get; init; } = "";

        /// <summary>Episodes.</summary>
        [CommandOption("--episodes <N>")]
        [Description("Episodes to run (default: the run's eval_episodes, as its own evaluations).")]
        public int? Episodes { get; init; }

        /// <summary>Seed of the first episode.</summary>
        [CommandOption("--seed <N>")]
        [Description("Episode k resets with seed + k (default: the seeds of the run's own evaluations, run seed + 1000000, so that the figures match eval.csv and summary.json).")]
        public int? Seed { get; init; }

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print one JSON object: mean_return, std_return, episodes, returns.")]
        public bool Json { get; init; }

        /// <inheritdoc/>
        public override Spectre.Console.ValidationResult Validate() =>
            Episodes <= 0 ? Spectre.Console.ValidationResult.Error($"--episodes must be positive, got {Episodes}.") : base.Validate();
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string prefix = ResolveCheckpoint(settings.Target);
        var meta = Algorithm.ReadMetadata(prefix);
        var env = EnvRegistry.Default.Make(meta.Env, meta.EnvOptions);
        int seed = settings.Seed ?? Evaluation.SeedFor(meta.Seed);
        EvaluationRecord result;
        if (TdControl.MethodNamed(meta.Algo) is not null)
        {
            // A tabular run: its greedy policy, evaluated as its training evaluated it (same seeds, same step cap).
            var policy = TdControlRun.ReadGreedyPolicy(prefix, out _);
            int episodes = settings.Episodes ?? (meta.Options.TryGetValue("eval_episodes", out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n
                : throw new CliException($"{AgentCheckpoint.PathsFor(prefix).Sidecar}: its options have no positive eval_episodes; give --episodes."));
            if (seed < 0) throw new CliException($"--seed must be non-negative; got {seed}.");
            var summary = PolicyRollout.EvaluateSeeded(env, policy, episodes, seed);
            result = new EvaluationRecord(meta.Step, summary.Mean, summary.Std, summary.Returns);
        }
        else
        {
            using var algorithm = Algorithm.Load(prefix);
            int episodes = settings.Episodes ?? algorithm.Options.EvalEpisodes;
            result = Evaluation.Run(env, algorithm.Agent.Greedy, episodes, seed, meta.Step, cancellationToken);
        }
        if (settings.Json)
        {
            io.Out.WriteLine("{" + string.Create(CultureInfo.InvariantCulture,
                $"\"mean_return\":{Format.Double(result.MeanReturn)},\"std_return\":{Format.Double(result.StdReturn)},\"episodes\":{result.Returns.Count},\"returns\":{Format.DoubleArray(result.Returns.ToArray())},\"env\":\"{meta.Env}\",\"step\":{meta.Step}") + "}");
        }
        else
        {
            io.Out.WriteLine($"{meta.Env}: greedy policy of {prefix} (trained {meta.Step} steps)");
            for (int k = 0; k < result.Returns.Count; k++)
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"episode {k + 1} (seed {seed + k}): return {Format.Short(result.Returns[k])}"));
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean return {Format.MeanStd(result.MeanReturn, result.StdReturn, 3)} over {result.Returns.Count} episodes"));
        }
        return 0;
    }

    /// <summary>The checkpoint prefix of a run folder (best, else latest) or of a checkpoint path; a clear error otherwise.</summary>
    internal static string ResolveCheckpoint(string target)
    {
        if (Directory.Exists(target) && File.Exists(Path.Combine(target, "config.yaml")))
        {
            var folder = new RunFolder(target);
            foreach (string prefix in (string[])[folder.Best, folder.Latest])
            {
                if (!File.Exists(prefix + ".json")) continue;
                folder.RequireInside(prefix + ".json");
                folder.RequireInside(prefix + ".safetensors");
                return prefix;
            }
            throw new CliException($"Run '{target}' has no checkpoint yet.");
        }
        var (tensors, sidecar) = AgentCheckpoint.PathsFor(target);
        if (!File.Exists(sidecar) || !File.Exists(tensors))
            throw new CliException($"'{target}' is neither a run folder nor a checkpoint (looked for {tensors} and {sidecar}).");
        return Path.ChangeExtension(tensors, null);
    }
}
