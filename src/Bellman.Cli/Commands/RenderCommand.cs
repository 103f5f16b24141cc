using System.ComponentModel;
using System.Globalization;
using Bellman.Algorithms.Training;
using Bellman.Cli.Infrastructure;
using Bellman.Core.Environments;
using Bellman.Cli.Rendering;
using Bellman.Core.Random;
using Bellman.Environments;
using Bellman.Environments.Rendering;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>
/// <c>bellman render</c>: draws episodes as Gymnasium's <c>rgb_array</c> mode does, with the step, the return
/// so far and the action in the corner, into a GIF, a PNG strip or a folder of PNGs. The policy is uniformly
/// random (seeded); an agent's policy plugs into <see cref="EpisodeVideo.Write"/>.
/// </summary>
public sealed class RenderCommand(CliIO io) : Command<RenderCommand.Settings>
{
    /// <summary>Settings of <c>render</c>.</summary>
    public sealed class Settings : EnvSettings
    {
        /// <summary>A run folder or checkpoint whose greedy policy to draw (else a random policy on --env).</summary>
        [CommandArgument(0, "[RUN_OR_CHECKPOINT]")]
        [Description("A run folder (its best, else latest checkpoint) or a checkpoint: draws that agent's greedy policy on its own environment. Without it, a random policy on --env.")]
        public string? Target { get; init; }

        /// <summary>The number of episodes.</summary>
        [CommandOption("--episodes <N>")]
        [Description("Number of episodes (default 1).")]
        public int Episodes { get; init; } = 1;

        /// <summary>The seed.</summary>
        [CommandOption("--seed <N>")]
        [Description("Seed (default 0): episode i resets with seed + i; random actions come from a generator seeded with it.")]
        public int Seed { get; init; }

        /// <summary>The output.</summary>
        [CommandOption("--out <PATH>")]
        [Description("episode.gif (animated), strip.png (evenly spaced frames) or a folder (one PNG per frame).")]
        public string? Out { get; init; }

        /// <summary>Keep every k-th frame.</summary>
        [CommandOption("--every <K>")]
        [Description("Keep every K-th frame (default 1; the last frame of each episode is always kept).")]
        public int Every { get; init; } = 1;

        /// <summary>Step cap per episode.</summary>
        [CommandOption("--max-steps <N>")]
        [Description("Cut each episode after N steps (default 1000).")]
        public int MaxSteps { get; init; } = 1000;

        /// <summary>Frames in a PNG strip.</summary>
        [CommandOption("--strip-frames <N>")]
        [Description("Frames in a .png strip (default 10).")]
        public int StripFrames { get; init; } = 10;

        /// <inheritdoc/>
        public override Spectre.Console.ValidationResult Validate() =>
            Episodes <= 0 ? Spectre.Console.ValidationResult.Error($"--episodes must be positive, got {Episodes}.")
            : Every <= 0 ? Spectre.Console.ValidationResult.Error($"--every must be positive, got {Every}.")
            : MaxSteps <= 0 ? Spectre.Console.ValidationResult.Error($"--max-steps must be positive, got {MaxSteps}.")
            : StripFrames <= 0 ? Spectre.Console.ValidationResult.Error($"--strip-frames must be positive, got {StripFrames}.")
            : base.Validate();
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string output = string.IsNullOrWhiteSpace(settings.Out) ? throw new CliException("--out is required: episode.gif, strip.png or a folder name.") : settings.Out;
        Algorithm? agent = null;
        IEnvironment env;
        if (settings.Target is not null)
        {
            if (settings.Env is not null) throw new CliException("A run or checkpoint brings its own environment; leave out --env.");
            string prefix = EvalCommand.ResolveCheckpoint(settings.Target);
            var meta = Algorithm.ReadMetadata(prefix);
            agent = Algorithm.Load(prefix);
            env = EnvRegistry.Default.Make(meta.Env, meta.EnvOptions);
        }
        else env = EnvRegistry.Default.Make(settings.RequireEnv(), settings.ParseOptions());
        using var _ = agent;
        if (!EnvironmentRenderers.CanRender(env))
            throw new CliException($"{env.Name} cannot be drawn; environments with a renderer: {string.Join(", ", EnvironmentRenderers.Supported)}.");
        var rng = new Rng(Rng.DeriveSeed((ulong)settings.Seed, 1));
        Action<ReadOnlySpan<float>, Span<float>> policy = agent is null ? (_, action) => env.ActionSpace.Sample(rng, action) : agent.Agent.Greedy;
        var result = EpisodeVideo.Write(env, policy, output, settings.Episodes, settings.Seed,
            settings.Every, settings.MaxSteps, settings.StripFrames, cancellationToken);
        for (int k = 0; k < result.Returns.Count; k++)
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"episode {k + 1}: return {Format.Short(result.Returns[k])}"));
        io.Out.WriteLine(result.Summary);
        return 0;
    }
}
