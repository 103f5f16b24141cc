using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Bellman.Backgammon.Agents;
using Bellman.Backgammon.TdGammon;
using Bellman.Cli.Infrastructure;
using Bellman.Cli.Runs;
using Bellman.Core.Random;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>
/// <c>bellman train td-gammon</c>: TD(λ) self-play (Tesauro 1992). Writes a run folder: config.json,
/// metrics.csv (training speed and strength against random and pubeval at each evaluation), the
/// checkpoint (safetensors + JSON, resumable) and summary.json.
/// </summary>
public sealed class BackgammonTrainCommand(CliIO io) : Command<BackgammonTrainCommand.Settings>
{
    /// <summary>Settings of <c>train td-gammon</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Games to train.</summary>
        [CommandOption("--games <N>")]
        [Description("Self-play games to train (default 10000); with --resume, games to add.")]
        public int Games { get; init; } = 10_000;

        /// <summary>The run folder.</summary>
        [CommandOption("--out <DIR>")]
        [Description("Run folder (default runs/td-gammon-s<seed>, numbered if it exists).")]
        public string? Out { get; init; }

        /// <summary>Continue a run.</summary>
        [CommandOption("--resume <RUN>")]
        [Description("Continue the run in this folder (its weights, game count and dice); writes back into it unless --out is given.")]
        public string? Resume { get; init; }

        /// <summary>The seed.</summary>
        [CommandOption("--seed <N>")]
        [Description("Seed of the initial weights and the dice (default 0).")]
        public int Seed { get; init; }

        /// <summary>Hidden units.</summary>
        [CommandOption("--hidden <N>")]
        [Description("Hidden sigmoid units (default 40; Tesauro used 40 and 80).")]
        public int Hidden { get; init; } = 40;

        /// <summary>Outputs.</summary>
        [CommandOption("--outputs <N>")]
        [Description("1: P(win) (TD-Gammon 1.0, default); 5: gnubg's P(win), P(win gammon), P(win backgammon), P(lose gammon), P(lose backgammon), moves chosen by cubeless money equity.")]
        public int Outputs { get; init; } = 1;

        /// <summary>α.</summary>
        [CommandOption("--alpha <X>")]
        [Description("Step size alpha (default 0.1).")]
        public float Alpha { get; init; } = 0.1f;

        /// <summary>λ.</summary>
        [CommandOption("--lambda <X>")]
        [Description("Trace decay lambda (default 0.7).")]
        public float Lambda { get; init; } = 0.7f;

        /// <summary>Evaluation interval.</summary>
        [CommandOption("--eval-every <N>")]
        [Description("Evaluate and checkpoint every N games (default: a tenth of --games, at least 1).")]
        public int? EvalEvery { get; init; }

        /// <summary>Evaluation games.</summary>
        [CommandOption("--eval-games <N>")]
        [Description("Games against random and against pubeval at each evaluation (default 200; 0 skips).")]
        public int EvalGames { get; init; } = 200;

