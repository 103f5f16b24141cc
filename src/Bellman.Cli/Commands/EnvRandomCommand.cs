using System.ComponentModel;
using System.Globalization;
using Bellman.Algorithms.Training;
using Bellman.Cli.Infrastructure;
using Bellman.Core.Random;
using Bellman.Environments;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary><c>bellman env random</c>: episodes under a uniformly random policy, with their returns.</summary>
public sealed class EnvRandomCommand(CliIO io) : Command<EnvRandomCommand.Settings>
{
    /// <summary>Settings of <c>env random</c>.</summary>
    public sealed class Settings : EnvSettings
    {
        /// <summary>The number of episodes.</summary>
        [CommandOption("--episodes <N>")]
        [Description("Number of episodes (default 10).")]
        public int Episodes { get; init; } = 10;

        /// <summary>The seed of the first episode and of the policy.</summary>
        [CommandOption("--seed <N>")]
        [Description("Seed (default 0): episode i resets with seed + i; actions come from a generator seeded with it.")]
        public int Seed { get; init; }

        /// <inheritdoc/>
        public override Spectre.Console.ValidationResult Validate() =>
            Episodes <= 0 ? Spectre.Console.ValidationResult.Error($"--episodes must be positive, got {Episodes}.") : base.Validate();
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string id = settings.RequireEnv();
        var env = EnvRegistry.Default.Make(id, settings.ParseOptions());
        var policy = new Rng(Rng.DeriveSeed((ulong)settings.Seed, 1));
        io.Out.WriteLine($"{id}: random policy, {settings.Episodes} episodes, seed {settings.Seed}");
        var result = Evaluation.Run(env, (_, action) => env.ActionSpace.Sample(policy, action), settings.Episodes, settings.Seed, cancellation: cancellationToken);
        for (int k = 0; k < result.Returns.Count; k++)
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"episode {k + 1}: return {Format.Short(result.Returns[k])}"));
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean return {Format.MeanStd(result.MeanReturn, result.StdReturn, 3)} over {result.Returns.Count} episodes"));
        return 0;
    }
}
