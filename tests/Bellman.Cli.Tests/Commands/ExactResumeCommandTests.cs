using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bellman.Cli.Infrastructure;

namespace Bellman.Cli.Tests.Commands;

/// <summary>
/// <c>train --resume</c> continues a stopped run exactly: after Ctrl-C, or after a crash that left rows past the
/// last checkpoint, the resumed run's metrics.csv, eval.csv and final weights are the uninterrupted run's bit for bit.
/// </summary>
public sealed class ExactResumeCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bellman-cli-resume-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static readonly string[] Dqn =
        ["train", "dqn", "--env", "CartPole-v1", "--steps", "2000", "--seed", "4", "--no-tensorboard", "--set", "learning_starts=200", "--set", "buffer_size=2000",
         "--set", "batch_size=16", "--set", "net_arch=[16]", "--set", "eval_freq=500", "--set", "eval_episodes=2", "--set", "log_interval=250", "--set", "target_update_interval=100"];

    private static readonly string[] A2c =
        ["train", "a2c", "--env", "CartPole-v1", "--steps", "4000", "--seed", "4", "--no-tensorboard", "--set", "n_envs=4", "--set", "net_arch=[16]",
         "--set", "eval_freq=1000", "--set", "eval_episodes=2", "--set", "log_interval=500"];

    [Fact]
    public void AResumedDqnRunAfterACrashIsTheUninterruptedRun()
    {
        string whole = Path.Combine(_root, "whole"), crashed = Path.Combine(_root, "crashed"), saved = Path.Combine(_root, "saved");
        Assert.Equal(0, Run(CancellationToken.None, [.. Dqn, "--out", whole]).Code);

        // Crash right after the evaluation at step 1500 was written: the last complete checkpoint on disk is then the one
        // of step 1000 (1500's is saved after the line), and metrics.csv and eval.csv already hold rows up to 1500.
        using var stop = new CancellationTokenSource();
        var first = Run(stop.Token, [.. Dqn, "--out", crashed], line =>
        {
            if (!Regex.IsMatch(line, @"^eval  step +1500 ")) return;
            Directory.CreateDirectory(saved);
            foreach (var f in Directory.GetFiles(Path.Combine(crashed, "checkpoints"), "latest.*")) File.Copy(f, Path.Combine(saved, Path.GetFileName(f)));
            stop.Cancel();
        });
        Assert.True(first.Code == 0, first.Error);
        foreach (var f in Directory.GetFiles(saved)) File.Copy(f, Path.Combine(crashed, "checkpoints", Path.GetFileName(f)), overwrite: true);
        File.AppendAllText(Path.Combine(crashed, "metrics.csv"), "episode,1512,9"); // a row cut off mid-write
        Assert.Contains(File.ReadAllLines(Path.Combine(crashed, "eval.csv")), l => l.StartsWith("1500,", StringComparison.Ordinal));

        var resumed = Run(CancellationToken.None, ["train", "dqn", "--resume", crashed]);
        Assert.True(resumed.Code == 0, resumed.Error);
        Assert.Contains("resuming exactly from step 1000", resumed.Out);
        SameRun(whole, crashed);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(crashed, "summary.json")));
        Assert.Equal("exact", summary.RootElement.GetProperty("resume").GetString());

        // checkpoints/best, best.json and the summary describe the same (best) evaluation of eval.csv.
        double best = summary.RootElement.GetProperty("best_eval_mean_return").GetDouble();
        using var bestJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(crashed, "checkpoints", "best.json")));
        var meta = bestJson.RootElement.GetProperty("metadata");
        Assert.Equal(best, meta.GetProperty("BestEvaluation").GetDouble());
        var rows = File.ReadAllLines(Path.Combine(crashed, "eval.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var bestRow = rows.First(r => double.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture) == best);
        Assert.Equal(long.Parse(bestRow[0], System.Globalization.CultureInfo.InvariantCulture), meta.GetProperty("Step").GetInt64());
        Assert.False(File.Exists(Path.Combine(crashed, "checkpoints", "best.state")), "the best checkpoint is for evaluation; it holds no training state");
    }

    private static readonly string[] Sac =
        ["train", "sac", "--env", "Pendulum-v1", "--steps", "600", "--seed", "4", "--no-tensorboard", "--set", "learning_starts=100", "--set", "buffer_size=1000",
         "--set", "batch_size=16", "--set", "net_arch=[16]", "--set", "eval_freq=300", "--set", "eval_episodes=1", "--set", "log_interval=100"];

    private static readonly string[] Fqi =
        ["train", "fqi", "--env", "CartPole-v1", "--steps", "1500", "--seed", "4", "--no-tensorboard", "--set", "dataset_size=500", "--set", "iterations=2",
         "--set", "gradient_steps=10", "--set", "batch_size=16", "--set", "net_arch=[16]", "--set", "eval_episodes=2", "--set", "keep_data=true"];

    [Theory]
    [InlineData("a2c", 2000)]
    [InlineData("sac", 300)]
    [InlineData("fqi", 500)]
    public void AnInterruptedRunResumesExactly(string algo, int at)
    {
        string[] args = algo switch { "a2c" => A2c, "fqi" => Fqi, _ => Sac };
        string whole = Path.Combine(_root, "whole"), stopped = Path.Combine(_root, "stopped");
        Assert.Equal(0, Run(CancellationToken.None, [.. args, "--out", whole]).Code);
        using var stop = new CancellationTokenSource();
        var first = Run(stop.Token, [.. args, "--out", stopped], line =>
        {
            if (Regex.IsMatch(line, $@"^eval  step +{at} ")) stop.Cancel();
        });
        Assert.Contains($"interrupted at step {at}", first.Out);
        var resumed = Run(CancellationToken.None, ["train", algo, "--resume", stopped]);
        Assert.True(resumed.Code == 0, resumed.Error);
        Assert.Contains($"resuming exactly from step {at}", resumed.Out);
        SameRun(whole, stopped);
    }

    [Fact]
    public void AResumedRunStartsATensorBoardSessionPastItsCheckpoint()
    {
        string dir = Path.Combine(_root, "tb");
        string[] args = [.. A2c.Where(a => a != "--no-tensorboard"), "--out", dir];
        using var stop = new CancellationTokenSource();
        Run(stop.Token, args, line =>
        {
            if (Regex.IsMatch(line, @"^eval  step +2000 ")) stop.Cancel();
        });
        var resumed = Run(CancellationToken.None, ["train", "a2c", "--resume", dir]);
        Assert.True(resumed.Code == 0, resumed.Error);
        var files = Directory.GetFiles(Path.Combine(dir, "tensorboard")).Order().ToList();
        Assert.Equal(2, files.Count);
        var events = TabularRunCommandTests.TensorBoardEvents(File.ReadAllBytes(files[1]));
        Assert.Equal((2001L, (int?)1), events[1]);
        Assert.Single(events, e => e.Session is not null);
    }

    [Fact]
    public void WithoutReplayInCheckpointsTheResumeSaysItIsApproximate()
    {
        string dir = Path.Combine(_root, "noreplay");
        using var stop = new CancellationTokenSource();
        var first = Run(stop.Token, [.. Dqn, "--out", dir, "--no-replay-in-checkpoint"], line =>
        {
            if (Regex.IsMatch(line, @"^eval  step +1000 ")) stop.Cancel();
        });
        Assert.Contains("will not hold the replay memory", first.Out);
        var resumed = Run(CancellationToken.None, ["train", "dqn", "--resume", dir]);
        Assert.True(resumed.Code == 0, resumed.Error);
        Assert.Contains("warning: resuming from step 1000 approximately", resumed.Error);
        Assert.Contains("no replay memory", resumed.Error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.StartsWith("approximate", summary.RootElement.GetProperty("resume").GetString());
    }

    [Fact]
    public void ACorruptStateFileIsAOneLineErrorNamingIt()
    {
        string dir = Path.Combine(_root, "corrupt");
        using var stop = new CancellationTokenSource();
        Run(stop.Token, [.. Dqn, "--out", dir], line =>
        {
            if (Regex.IsMatch(line, @"^eval  step +500 ")) stop.Cancel();
        });
        string state = Path.Combine(dir, "checkpoints", "latest.state");
        var bytes = File.ReadAllBytes(state);
        bytes[bytes.Length / 2] ^= 0x5a;
        File.WriteAllBytes(state, bytes);
        var r = Run(CancellationToken.None, ["train", "dqn", "--resume", dir]);
        Assert.NotEqual(0, r.Code);
        Assert.Contains("latest.state", r.Error);
        Assert.Contains("truncated or corrupt", r.Error);
        Assert.DoesNotContain("   at ", r.Error);
    }

    private static void SameRun(string expected, string actual)
    {
        foreach (var file in (string[])["metrics.csv", "eval.csv", "checkpoints/latest.safetensors", "checkpoints/best.safetensors"])
        {
            var a = File.ReadAllBytes(Path.Combine(expected, file));
            var b = File.ReadAllBytes(Path.Combine(actual, file));
            Assert.True(a.AsSpan().SequenceEqual(b), $"{file} differs between the uninterrupted and the resumed run");
        }
        var steps = File.ReadAllLines(Path.Combine(actual, "eval.csv")).Skip(1).Select(l => long.Parse(l.Split(',')[0])).ToList();
        Assert.Equal(steps.Order(), steps);
        Assert.Equal(steps.Distinct().Count(), steps.Count);
    }

    private static (int Code, string Out, string Error) Run(CancellationToken cancellation, string[] args, Action<string>? onLine = null)
    {
        var result = CliRunner.RunWatching(cancellation, args, onLine);
        return (result.ExitCode, result.Out, result.Error);
    }
}
