using System.ComponentModel;
using System.Globalization;
using Bellman.Cli.Infrastructure;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
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
        var action = new float[env.ActionSpace.FlatSize];
        var returns = new List<double>();
        io.Out.WriteLine($"{id}: random policy, {settings.Episodes} episodes, seed {settings.Seed}");
        for (int episode = 0; episode < settings.Episodes && !cancellationToken.IsCancellationRequested; episode++)
        {
            env.Reset(settings.Seed + episode);
            double total = 0;
            int length = 0;
            while (true)
            {
                env.ActionSpace.Sample(policy, action);
                var r = env.ActionSpace is Discrete ? env.Step((int)action[0]) : env.Step(action);
                total += r.Reward;
                length++;
                if (r.Terminated || r.Truncated) break;
            }
            returns.Add(total);
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"episode {episode + 1}: return {total:0.###} length {length}"));
        }
        double mean = returns.Average();
        double std = Math.Sqrt(returns.Sum(x => (x - mean) * (x - mean)) / returns.Count);
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean return {mean:0.###} ± {std:0.###} over {returns.Count} episodes"));
        return 0;
    }
}
