using System.Text.Json;

namespace Bellman.Cli.Tests.Commands;

public sealed class TrainCommandsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bellman-cli-tests-" + Guid.NewGuid().ToString("N"));

    // A small, fast configuration: the point here is the run folder and the CLI, not learning.
    private static readonly string[] Small =
    [
        "--set", "learning_starts=100", "--set", "train_freq=4", "--set", "gradient_steps=1", "--set", "eval_freq=300",
        "--set", "eval_episodes=2", "--set", "net_arch=[16,16]", "--set", "buffer_size=2000", "--set", "batch_size=16",
    ];

    public TrainCommandsTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }

    private CliRunner.Result Train(string name, params string[] extra) =>
        CliRunner.Run(["train", "dqn", "--env", "CartPole-v1", "--out", Path.Combine(_root, name), .. Small, .. extra]);

    [Fact]
    public void TrainingWritesACompleteRunFolder()
    {
        var r = Train("a", "--steps", "600", "--seed", "2");
        Assert.True(r.ExitCode == 0, r.Error);
        string dir = Path.Combine(_root, "a");
        foreach (string f in new[] { "config.yaml", "metrics.csv", "eval.csv", "summary.json", "learning_curve.png", "checkpoints/latest.safetensors", "checkpoints/latest.json", "checkpoints/best.safetensors" })
            Assert.True(File.Exists(Path.Combine(dir, f)), $"missing {f}");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.Equal("completed", summary.RootElement.GetProperty("status").GetString());
        Assert.Equal(600, summary.RootElement.GetProperty("total_steps").GetInt64());
        var config = File.ReadAllText(Path.Combine(dir, "config.yaml"));
        Assert.Contains("net_arch: [16, 16]", config);
        Assert.Contains("seed: 2", config);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "eval.csv")).Length); // header + evaluations at 300 and 600

        var eval = CliRunner.Run("eval", dir, "--episodes", "3", "--json");
        Assert.True(eval.ExitCode == 0, eval.Error);
        using var json = JsonDocument.Parse(eval.Out);
        Assert.Equal(3, json.RootElement.GetProperty("episodes").GetInt32());
        // By default `bellman eval` repeats the run's own evaluation of its best checkpoint: same seeds, same episodes, same figure.
        var repeat = CliRunner.Run("eval", dir, "--json");
        Assert.True(repeat.ExitCode == 0, repeat.Error);
        using var again = JsonDocument.Parse(repeat.Out);
        using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.Equal(written.RootElement.GetProperty("best_eval_mean_return").GetDouble(), again.RootElement.GetProperty("mean_return").GetDouble());
        Assert.True(json.RootElement.TryGetProperty("std_return", out _));
    }

    [Fact]
    public void TheSameSeedGivesABitIdenticalMetricsFile()
    {
        Assert.Equal(0, Train("s1", "--steps", "500", "--seed", "7").ExitCode);
        Assert.Equal(0, Train("s2", "--steps", "500", "--seed", "7").ExitCode);
        Assert.Equal(0, Train("s3", "--steps", "500", "--seed", "8").ExitCode);
        byte[] a = File.ReadAllBytes(Path.Combine(_root, "s1", "metrics.csv"));
        byte[] b = File.ReadAllBytes(Path.Combine(_root, "s2", "metrics.csv"));
        byte[] c = File.ReadAllBytes(Path.Combine(_root, "s3", "metrics.csv"));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_root, "s1", "checkpoints", "latest.safetensors")), File.ReadAllBytes(Path.Combine(_root, "s2", "checkpoints", "latest.safetensors")));
    }

    [Fact]
    public void ResumeContinuesFromTheLatestCheckpoint()
    {
        Assert.Equal(0, Train("r", "--steps", "400").ExitCode);
        string dir = Path.Combine(_root, "r");
        var r = CliRunner.Run("train", "dqn", "--resume", dir, "--steps", "700");
        Assert.True(r.ExitCode == 0, r.Error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.Equal(700, summary.RootElement.GetProperty("total_steps").GetInt64());
        var steps = File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Skip(1).Select(l => long.Parse(l.Split(',')[1])).ToList();
        Assert.Equal(700, steps.Max());
        Assert.Single(File.ReadAllLines(Path.Combine(dir, "metrics.csv")), l => l.StartsWith("kind,", StringComparison.Ordinal));
        Assert.Contains("total_steps: 700", File.ReadAllText(Path.Combine(dir, "config.yaml")));

        var again = CliRunner.Run("train", "dqn", "--resume", dir);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("already reached 700", again.Error);
    }

    [Fact]
    public void StopAtReturnEndsTheRunAtTheFirstEvaluationThatReachesIt()
    {
        // Every CartPole return is at least 1, so the first evaluation (step 300) reaches 0.5.
        var r = Train("stop", "--steps", "1200", "--set", "stop_at_return=0.5", "--no-video");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("stopped at step 300 of 1200: a greedy evaluation reached", r.Out);
        string dir = Path.Combine(_root, "stop");
        using (var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))))
        {
            Assert.Equal("reached stop_at_return", summary.RootElement.GetProperty("status").GetString());
            Assert.Equal(300, summary.RootElement.GetProperty("total_steps").GetInt64());
        }
        var again = CliRunner.Run("train", "dqn", "--resume", dir);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("The run is finished", again.Error);
        Assert.Contains("stop_at_return", again.Error);

        string config = Path.Combine(dir, "config.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("stop_at_return: 0.5", "stop_at_return: nan", StringComparison.Ordinal));
        var resumed = CliRunner.Run("train", "dqn", "--resume", dir, "--no-video");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        using var done = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.Equal(1200, done.RootElement.GetProperty("total_steps").GetInt64());
    }

    [Theory]
    [InlineData(new[] { "--set", "learning_rat=0.001" }, "did you mean 'learning_rate'")]
    [InlineData(new[] { "--preset", "cartpol" }, "did you mean")]
    [InlineData(new[] { "--set", "learning_rate=-1" }, "learning_rate = -1 is invalid")]
    [InlineData(new[] { "--set", "batch_size=5000" }, "batch_size = 5000 is invalid: must not exceed buffer_size (2000)")]
    [InlineData(new[] { "--set", "double_q=maybe" }, "double_q = 'maybe' is not true or false")]
    [InlineData(new[] { "--set", "loss=l1" }, "is not one of huber, mse")]
    public void BadConfigurationNamesTheKey(string[] extra, string message)
    {
        var r = Train("bad", ["--steps", "200", .. extra]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(message, r.Error);
        Assert.False(File.Exists(Path.Combine(_root, "bad", "metrics.csv")), "nothing should be trained on bad input");
    }

    [Fact]
    public void ConfigFileKeysAreCheckedToo()
    {
        string file = Path.Combine(_root, "c.yaml");
        File.WriteAllText(file, "env: CartPole-v1\nseed: 3\ngama: 0.9\n");
        var r = CliRunner.Run("train", "dqn", "--config", file, "--out", Path.Combine(_root, "c"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("unknown key 'gama'", r.Error);
        Assert.Contains("'gamma'", r.Error);
    }

    [Fact]
    public void OverlapOnAnOnPolicyAlgorithmNamesTheAlgorithmsThatHaveIt()
    {
        var r = CliRunner.Run("train", "a2c", "--env", "CartPole-v1", "--set", "overlap_collection=true", "--out", Path.Combine(_root, "o"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("unknown key 'overlap_collection'", r.Error);
        Assert.Contains("off-policy algorithms (dqn, ddpg, td3, sac, naf, qt-opt)", r.Error);
        Assert.DoesNotContain("   at ", r.Error);
    }

    [Fact]
    public void ACheckpointOfAnotherNetworkIsAClearMismatch()
    {
        Assert.Equal(0, Train("m", "--steps", "300").ExitCode);
        string dir = Path.Combine(_root, "m");
        string config = Path.Combine(dir, "config.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("net_arch: [16, 16]", "net_arch: [8]"));
        var r = CliRunner.Run("train", "dqn", "--resume", dir, "--steps", "400");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("does not fit this agent", r.Error);
        Assert.Contains("q.0.weight: checkpoint has [16, 4], model has [8, 4]", r.Error);
    }

    [Fact]
    public void ACorruptCheckpointIsAClearError()
    {
        Assert.Equal(0, Train("k", "--steps", "300").ExitCode);
        string tensors = Path.Combine(_root, "k", "checkpoints", "latest.safetensors");
        var bytes = File.ReadAllBytes(tensors);
        File.WriteAllBytes(tensors, bytes[..(bytes.Length / 2)]);
        var r = CliRunner.Run("eval", Path.Combine(_root, "k", "checkpoints", "latest"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("SHA-256 mismatch", r.Error);
    }

    [Fact]
    public void ADivergingRunStopsAndKeepsTheLastGoodCheckpoint()
    {
        var r = Train("nan", "--steps", "2000", "--set", "learning_rate=1e30", "--set", "max_grad_norm=0", "--set", "eval_freq=150", "--set", "learning_starts=300");
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("training diverged", r.Error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, "nan", "summary.json")));
        Assert.Equal("diverged", summary.RootElement.GetProperty("status").GetString());
        var eval = CliRunner.Run("eval", Path.Combine(_root, "nan", "checkpoints", "latest"), "--episodes", "1", "--json");
        Assert.True(eval.ExitCode == 0, eval.Error);
        using var json = JsonDocument.Parse(eval.Out);
        Assert.Equal(300, json.RootElement.GetProperty("step").GetInt64()); // the checkpoint of the last evaluation before the NaN
        Assert.True(double.IsFinite(json.RootElement.GetProperty("mean_return").GetDouble()));
    }

    [Fact]
    public async Task CancellationStopsCleanlyAndLeavesAResumableCheckpoint()
    {
        string dir = Path.Combine(_root, "ctrlc");
        using var cancel = new CancellationTokenSource();
        // Cancel as soon as the first metrics snapshot is written (what Ctrl-C does, at any moment).
        var watcher = Task.Run(async () =>
        {
            string metrics = Path.Combine(dir, "metrics.csv");
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while ((!File.Exists(metrics) || !File.ReadAllText(metrics).Contains("snapshot,", StringComparison.Ordinal)) && DateTime.UtcNow < deadline) await Task.Delay(5);
            cancel.Cancel();
        });
        var r = await Task.Run(() => CliRunner.Run(cancel.Token, ["train", "dqn", "--env", "CartPole-v1", "--out", dir, .. Small, "--steps", "1000000"]));
        await watcher;
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("interrupted at step", r.Out);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.Equal("interrupted", summary.RootElement.GetProperty("status").GetString());
        long stoppedAt = summary.RootElement.GetProperty("total_steps").GetInt64();
        Assert.InRange(stoppedAt, 1000, 999_999);
        var eval = CliRunner.Run("eval", Path.Combine(dir, "checkpoints", "latest"), "--episodes", "1", "--json");
        Assert.True(eval.ExitCode == 0, eval.Error);
        using var json = JsonDocument.Parse(eval.Out);
        Assert.Equal(stoppedAt, json.RootElement.GetProperty("step").GetInt64());
    }

    [Fact]
    public void PlotOverlaysSeveralRunsIntoOnePng()
    {
        Assert.Equal(0, Train("p1", "--steps", "400", "--seed", "1").ExitCode);
        Assert.Equal(0, Train("p2", "--steps", "400", "--seed", "2").ExitCode);
        string png = Path.Combine(_root, "both.png");
        var r = CliRunner.Run("plot", Path.Combine(_root, "p1"), Path.Combine(_root, "p2"), "--out", png, "--title", "two seeds");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("2 runs", r.Out);
        var bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 1000);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        var missing = CliRunner.Run("plot", Path.Combine(_root, "nope"));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("not a run folder", missing.Error);
    }

    [Fact]
    public void PresetsAreListed()
    {
        var r = CliRunner.Run("presets");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("CartPole-v1", r.Out);
        Assert.Contains("cleanrl", r.Out);
        var one = CliRunner.Run("presets", "--name", "CartPole-v1");
        Assert.Contains("learning_rate: 0.0023", one.Out);
        Assert.Contains("train_freq: 256", one.Out);
    }
}
