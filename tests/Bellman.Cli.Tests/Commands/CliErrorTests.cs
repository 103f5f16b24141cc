namespace Bellman.Cli.Tests.Commands;

/// <summary>Bad input gets one clear line naming the problem, a non-zero exit code, no stack trace, and nothing half-made.</summary>
public sealed class CliErrorTests : IDisposable
{
    private readonly string _root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "bellman-errors-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }

    private static void AssertClearError(CliRunner.Result r, params string[] expected)
    {
        Assert.NotEqual(0, r.ExitCode);
        Assert.StartsWith("error: ", r.Error);
        Assert.DoesNotContain("   at ", r.Error);
        foreach (var e in expected) Assert.Contains(e, r.Error);
    }

    [Theory]
    [InlineData("--steps", "abc")]
    [InlineData("--seed", "x1")]
    public void AWrongTypeNamesTheOption(string option, string value) =>
        AssertClearError(CliRunner.Run("train", "dqn", option, value), option, value);

    [Fact]
    public void AMisspeltOptionIsRefusedWithTheClosestOneAndNothingIsRun()
    {
        string dir = Path.Combine(_root, "misspelt");
        AssertClearError(CliRunner.Run("train", "sac", "--steps", "100", "--out", dir, "--no-vdeo"), "`bellman train sac` has no option --no-vdeo", "did you mean '--no-video'?");
        Assert.False(Directory.Exists(dir));
        AssertClearError(CliRunner.Run("env", "rollout", "--env", "CartPole-v1", "--sed", "3"), "has no option --sed", "'--seed'");
        var far = CliRunner.Run("train", "dqn", "--run-dir", dir);
        AssertClearError(far, "has no option --run-dir.", "`bellman train dqn --help` lists its options");
        Assert.DoesNotContain("did you mean", far.Error);
    }

    [Fact]
    public void AnInvalidCombinationLeavesNoRunFolder()
    {
        string dir = Path.Combine(_root, "pendulum");
        AssertClearError(CliRunner.Run("train", "dqn", "--env", "Pendulum-v1", "--out", dir), "Discrete");
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void MalformedYamlNamesTheFile()
    {
        string path = Path.Combine(_root, "bad.yaml");
        File.WriteAllText(path, "learning_rate: [1, 2\nbatch_size: : :\n");
        AssertClearError(CliRunner.Run("train", "dqn", "--config", path), path, "YAML");
        File.WriteAllText(path, "learning_rate: 1e-3\n  batch_size: 3\n");
        AssertClearError(CliRunner.Run("train", "dqn", "--config", path), path);
    }

    [Fact]
    public void AnUnwritableOutIsAClearError() =>
        AssertClearError(CliRunner.Run("train", "dqn", "--steps", "10", "--out", "/proc/bellman-cannot/run"), "/proc/bellman-cannot/run", "--out");

    [Fact]
    public void ResumingWithTheWrongAlgorithmNamesTheRightOne()
    {
        string dir = Path.Combine(_root, "dqn-run");
        var r = CliRunner.Run("train", "dqn", "--steps", "200", "--set", "learning_starts=50", "--set", "eval_freq=0", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Error);
        AssertClearError(CliRunner.Run("train", "a2c", "--resume", dir), "is a dqn run", "bellman train dqn --resume");
    }

    [Theory]
    [InlineData("lr=-1", "learning_rate")]
    [InlineData("discount=0.9", "gamma")]
    [InlineData("seed=3", "--seed")]
    [InlineData("learning_rat=1", "learning_rate")]
    public void UnknownKeysAreMatchedByMeaningAndSpelling(string setting, string suggestion) =>
        AssertClearError(CliRunner.Run("train", "dqn", "--set", setting), suggestion);

    [Theory]
    [InlineData("[0.5]")]
    [InlineData("[1.9]")]
    [InlineData("[[1]]")]
    public void ADiscreteActionMustBeAWholeNumber(string actions) =>
        AssertClearError(CliRunner.Run("env", "rollout", "--env", "CartPole-v1", "--seed", "0", "--actions", actions), "whole numbers", "Discrete(2)");
}
