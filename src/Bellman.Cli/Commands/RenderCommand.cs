using System.ComponentModel;
using System.Globalization;
using Bellman.Cli.Infrastructure;
using Bellman.Cli.Rendering;
using Bellman.Core.Random;
using Bellman.Environments;
using Bellman.Environments.Rendering;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>
/// <c>bellman render</c>: draws episodes as Gymnasium's <c>rgb_array</c> mode does, with the step, the return
/// so far and the action in the corner, into a GIF, a PNG strip or a folder of PNGs. The policy is uniformly
/// random (seeded); an agent's policy plugs into <see cref="Record"/>.
/// </summary>
public sealed class RenderCommand(CliIO io) : Command<RenderCommand.Settings>
{
    /// <summary>Settings of <c>render</c>.</summary>
    public sealed class Settings : EnvSettings
    {
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
        string id = settings.RequireEnv();
        string output = string.IsNullOrWhiteSpace(settings.Out) ? throw new CliException("--out is required: episode.gif, strip.png or a folder name.") : settings.Out;
        var env = EnvRegistry.Default.Make(id, settings.ParseOptions());
        if (!EnvironmentRenderers.CanRender(env))
            throw new CliException($"{id} cannot be drawn; environments with a renderer: {string.Join(", ", EnvironmentRenderers.Supported)}.");
        var rng = new Rng(Rng.DeriveSeed((ulong)settings.Seed, 1));
        var recorder = new EpisodeRecorder(env);
        using var writer = FrameWriter.For(output, EnvironmentRenderers.Create(env).FramesPerSecond, settings.StripFrames);
        var returns = Record(recorder, (_, action) => env.ActionSpace.Sample(rng, action), settings.Episodes, settings.Seed, writer, settings.Every, settings.MaxSteps, cancellationToken);
        for (int k = 0; k < returns.Count; k++)
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"episode {k + 1}: return {returns[k]:0.###}"));
        io.Out.WriteLine(writer.Complete());
        return 0;
    }

    /// <summary>
    /// Records episodes of <paramref name="policy"/> with the corner text into <paramref name="writer"/>,
    /// keeping every <paramref name="every"/>-th frame and each episode's last; returns the episodes' returns.
    /// The run folder's end-of-training GIF and a checkpoint's render call this with the agent's greedy policy.
    /// </summary>
    public static IReadOnlyList<double> Record(EpisodeRecorder recorder, Action<ReadOnlySpan<float>, Span<float>> policy, int episodes, int seed,
        FrameWriter writer, int every = 1, int maxSteps = 1000, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(writer);
        return recorder.Record(policy, episodes, seed, frame =>
        {
            if (frame.Step % every != 0 && !frame.Terminated && !frame.Truncated) return;
            FrameOverlay.Draw(frame);
            writer.Add(frame.Frame);
        }, maxSteps, cancellation);
    }
}
