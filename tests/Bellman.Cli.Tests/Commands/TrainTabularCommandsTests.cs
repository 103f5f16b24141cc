using System.Text.Json;
using Bellman.Algorithms.Tabular;
using Bellman.Core.Random;
using Bellman.Core.Tabular;
using Bellman.Environments;
using Bellman.Environments.Wrappers;

namespace Bellman.Cli.Tests.Commands;

public sealed class TrainTabularCommandsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bellman-cli-tabular-" + Guid.NewGuid().ToString("N"));
    private int _runs;

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>`bellman train ARGS` into a fresh run folder under the test's temporary root.</summary>
    private CliRunner.Result Train(params string[] args) =>
        CliRunner.Run(["train", .. args, "--out", Path.Combine(_root, $"run{++_runs}"), "--no-tensorboard"]);

    private JsonElement TrainJson(params string[] args)
    {
        var r = Train([.. args, "--json"]);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Single(r.Lines);
        return JsonDocument.Parse(r.Out).RootElement;
    }

    /// <summary>The undiscounted return of value iteration's optimal policy on a deterministic environment.</summary>
    private static double OptimalReturn(string id, Dictionary<string, string> options)
    {
        var env = EnvRegistry.Default.Make(id, options);
        var model = ((ITabularEnvironment)env.Unwrap()).Model;
        var optimal = ValueIteration.Run(model, new DpOptions()).EnsureConverged();
        return PolicyRollout.Evaluate(env, optimal.Policy, 1, new Rng(0)).Mean;
    }

    [Theory]
    [InlineData("FrozenLake-v1", "is_slippery=false", 1.0)]
    [InlineData("CliffWalking-v1", null, -13.0)]
    public void QLearningLearnsTheOptimalPolicyWithTheDefaultSeed(string id, string? option, double shortestPathReturn)
    {
        var options = new Dictionary<string, string>();
        string[] args = ["q-learning", "--env", id];
        if (option is not null)
        {
            var kv = option.Split('=');
            options[kv[0]] = kv[1];
            args = [.. args, "--option", option];
        }
        double optimal = OptimalReturn(id, options);
        Assert.Equal(shortestPathReturn, optimal);

        var json = TrainJson(args);
        Assert.Equal(optimal, json.GetProperty("eval_mean_return").GetDouble());
        Assert.Equal(0, json.GetProperty("eval_std_return").GetDouble());
        // The greedy policy is optimal from the start state: its exact value equals V* there.
        Assert.True(Math.Abs(json.GetProperty("start_value_gap").GetDouble()) < 1e-9, json.GetProperty("start_value_gap").GetRawText());
    }

    [Fact]
    public void JsonHasTheEvaluationTheDistancesAndTheTables()
    {
        var json = TrainJson("sarsa", "--env", "FrozenLake-v1", "--episodes", "2000", "--eval-episodes", "200");
        Assert.Equal("sarsa", json.GetProperty("algorithm").GetString());
        Assert.Equal(2000, json.GetProperty("episodes").GetInt32());
        Assert.Equal(200, json.GetProperty("eval_episodes").GetInt32());
        double mean = json.GetProperty("eval_mean_return").GetDouble();
        Assert.InRange(mean, 0, 1);
        Assert.True(json.GetProperty("greedy_value_gap").GetDouble() >= 0);
        Assert.True(json.GetProperty("q_value_gap").GetDouble() >= 0);
        Assert.Equal(16, json.GetProperty("policy").GetArrayLength());
        Assert.Equal(16, json.GetProperty("Q").GetArrayLength());
        Assert.All(json.GetProperty("Q").EnumerateArray(), row => Assert.Equal(4, row.GetArrayLength()));
    }

    [Fact]
    public void TheSameSeedGivesTheSameQ()
    {
        string[] args = ["expected-sarsa", "--env", "CliffWalking-v1", "--episodes", "100", "--seed", "7", "--eval-episodes", "1"];
        var first = TrainJson(args).GetProperty("Q").GetRawText();
        var second = TrainJson(args).GetProperty("Q").GetRawText();
        Assert.Equal(first, second);
        var other = TrainJson(["expected-sarsa", "--env", "CliffWalking-v1", "--episodes", "100", "--seed", "8", "--eval-episodes", "1"]).GetProperty("Q").GetRawText();
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void TextDrawsTheGreedyPolicyAndTheDistanceToVStar()
    {
        var r = Train("q-learning", "--env", "CliffWalking-v1");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("greedy policy: mean return -13 ± 0 over 1000 evaluation episodes", r.Out);
        Assert.Contains("distance to V* (value iteration, gamma 0.99;", r.Out);
        Assert.Contains("↑ C C C C C C C C C C G", r.Out);
    }

    [Fact]
    public void BoltzmannExplorationRuns()
    {
        var json = TrainJson("q-learning", "--env", "GridWorld-v0", "--exploration", "boltzmann", "--temperature", "1,0.05,0.5", "--alpha", "0.5,0.1,1", "--eval-episodes", "10");
        Assert.Equal(16, json.GetProperty("policy").GetArrayLength());
    }

    [Theory]
    [InlineData("train", "q-learning")]
    [InlineData("train", "sarsa")]
    [InlineData("train", "expected-sarsa")]
    [InlineData("solve", "value-iteration")]
    [InlineData("solve", "policy-iteration")]
    [InlineData("solve", "policy-evaluation")]
    public void HelpRenders(string branch, string command)
    {
        var r = CliRunner.Run(branch, command, "--help");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("--gamma", r.Out);
        Assert.Contains("--json", r.Out);
    }

    [Fact]
    public void AnEnvironmentWithoutAModelTrainsAndReportsNoDistance()
    {
        string id = ModelFreeChain.Register();
        var json = TrainJson("q-learning", "--env", id, "--episodes", "200", "--eval-episodes", "5");
        Assert.Equal(1, json.GetProperty("eval_mean_return").GetDouble()); // the greedy policy walks right to the goal
        Assert.Equal(JsonValueKind.Null, json.GetProperty("greedy_value_gap").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("optimal_start_value").ValueKind);
        var text = Train("q-learning", "--env", id, "--episodes", "200", "--eval-episodes", "5");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("greedy policy (state: action): 0:1 1:1 2:1 3:1", text.Out);
        Assert.DoesNotContain("distance to V*", text.Out);
    }

    [Fact]
    public void AContinuousEnvironmentPointsToDqn()
    {
        var r = CliRunner.Run("train", "q-learning", "--env", "CartPole-v1", "--out", Path.Combine(_root, "cartpole"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(_root, "cartpole")));
        Assert.Contains("needs Discrete observations and actions", r.Error);
        Assert.Contains("bellman train dqn --env CartPole-v1", r.Error);
    }

    [Theory]
    [InlineData("--gamma", "2", "--gamma must lie in [0, 1]")]
    [InlineData("--alpha", "1.5", "--alpha '1.5': 1.5 is outside (0, 1]")]
    [InlineData("--alpha", "0.5,0.1", "must be a constant or start,end,fraction")]
    [InlineData("--epsilon", "1,x,0.5", "'x' is not a number")]
    [InlineData("--exploration", "greedy", "--exploration 'greedy' is not known; choose epsilon or boltzmann")]
    [InlineData("--temperature", "1", "--temperature applies to --exploration boltzmann")]
    [InlineData("--episodes", "0", "--episodes must be positive")]
    [InlineData("--eval-episodes", "0", "--eval-episodes must be positive")]
    public void BadFlagsAreErrorsNamingTheFlag(string flag, string value, string message)
    {
        string dir = Path.Combine(_root, "bad");
        var r = CliRunner.Run("train", "q-learning", "--env", "FrozenLake-v1", flag, value, "--out", dir);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(message, r.Error);
        Assert.False(Directory.Exists(dir), "a bad flag must fail before the run folder is made");
    }
}
