namespace Bellman.Cli.Tests.Commands;

/// <summary>NAF and QT-Opt through the CLI: a short run writes its folder, bad input is a clear error.</summary>
public sealed class TrainContinuousQCommandsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bellman-cli-tests-" + Guid.NewGuid().ToString("N"));

    public TrainContinuousQCommandsTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }

    [Theory]
    [InlineData("naf")]
    [InlineData("qt-opt")]
    public void AShortPendulumRunWritesItsFolderAndEvaluates(string algorithm)
    {
        string dir = Path.Combine(_root, algorithm);
        var r = CliRunner.Run("train", algorithm, "--env", "Pendulum-v1", "--steps", "400", "--out", dir, "--no-video", "--set", "learning_starts=200",
            "--set", "batch_size=16", "--set", "net_arch=[16]", "--set", "eval_freq=400", "--set", "eval_episodes=1");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.True(File.Exists(Path.Combine(dir, "config.yaml")));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(dir, "eval.csv")).Length);
        var eval = CliRunner.Run("eval", dir, "--episodes", "1");
        Assert.True(eval.ExitCode == 0, eval.Error);
    }

    [Theory]
    [InlineData("naf")]
    [InlineData("qt-opt")]
    public void ADiscreteEnvironmentIsAClearError(string algorithm)
    {
        var r = CliRunner.Run("train", algorithm, "--env", "CartPole-v1", "--out", Path.Combine(_root, "bad"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Box (continuous) action space", r.Error);
        Assert.Contains("dqn", r.Error);
        Assert.DoesNotContain("   at ", r.Error);
    }

    [Fact]
    public void TooManyElitesNameTheKey()
    {
        var r = CliRunner.Run("train", "qt-opt", "--env", "Pendulum-v1", "--set", "cem_elites=100", "--out", Path.Combine(_root, "elites"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("cem_elites = 100", r.Error);
    }
}
