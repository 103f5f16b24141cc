using System.ComponentModel;
using Bellman.Cli.Infrastructure;
using Bellman.Core.Random;
using Bellman.Environments;
using Bellman.Environments.MinAtar;
using Bellman.Environments.Wrappers;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>
/// <c>bellman env render</c>: plays an episode of a MinAtar game, from given actions or a seeded random
/// policy, and draws every frame (the reset's first) in MinAtar's GUI colours (<see cref="MinAtarPalette"/>):
/// an animated GIF for <c>.gif</c>, else numbered PNG frames <c>name_0000.png</c>, ….
/// </summary>
public sealed class EnvRenderCommand(CliIO io) : Command<EnvRenderCommand.Settings>
{
    /// <summary>Settings of <c>env render</c>.</summary>
    public sealed class Settings : EnvSettings
    {
        /// <summary>The reset seed (and the random policy's).</summary>
        [CommandOption("--seed <N>")]
        [Description("Seed for Reset and for the random policy (default 0).")]
        public int Seed { get; init; }

        /// <summary>The actions as a JSON array; a random policy when absent.</summary>
        [CommandOption("--actions <JSON>")]
        [Description("Actions as a JSON array, e.g. [[0,1,1]]; without it a uniformly random policy plays.")]
        public string? Actions { get; init; }

        /// <summary>The step cap.</summary>
        [CommandOption("--max-steps <N>")]
        [Description("Stop after this many steps if the episode has not ended (default 500).")]
        public int MaxSteps { get; init; } = 500;

        /// <summary>The side of one grid cell in pixels.</summary>
        [CommandOption("--cell <PIXELS>")]
        [Description("Pixels per grid cell (default 24).")]
        public int Cell { get; init; } = 24;

        /// <summary>The output file.</summary>
        [CommandOption("--out <FILE>")]
        [Description("An animated .gif, or a .png name for numbered frames (default episode.gif).")]
        public string Out { get; init; } = "episode.gif";

        /// <inheritdoc/>
        public override Spectre.Console.ValidationResult Validate() =>
            MaxSteps <= 0 ? Spectre.Console.ValidationResult.Error($"--max-steps must be positive, got {MaxSteps}.")
            : Cell is <= 0 or > 256 ? Spectre.Console.ValidationResult.Error($"--cell must be in 1..256 pixels, got {Cell}.")
            : base.Validate();
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string id = settings.RequireEnv();
        var env = EnvRegistry.Default.Make(id, settings.ParseOptions());
        var minAtar = env.Find<MinAtarEnvironment>()
            ?? throw new CliException($"{id} has no grid to draw: env render draws MinAtar games (for example MinAtar/Breakout-v1); use `bellman env rollout` for the others.");
        var actions = settings.Actions is null ? null : EnvRolloutCommand.ParseActions(settings.Actions, env);
        var policy = new Rng(Rng.DeriveSeed((ulong)settings.Seed, 1));

        int channels = minAtar.Game.ChannelCount;
        var palette = MinAtarPalette.Colors(channels).Select(c => new Rgba32(c.R, c.G, c.B)).ToArray();
        var frames = new List<byte[]>();
        void Capture()
        {
            var cells = new byte[MinAtarGame.Size * MinAtarGame.Size];
            MinAtarPalette.CellColors(env.Observation, channels, cells);
            frames.Add(cells);
        }

        env.Reset(settings.Seed);
        Capture();
        double total = 0;
        int steps = 0;
        bool ended = false;
        int limit = actions is null ? settings.MaxSteps : Math.Min(actions.Count, settings.MaxSteps);
        var action = new float[1];
        while (steps < limit && !ended)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int a;
            if (actions is null)
            {
                env.ActionSpace.Sample(policy, action);
                a = (int)action[0];
            }
            else
            {
                if (actions[steps].Length != 1) throw new CliException($"--actions element {steps} is not one integer; {id} takes actions from {env.ActionSpace}.");
                a = (int)actions[steps][0];
            }
            var r = env.Step(a);
            total += r.Reward;
            ended = r.NeedsReset;
            steps++;
            Capture();
        }

        string written = Write(settings.Out, frames, palette, settings.Cell);
        io.Out.WriteLine($"{id}: {steps} steps, return {Format.Short(total)}{(ended ? ", episode ended" : "")}; wrote {written}");
        return 0;
    }

    private static string Write(string path, List<byte[]> frames, Rgba32[] palette, int cell)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir)) throw new CliException($"--out {path}: the folder {dir} does not exist.");
        if (Path.GetExtension(full).Equals(".gif", StringComparison.OrdinalIgnoreCase))
        {
            using var gif = Draw(frames[0], palette, cell);
            gif.Metadata.GetGifMetadata().RepeatCount = 0;
            gif.Frames.RootFrame.Metadata.GetGifMetadata().FrameDelay = 10;
            for (int i = 1; i < frames.Count; i++)
            {
                using var next = Draw(frames[i], palette, cell);
                var frame = gif.Frames.AddFrame(next.Frames.RootFrame);
                frame.Metadata.GetGifMetadata().FrameDelay = 10; // hundredths of a second
            }
            Save(gif, full, new GifEncoder());
            return $"{full} ({frames.Count} frames)";
        }
        string stem = Path.Combine(dir ?? ".", Path.GetFileNameWithoutExtension(full));
        for (int i = 0; i < frames.Count; i++)
        {
            using var png = Draw(frames[i], palette, cell);
            Save(png, $"{stem}_{i:D4}.png", new PngEncoder());
        }
        return $"{frames.Count} PNG frames {stem}_0000.png..{stem}_{frames.Count - 1:D4}.png";
    }

    private static Image<Rgba32> Draw(byte[] cells, Rgba32[] palette, int cell)
    {
        int side = MinAtarGame.Size * cell;
        var image = new Image<Rgba32>(side, side);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < side; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < side; x++) row[x] = palette[cells[(y / cell * MinAtarGame.Size) + (x / cell)]];
            }
        });
        return image;
    }

    private static void Save(Image image, string path, SixLabors.ImageSharp.Formats.IImageEncoder encoder)
    {
        Infrastructure.OutputFile.Write(path, stream => image.Save(stream, encoder));
    }
}
