using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Bellman.Backgammon;
using Bellman.Backgammon.Agents;
using Bellman.Backgammon.TdGammon;
using Bellman.Cli.Infrastructure;
using Bellman.Core.Random;
using Bellman.Core.Text;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>
/// <c>bellman backgammon match</c>: single cubeless money games (gammons and backgammons count) between a
/// trained TD-Gammon run and an opponent, the starter alternating; reports the win rate with its Wilson
/// 95% interval and the points per game.
/// </summary>
public sealed class BackgammonMatchCommand(CliIO io) : Command<BackgammonMatchCommand.Settings>
{
    /// <summary>Settings of <c>backgammon match</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>The agent.</summary>
        [CommandOption("--agent <RUN>")]
        [Description("A td-gammon run folder or checkpoint path (or a built-in player: random, pubeval, pipcount).")]
        public string? Agent { get; init; }

        /// <summary>The opponent.</summary>
        [CommandOption("--opponent <NAME>")]
        [Description("random, pubeval, pipcount, gnubg[[:LEVEL]], or another run folder (default pubeval).")]
        public string Opponent { get; init; } = "pubeval";

        /// <summary>Games.</summary>
        [CommandOption("--games <N>")]
        [Description("Games to play (default 1000).")]
        public int Games { get; init; } = 1000;

        /// <summary>The seed.</summary>
        [CommandOption("--seed <N>")]
        [Description("Seed of the dice and of the random player (default 0).")]
        public int Seed { get; init; }

        /// <summary>Save the games.</summary>
        [CommandOption("--save <FILE>")]
        [Description("Write every game to FILE in the Jellyfish .mat format gnubg imports (import mat FILE; analyse match).")]
        public string? Save { get; init; }

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print one JSON object.")]
        public bool Json { get; init; }

        /// <inheritdoc/>
        public override Spectre.Console.ValidationResult Validate() =>
            Games <= 0 ? Spectre.Console.ValidationResult.Error($"--games must be positive, got {Games}.") : base.Validate();
    }

    internal static readonly string[] BuiltIns = ["random", "pubeval", "pipcount", "gnubg"];

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Agent)) throw new CliException("Give --agent <RUN>, a folder written by 'bellman train td-gammon'.");
        ulong seed = (ulong)settings.Seed;
        using var disposables = new AgentScope();
        var agent = ParseAgent(settings.Agent, "--agent", new Rng(Rng.DeriveSeed(seed, 1)), disposables);
        var opponent = ParseAgent(settings.Opponent, "--opponent", new Rng(Rng.DeriveSeed(seed, 2)), disposables);
        var match = new Match();
        MatFile? mat = null;
        if (settings.Save is not null)
        {
            mat = new MatFile(agent.Name, opponent.Name);
            match.OnPlay = (player, before, dice, play) => mat.AddTurn(player, before, dice, play);
            match.OnGameEnd = outcome => { if (outcome.Winner >= 0) mat.EndGame(outcome.Winner, outcome.Points); };
        }
        var result = match.Play(agent, opponent, settings.Games, new Rng(Rng.DeriveSeed(seed, 3)), cancellationToken);
        if (mat is not null) Runs.RunFolder.WriteAtomic(settings.Save!, mat.ToString());
        var (lo, hi) = result.WinRateInterval95;
        if (settings.Json)
        {
            io.Out.WriteLine(JsonSerializer.Serialize(new
            {
                agent = settings.Agent,
                opponent = settings.Opponent,
                games = result.Games,
                wins = result.Wins,
                losses = result.Finished - result.Wins,
                win_rate = result.WinRate,
                win_rate_ci95 = new[] { lo, hi },
                points = result.Points,
                points_per_game = result.PointsPerGame,
                gammons_won = result.Gammons,
                backgammons_won = result.Backgammons,
                gammons_lost = result.LostGammons,
                backgammons_lost = result.LostBackgammons,
                unfinished = result.Unfinished,
                seed = settings.Seed,
            }));
        }
        else
        {
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{agent.Name} vs {opponent.Name}: {result.Games} games, won {result.Wins} ({result.WinRate:P1}, 95% interval {lo:P1} to {hi:P1}), {result.PointsPerGame:+0.000;-0.000} points per game"));
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  gammons won {result.Gammons}, backgammons won {result.Backgammons}; gammons lost {result.LostGammons}, backgammons lost {result.LostBackgammons}"));
        }
        return 0;
    }

    /// <summary>Owns agents that hold processes (gnubg) for the duration of a command.</summary>
    internal sealed class AgentScope : IDisposable
    {
        public List<IDisposable> Items { get; } = [];

        public void Dispose()
        {
            foreach (var d in Items) d.Dispose();
        }
    }

    /// <summary>A built-in player, or a TD-Gammon network from a run folder or checkpoint path.</summary>
    internal static IBackgammonAgent ParseAgent(string spec, string option, Rng rng, AgentScope scope)
    {
        string name = spec.Trim();
        string lower = name.ToLowerInvariant();
        switch (lower)
        {
            case "random": return new RandomAgent(rng);
            case "pubeval": return new PubEval();
            case "pipcount": return new PipCountAgent();
        }
        if (lower == "gnubg" || lower.StartsWith("gnubg:", StringComparison.Ordinal))
        {
            var gnubg = GnubgOpponentFactory.Create(lower.Length > 6 ? lower[6..] : "expert");
            scope.Items.Add(gnubg);
            return gnubg;
        }
        string checkpoint = Directory.Exists(name) ? Path.Combine(name, "checkpoint") : name;
        if (!File.Exists(Bellman.Nn.Serialization.Checkpoint.PathsFor(checkpoint).Json))
        {
            string near = Suggestions.DidYouMean(lower, BuiltIns, 1);
            throw new CliException($"{option} '{spec}' is neither a built-in player ({string.Join(", ", BuiltIns)}) nor a run folder with a checkpoint; {near}");
        }
        var (network, meta) = TdGammonCheckpoint.Load(checkpoint);
        return new TdGammonAgent(network, string.Create(CultureInfo.InvariantCulture, $"td-gammon({meta.Games} games)"));
    }
}
