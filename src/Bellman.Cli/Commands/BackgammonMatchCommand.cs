using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Bellman.Backgammon;
using Bellman.Backgammon.Agents;
using Bellman.Backgammon.Gnubg;
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

        /// <summary>Games to have gnubg rate.</summary>
        [CommandOption("--rate <N>")]
        [Description("After the match, gnubg analyses the agent's moves in the first N games (cubeless chequer play) and reports its error rate (mEMG per unforced move, PR); skipped with a message when gnubg is absent. Default 0: no rating.")]
        public int Rate { get; init; }

        /// <summary>Look-ahead of the rating.</summary>
        [CommandOption("--rate-plies <N>")]
        [Description("Plies of gnubg's analysis for --rate (default 0, gnubg's 0-ply evaluator; 2 is its world-class depth and far slower).")]
        public int RatePlies { get; init; }

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print one JSON object.")]
        public bool Json { get; init; }

        /// <inheritdoc/>
        public override Spectre.Console.ValidationResult Validate()
        {
            if (Games <= 0) return Spectre.Console.ValidationResult.Error($"--games must be positive, got {Games}.");
            if (Rate < 0) return Spectre.Console.ValidationResult.Error($"--rate must be a non-negative number of games, got {Rate}.");
            if (RatePlies is < 0 or > 4) return Spectre.Console.ValidationResult.Error($"--rate-plies must be in 0..4, got {RatePlies}.");
            return base.Validate();
        }
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
            match.OnPlay += (player, before, dice, play) => mat.AddTurn(player, before, dice, play);
            match.OnGameEnd += outcome => { if (outcome.Winner >= 0) mat.EndGame(outcome.Winner, outcome.Points); };
        }
        GameRecorder? recorder = null;
        string? rateSkipped = null;
        if (settings.Rate > 0)
        {
            if (GnubgPlayer.Locate() is null) rateSkipped = "GNU Backgammon is not installed (Debian/Ubuntu: apt-get install gnubg, or set BELLMAN_GNUBG)";
            else
            {
                recorder = new GameRecorder();
                int recorded = 0;
                match.OnPlay += (player, before, dice, play) => { if (recorded < settings.Rate) recorder.OnPlay(player, before, dice, play); };
                match.OnGameEnd += outcome => { if (recorded++ < settings.Rate) recorder.OnGameEnd(outcome); };
            }
        }
        var result = match.Play(agent, opponent, settings.Games, new Rng(Rng.DeriveSeed(seed, 3)), cancellationToken);
        if (mat is not null) Runs.RunFolder.WriteAtomic(settings.Save!, mat.ToString());
        var rating = recorder is null ? null : RateGames(recorder, settings.RatePlies, cancellationToken);
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
                rating = rating is null ? null : new
                {
                    games = rating.Games,
                    plies = settings.RatePlies,
                    agent = RatingJson(rating.Agent),
                    opponent = RatingJson(rating.Opponent),
                },
                rating_skipped = rateSkipped,
            }));
        }
        else
        {
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{agent.Name} vs {opponent.Name}: {result.Games} games, won {result.Wins} ({result.WinRate:P1}, 95% interval {lo:P1} to {hi:P1}), {result.PointsPerGame:+0.000;-0.000} points per game"));
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  gammons won {result.Gammons}, backgammons won {result.Backgammons}; gammons lost {result.LostGammons}, backgammons lost {result.LostBackgammons}"));
            if (rating is not null)
            {
                foreach (var (who, r) in new[] { (agent.Name, rating.Agent), (opponent.Name, rating.Opponent) })
                    io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  gnubg rating ({rating.Games} games, {settings.RatePlies}-ply, cubeless) of {who}: {r.MilliEmg:0.0} mEMG per unforced move (PR {r.Pr:0.0}), {r.UnforcedMoves} unforced of {r.TotalMoves} moves"));
            }
            if (rateSkipped is not null) io.Out.WriteLine($"  gnubg rating skipped: {rateSkipped}.");
        }
        return 0;
    }

    /// <summary>gnubg's ratings of both sides over the recorded games (the agent is the match's player 0).</summary>
    private sealed record MatchRating(int Games, GnubgRating Agent, GnubgRating Opponent);

    private static MatchRating RateGames(GameRecorder recorder, int plies, CancellationToken cancellationToken)
    {
        GnubgPlayer gnubg;
        try { gnubg = GnubgPlayer.Start(GnubgLevel.Parse("expert")); }
        catch (FileNotFoundException e) { throw new CliException(e.Message); }
        using (gnubg)
        {
            GnubgRating agent = GnubgRating.Zero, opponent = GnubgRating.Zero;
            int games = 0;
            foreach (var (first, turns, outcome) in recorder.Games)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (outcome.Winner < 0) continue; // an unfinished game has no gnubg record
                var (p0, p1) = gnubg.Rate(first, turns, plies);
                agent += p0;
                opponent += p1;
                games++;
            }
            return new MatchRating(games, agent, opponent);
        }
    }

    private static object RatingJson(GnubgRating r) => new
    {
        total_moves = r.TotalMoves,
        unforced_moves = r.UnforcedMoves,
        error_skill = r.ErrorSkill,
        error_rate_memg = r.MilliEmg,
        pr = r.Pr,
    };

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
