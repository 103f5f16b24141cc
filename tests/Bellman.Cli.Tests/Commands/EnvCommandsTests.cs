using System.Globalization;
using System.Text.Json;
using Bellman.Environments;

namespace Bellman.Cli.Tests.Commands;

public class EnvCommandsTests
{
    [Fact]
    public void EnvsListsEveryRegisteredEnvironment()
    {
        var r = CliRunner.Run("envs");
        Assert.Equal(0, r.ExitCode);
        foreach (string id in new[] { "CartPole-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Acrobot-v1", "Pendulum-v1", "FrozenLake-v1", "FrozenLake8x8-v1", "CliffWalking-v1", "CliffWalkingSlippery-v1", "Taxi-v4", "GridWorld-v0" })
            Assert.Contains(id, r.Out);
        Assert.Contains("Discrete(2)", r.Out);
        Assert.Contains("475", r.Out);
    }

    [Fact]
    public void RolloutPrintsNumbersThatRoundTripExactly()
    {
        var r = CliRunner.Run("env", "rollout", "--env", "CartPole-v1", "--seed", "3", "--actions", "[0,1,1,0]");
        Assert.Equal(0, r.ExitCode);
        var env = EnvRegistry.Default.Make("CartPole-v1");
        var expected = new List<float[]> { env.Reset(3).ToArray() };
        foreach (int a in new[] { 0, 1, 1, 0 })
        {
            env.Step(a);
            expected.Add(env.Observation.ToArray());
        }
        Assert.Equal(5, r.Lines.Length);
        for (int i = 0; i < r.Lines.Length; i++)
        {
            using var doc = JsonDocument.Parse(r.Lines[i]);
            var obs = doc.RootElement.GetProperty("obs").EnumerateArray().Select(x => float.Parse(x.GetRawText(), CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(expected[i], obs); // bitwise equal after parsing as float32
            if (i > 0)
            {
                Assert.Equal(1.0, doc.RootElement.GetProperty("reward").GetDouble());
                Assert.False(doc.RootElement.GetProperty("terminated").GetBoolean());
                Assert.False(doc.RootElement.GetProperty("truncated").GetBoolean());
            }
        }
    }

    [Fact]
    public void RolloutWithASeedStartsWhereGymnasiumStarts()
    {
        // Gymnasium 1.4.0: gym.make("CartPole-v1").reset(seed=0)[0] (float32 values written as doubles).
        double[] gymnasium = [0.013696168549358845, -0.023021329194307327, -0.04590264707803726, -0.04834723472595215];
        var r = CliRunner.Run("env", "rollout", "--env", "CartPole-v1", "--seed", "0");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Lines[0]);
        var obs = doc.RootElement.GetProperty("obs").EnumerateArray().Select(x => (double)float.Parse(x.GetRawText(), CultureInfo.InvariantCulture));
        Assert.Equal(gymnasium, obs);
    }

    [Fact]
    public void RolloutFromAnExplicitStateAndContinuousActions()
    {
        var r = CliRunner.Run("env", "rollout", "--env", "Pendulum-v1", "--state=0.5,-0.25", "--actions", "[[0.5],[-3.0]]");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(3, r.Lines.Length);
        Assert.StartsWith("{\"obs\":[", r.Lines[0]);
        Assert.Contains("\"reward\":", r.Lines[2]); // -3.0 is clipped to -2 exactly where Gymnasium clips it
    }

    [Fact]
    public void DiscreteObservationsPrintAsIntegers()
    {
        var r = CliRunner.Run("env", "rollout", "--env", "FrozenLake-v1", "--option", "is_slippery=false", "--seed", "0", "--actions", "[2,2,1]");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("{\"obs\":0}", r.Lines[0]);
        Assert.Equal("{\"obs\":1,\"reward\":0,\"terminated\":false,\"truncated\":false}", r.Lines[1]);
        Assert.Equal("{\"obs\":6,\"reward\":0,\"terminated\":false,\"truncated\":false}", r.Lines[3]);
    }

    [Theory]
    [InlineData(new[] { "env", "rollout", "--env", "Cartpole-v0", "--seed", "0" }, "Did you mean 'CartPole-v1'")]
    [InlineData(new[] { "env", "rollout", "--env", "CartPole-v1", "--seed", "0", "--actions", "[0,2]" }, "action 2 is outside the action space Discrete(2)")]
    [InlineData(new[] { "env", "rollout", "--env", "Pendulum-v1", "--seed", "0", "--actions", "[[\"NaN\"]]" }, "non-finite")]
    [InlineData(new[] { "env", "rollout", "--env", "Pendulum-v1", "--seed", "0", "--actions", "[[1,2]]" }, "has 2 elements, but the action space Box(-2, 2, (1,), float32) needs 1")]
    [InlineData(new[] { "env", "rollout", "--env", "FrozenLake-v1", "--option", "is_slippery=false", "--seed", "0", "--actions", "[0,1,1,1,1]" }, "call Reset before stepping again")]
    [InlineData(new[] { "env", "rollout", "--env", "CartPole-v1", "--state=0.1,0.2", "--actions", "[0]" }, "4 are expected")]
    [InlineData(new[] { "env", "rollout", "--env", "FrozenLake-v1", "--option", "slippery=false", "--seed", "0" }, "Did you mean 'is_slippery'")]
    [InlineData(new[] { "env", "rollout", "--env", "CartPole-v1", "--seed", "0", "--actions", "[0,1" }, "not valid JSON")]
    public void BadInputIsAClearErrorWithANonZeroExitCode(string[] args, string message)
    {
        var r = CliRunner.Run(args);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(message, r.Error);
        Assert.Contains("error:", r.Error);
    }

    [Fact]
    public void ErrorsNameTheEnvironmentAndTheAction()
    {
        var r = CliRunner.Run("env", "rollout", "--env", "Taxi-v4", "--seed", "0", "--actions", "[7]");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Taxi-v4", r.Error);
        Assert.Contains("action 7", r.Error);
        Assert.Contains("Discrete(6)", r.Error);
    }

    [Fact]
    public void CheckPassesOnBuiltinEnvironments()
    {
        foreach (string id in new[] { "CartPole-v1", "Pendulum-v1", "CliffWalking-v1" })
        {
            var r = CliRunner.Run("env", "check", "--env", id);
            Assert.Equal(0, r.ExitCode);
            Assert.Contains($"{id}: passed", r.Out);
        }
    }

    [Fact]
    public void RandomRolloutPrintsEpisodeReturns()
    {
        var r = CliRunner.Run("env", "random", "--env", "CartPole-v1", "--episodes", "3", "--seed", "5");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(3, r.Lines.Count(l => l.StartsWith("episode ", StringComparison.Ordinal)));
        Assert.Contains("mean return", r.Out);
        Assert.Equal(r.Out, CliRunner.Run("env", "random", "--env", "CartPole-v1", "--episodes", "3", "--seed", "5").Out);
    }
}
