using System.Text.Json;

namespace Bellman.Cli.Tests.Commands;

public sealed class TrainActorCriticCommandsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bellman-cli-ac-tests-" + Guid.NewGuid().ToString("N"));

    public TrainActorCriticCommandsTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }

    [Fact]
    public void TrainA2cWritesARunFolderThatEvalCanLoad()
    {
        string dir = Path.Combine(_root, "a2c");
        var r = CliRunner.Run("train", "a2c", "--env", "CartPole-v1", "--seed", "1", "--steps", "2000", "--out", dir,
            "--set", "n_envs=4", "--set", "net_arch=[16,16]", "--set", "eval_freq=1000", "--set", "eval_episodes=2", "--set", "shared=true");
        Assert.True(r.ExitCode == 0, r.Error);
        foreach (string f in new[] { "config.yaml", "metrics.csv", "eval.csv", "summary.json", "checkpoints/latest.safetensors", "checkpoints/best.json" })
            Assert.True(File.Exists(Path.Combine(dir, f)), $"missing {f}");
        var config = File.ReadAllText(Path.Combine(dir, "config.yaml"));
        Assert.Contains("algo: a2c", config);
        Assert.Contains("n_envs: 4", config);
        Assert.Contains("shared: true", config);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.Equal("completed", summary.RootElement.GetProperty("status").GetString());
        Assert.Equal(2000, summary.RootElement.GetProperty("total_steps").GetInt64());
        Assert.Equal(2000 / 20, summary.RootElement.GetProperty("gradient_steps").GetInt64());

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
    }

    [Theory]
    [InlineData("reinforce", "baseline=average")]
    [InlineData("actor-critic", "bootstrap_targets=true")]
    public void TheOtherAlgorithmsTrainAndResume(string algo, string setting)
    {
        string dir = Path.Combine(_root, algo);
        var r = CliRunner.Run("train", algo, "--steps", "1000", "--out", dir, "--set", "n_envs=2", "--set", "n_steps=100", "--set", "net_arch=[8]", "--set", "eval_freq=0", "--set", setting);
        Assert.True(r.ExitCode == 0, r.Error);
        var resumed = CliRunner.Run("train", algo, "--resume", dir, "--steps", "2000");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.Equal(2000, summary.RootElement.GetProperty("total_steps").GetInt64());
        Assert.Contains($"algo: {algo}", File.ReadAllText(Path.Combine(dir, "config.yaml")));
    }

    [Fact]
    public void TheSameSeedGivesABitIdenticalCheckpoint()
    {
        foreach (var name in new[] { "s1", "s2" })
            Assert.Equal(0, CliRunner.Run("train", "a2c", "--seed", "5", "--steps", "1000", "--out", Path.Combine(_root, name), "--set", "eval_freq=0", "--set", "net_arch=[8]").ExitCode);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_root, "s1", "checkpoints", "latest.safetensors")), File.ReadAllBytes(Path.Combine(_root, "s2", "checkpoints", "latest.safetensors")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_root, "s1", "metrics.csv")), File.ReadAllBytes(Path.Combine(_root, "s2", "metrics.csv")));
    }

    [Fact]
    public void BadKeysAndPresetsAreNamed()
    {
        var r = CliRunner.Run("train", "a2c", "--steps", "100", "--out", Path.Combine(_root, "bad"), "--set", "gae_lamda=0.9");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("did you mean 'gae_lambda'", r.Error);
        var p = CliRunner.Run("presets", "--algo", "a2c");
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("Acrobot-v1", p.Out);
        var online = CliRunner.Run("presets", "--algo", "actor-critic", "--name", "online");
        Assert.Contains("critic_steps: 1", online.Out);
    }
}

public sealed class ValueFitCommandTests
{
    [Fact]
    public void ValueFitPrintsBothMethods()
    {
        var r = CliRunner.Run("value-fit", "--env", "CartPole-v1", "--train-steps", "0", "--set", "episodes=2", "--set", "datasets=2",
            "--set", "probe_states=3", "--set", "rollouts=2", "--set", "gradient_steps=20", "--set", "bootstrap_rounds=2", "--set", "net_arch=[8]");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains(r.Lines, l => l.StartsWith("monte_carlo", StringComparison.Ordinal));
        Assert.Contains(r.Lines, l => l.StartsWith("bootstrapped", StringComparison.Ordinal));
        var bad = CliRunner.Run("value-fit", "--set", "rollout=3");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("did you mean 'rollouts'", bad.Error);
    }
}