        /// <inheritdoc/>
        public override Spectre.Console.ValidationResult Validate()
        {
            if (Games < 0) return Spectre.Console.ValidationResult.Error($"--games must be non-negative, got {Games}.");
            if (EvalEvery is <= 0) return Spectre.Console.ValidationResult.Error($"--eval-every must be positive, got {EvalEvery}.");
            if (EvalGames < 0) return Spectre.Console.ValidationResult.Error($"--eval-games must be non-negative, got {EvalGames}.");
            return base.Validate();
        }
    }

    private const string MetricsHeader = "games,train_seconds,games_per_second,win_rate_random,points_per_game_random,win_rate_pubeval,points_per_game_pubeval";

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        TdGammonTrainer trainer;
        string dir;
        if (settings.Resume is not null)
        {
            string checkpoint = Path.Combine(settings.Resume, "checkpoint");
            if (!File.Exists(checkpoint + ".json")) throw new CliException($"--resume '{settings.Resume}' holds no TD-Gammon checkpoint (checkpoint.json).");
            trainer = TdGammonCheckpoint.Resume(checkpoint);
            dir = settings.Out ?? settings.Resume;
        }
        else
        {
            var options = new TdGammonOptions { Hidden = settings.Hidden, Outputs = settings.Outputs, Alpha = settings.Alpha, Lambda = settings.Lambda, Seed = (ulong)settings.Seed };
            try { options.Validate(); }
            catch (ArgumentException e) { throw new CliException($"--{e.Message}"); }
            trainer = new TdGammonTrainer(options);
            dir = settings.Out ?? NewRunName(settings.Seed);
        }
        Directory.CreateDirectory(dir);
        string metrics = Path.Combine(dir, "metrics.csv");
        if (settings.Resume is null || !File.Exists(metrics)) RunFolder.WriteAtomic(metrics, MetricsHeader + "\n");
        RunFolder.WriteAtomic(Path.Combine(dir, "config.json"), JsonSerializer.Serialize(new
        {
            algorithm = "td-gammon",
            hidden = trainer.Options.Hidden,
            alpha = trainer.Options.Alpha,
            lambda = trainer.Options.Lambda,
            gamma = 1,
            seed = trainer.Options.Seed,
            encoding = "tesauro-198",
            outputs = trainer.Options.Outputs == 1 ? "P(white wins)" : "P(win), P(win gammon), P(win backgammon), P(lose gammon), P(lose backgammon)",
            move_choice = trainer.Options.Outputs == 1 ? "max P(win)" : "max cubeless money equity",
        }, new JsonSerializerOptions { WriteIndented = true }));

        int every = settings.EvalEvery ?? Math.Max(1, settings.Games / 10);
        long target = trainer.Games + settings.Games;
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"td-gammon: {settings.Games} self-play games ({trainer.Options.Hidden} hidden, {trainer.Options.Outputs} output{(trainer.Options.Outputs == 1 ? "" : "s")}, alpha {trainer.Options.Alpha}, lambda {trainer.Options.Lambda}, seed {trainer.Options.Seed}) -> {dir}"));
        var clock = new Stopwatch();
        double seconds = 0;
        long start = trainer.Games;
        string? lastRow = null;
        while (trainer.Games < target)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long chunkEnd = Math.Min(target, trainer.Games + every);
            clock.Restart();
            while (trainer.Games < chunkEnd) trainer.PlayGame();
            seconds += clock.Elapsed.TotalSeconds;
            trainer.TrainSeconds += clock.Elapsed.TotalSeconds;
            lastRow = Evaluate(trainer, settings.EvalGames, seconds, trainer.Games - start);
            File.AppendAllText(metrics, lastRow + "\n");
            TdGammonCheckpoint.Save(Path.Combine(dir, "checkpoint"), trainer);
        }
        if (settings.Games == 0) TdGammonCheckpoint.Save(Path.Combine(dir, "checkpoint"), trainer);
        double rate = seconds > 0 ? (trainer.Games - start) / seconds : 0;
        RunFolder.WriteAtomic(Path.Combine(dir, "summary.json"), JsonSerializer.Serialize(new
        {
            games = trainer.Games,
            train_seconds = trainer.TrainSeconds,
            games_per_second = rate,
            last_metrics = lastRow,
        }, new JsonSerializerOptions { WriteIndented = true }));
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done: {trainer.Games} games in total, {rate:0} games/s; checkpoint {Path.Combine(dir, "checkpoint")}.safetensors"));
        return 0;
    }

    private string Evaluate(TdGammonTrainer trainer, int games, double seconds, long trained)
    {
        // train_seconds is the run's total (across resumes); games_per_second is this invocation's.
        var row = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{trainer.Games},{trainer.TrainSeconds:0.###},{(seconds > 0 ? trained / seconds : 0):0.#}"));
        if (games == 0)
        {
            row.Append(",,,,");
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {trainer.Games} games"));
            return row.ToString();
        }
        var agent = new TdGammonAgent(trainer.Network);
        ulong seed = trainer.Options.Seed;
        var match = new Match();
        var random = match.Play(agent, new RandomAgent(new Rng(Rng.DeriveSeed(seed, 101))), games, new Rng(Rng.DeriveSeed(seed, 102)));
        var pubeval = match.Play(agent, new PubEval(), games, new Rng(Rng.DeriveSeed(seed, 103)));
        row.Append(string.Create(CultureInfo.InvariantCulture, $",{random.WinRate:0.####},{random.PointsPerGame:0.####},{pubeval.WinRate:0.####},{pubeval.PointsPerGame:0.####}"));
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {trainer.Games} games: vs random {random.WinRate:P1} ({random.PointsPerGame:+0.00;-0.00} ppg), vs pubeval {pubeval.WinRate:P1} ({pubeval.PointsPerGame:+0.00;-0.00} ppg), {(seconds > 0 ? trained / seconds : 0):0} games/s"));
        return row.ToString();
    }

    private static string NewRunName(int seed)
    {
        string baseName = Path.Combine("runs", $"td-gammon-s{seed}");
        string name = baseName;
        for (int i = 2; Directory.Exists(name); i++) name = $"{baseName}-{i}";
        return name;
    }
}
