using System.Globalization;
using System.Text.Json;
using Bellman.Core.Tabular;
using Bellman.Environments;
using Bellman.Environments.Wrappers;

namespace Bellman.Cli.Tests.Commands;

public class SolveCommandsTests
{
    /// <summary>Every registered environment whose unwrapped environment has a known model.</summary>
    private static string[] ModelEnvironmentIds() =>
        EnvRegistry.Default.Ids.Where(id => EnvRegistry.Default.Make(id).Unwrap() is ITabularEnvironment).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Every registered environment whose unwrapped environment has a known model.</summary>
    public static TheoryData<string> ModelEnvironments => [.. ModelEnvironmentIds()];

    [Fact]
    public void TheModelEnvironmentsAreTheToyTextOnes() =>
        Assert.Equal(["CliffWalking-v1", "CliffWalkingSlippery-v1", "FrozenLake-v1", "FrozenLake8x8-v1", "GridWorld-v0", "Taxi-v4"], ModelEnvironmentIds());

    private static JsonElement Reference(string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", file))).RootElement;

    private static JsonElement SolveJson(params string[] args)
    {
        var r = CliRunner.Run(["solve", .. args, "--json"]);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Single(r.Lines);
        return JsonDocument.Parse(r.Out).RootElement;
    }

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    [Theory]
    [InlineData("FrozenLake-v1_4x4_slippery.json", "FrozenLake-v1")]
    [InlineData("CliffWalking-v1.json", "CliffWalking-v1")]
    public void ValueIterationJsonEqualsGymnasiumReference(string file, string id)
    {
        var vi = Reference(file).GetProperty("value_iteration");
        string gamma = vi.GetProperty("gamma").GetDouble().ToString("R", CultureInfo.InvariantCulture);
        string tol = vi.GetProperty("tol").GetDouble().ToString("R", CultureInfo.InvariantCulture);
        var json = SolveJson("value-iteration", "--env", id, "--gamma", gamma, "--tol", tol);

        var expectedV = Doubles(vi.GetProperty("V"));
        var v = Doubles(json.GetProperty("V"));
        Assert.Equal(expectedV.Length, v.Length);
        for (int s = 0; s < v.Length; s++) Assert.Equal(expectedV[s], v[s], 1e-9);

        var expectedQ = vi.GetProperty("Q").EnumerateArray().Select(Doubles).ToArray();
        var q = json.GetProperty("Q").EnumerateArray().Select(Doubles).ToArray();
        Assert.Equal(expectedQ.Length, q.Length);
        for (int s = 0; s < q.Length; s++)
        {
            Assert.Equal(expectedQ[s].Length, q[s].Length);
            for (int a = 0; a < q[s].Length; a++) Assert.Equal(expectedQ[s][a], q[s][a], 1e-9);
        }
        Assert.Equal(Ints(vi.GetProperty("policy")), Ints(json.GetProperty("policy")));
        Assert.Equal(vi.GetProperty("iterations").GetInt32(), json.GetProperty("iterations").GetInt32());
    }

    [Fact]
    public void JsonNumbersRoundTripExactly()
    {
        var first = SolveJson("value-iteration", "--env", "FrozenLake-v1");
        var raw = first.GetProperty("V")[0].GetRawText();
        double parsed = double.Parse(raw, CultureInfo.InvariantCulture);
        Assert.Equal(parsed.ToString("R", CultureInfo.InvariantCulture), raw);
        Assert.Equal(16, first.GetProperty("Q").GetArrayLength());
        Assert.All(first.GetProperty("Q").EnumerateArray(), row => Assert.Equal(4, row.GetArrayLength()));
    }

    /// <summary>
    /// Both solvers reach the same V* on every registered environment with a model, and policy iteration's
    /// policy is optimal: it attains max_a Q*(s,a) in every state (the two may break exact ties differently).
    /// </summary>
    [Theory]
    [MemberData(nameof(ModelEnvironments))]
    public void ValueIterationAndPolicyIterationAgree(string id)
    {
        var vi = SolveJson("value-iteration", "--env", id, "--tol", "1e-12");
        var pi = SolveJson("policy-iteration", "--env", id, "--tol", "1e-12");
        var vStar = Doubles(vi.GetProperty("V"));
        var vPi = Doubles(pi.GetProperty("V"));
        var qStar = vi.GetProperty("Q").EnumerateArray().Select(Doubles).ToArray();
        var policy = Ints(pi.GetProperty("policy"));
        Assert.Equal(vStar.Length, vPi.Length);
        for (int s = 0; s < vStar.Length; s++)
        {
            Assert.Equal(vStar[s], vPi[s], 1e-8);
            Assert.True(qStar[s][policy[s]] >= qStar[s].Max() - 1e-8, $"{id}: policy iteration takes action {policy[s]} in state {s}, which is not optimal");
        }
    }

    [Fact]
    public void TextDrawsValuesAndArrowsOnTheMap()
    {
        var r = CliRunner.Run("solve", "value-iteration", "--env", "FrozenLake-v1");
        Assert.Equal(0, r.ExitCode);
        // Gymnasium's optimal policy for slippery 4x4 at γ = 0.99: 0 3 3 3 / 0 H 0 H / 3 1 0 H / H 2 1 G.
        Assert.Contains("← ↑ ↑ ↑\n← H ← H\n↑ ↓ ← H\nH → ↓ G\n", r.Out);
        Assert.Contains("0.542 0.499 0.471 0.457", r.Out);
        Assert.Contains("iterations: ", r.Out);
        Assert.Contains("wall time: ", r.Out);

        var cliff = CliRunner.Run("solve", "policy-iteration", "--env", "CliffWalking-v1");
        Assert.Equal(0, cliff.ExitCode);
        Assert.Contains("→ → → → → → → → → → → ↓\n↑ C C C C C C C C C C G\n", cliff.Out);
    }

    [Fact]
    public void GridWorldUsesFrozenLakeArrowOrder()
    {
        var r = CliRunner.Run("solve", "value-iteration", "--env", "GridWorld-v0", "--gamma", "1");
        Assert.Equal(0, r.ExitCode);
        // Lowest-index tie-break over 0 Left, 1 Down, 2 Right, 3 Up; 0 and 15 are terminal.
        Assert.Contains("T ← ← ←\n↑ ← ← ↓\n↑ ← ↓ ↓\n→ → → T\n", r.Out);
    }

    [Fact]
    public void TaxiPrintsAPerStateTableWithActionNames()
    {
        var r = CliRunner.Run("solve", "value-iteration", "--env", "Taxi-v4");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("16 taxi (0,0) passenger in taxi to R", r.Out);
        Assert.Contains("Dropoff", r.Out);
        Assert.Contains("480 more states", r.Out);
    }

    [Fact]
    public void PolicyEvaluationOfTheRandomPolicyGivesTheBookValues()
    {
        // Sutton & Barto Figure 4.1: the equiprobable random policy, undiscounted.
        var json = SolveJson("policy-evaluation", "--env", "GridWorld-v0", "--gamma", "1", "--tol", "1e-12");
        double[] book = [0, -14, -20, -22, -14, -18, -20, -20, -20, -20, -18, -14, -22, -20, -14, 0];
        var v = Doubles(json.GetProperty("V"));
        for (int s = 0; s < 16; s++) Assert.Equal(book[s], v[s], 1e-8);
        Assert.Equal("uniform", json.GetProperty("evaluated_policy").GetString());
    }

    [Fact]
    public void PolicyEvaluationOfTheOptimalPolicyGivesVStar()
    {
        var vi = SolveJson("value-iteration", "--env", "FrozenLake-v1", "--tol", "1e-12");
        string policy = string.Join(",", Ints(vi.GetProperty("policy")));
        var pe = SolveJson("policy-evaluation", "--env", "FrozenLake-v1", "--tol", "1e-12", "--policy", policy);
        var vStar = Doubles(vi.GetProperty("V"));
        var vPi = Doubles(pe.GetProperty("V"));
        for (int s = 0; s < vStar.Length; s++) Assert.Equal(vStar[s], vPi[s], 1e-9);
        Assert.Equal(Ints(vi.GetProperty("policy")), Ints(pe.GetProperty("evaluated_policy")));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    public void GammaOutsideTheUnitIntervalIsAnError(string gamma)
    {
        var r = CliRunner.Run("solve", "value-iteration", "--env", "FrozenLake-v1", "--gamma", gamma);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--gamma must lie in [0, 1]", r.Error);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void PolicyIterationWithGammaOneOnCliffWalkingEndsWithAClearMessage()
    {
        // π_0 = Up everywhere never terminates, so its undiscounted evaluation grows without bound until the cap.
        var r = CliRunner.Run("solve", "policy-iteration", "--env", "CliffWalking-v1", "--gamma", "1");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("did not converge", r.Error);
        Assert.Contains("never terminates", r.Error);
        Assert.Contains("gamma < 1", r.Error);
    }

    [Fact]
    public void EvaluatingANonTerminatingPolicyWithGammaOneIsAnError()
    {
        string upEverywhere = string.Join(",", Enumerable.Repeat("0", 48)); // CliffWalking: 0 = Up
        var r = CliRunner.Run("solve", "policy-evaluation", "--env", "CliffWalking-v1", "--gamma", "1", "--policy", upEverywhere);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("policy evaluation on CliffWalking-v1 (gamma = 1) did not converge", r.Error);
        Assert.Contains("the policy never terminates from state 0", r.Error);
    }

    [Fact]
    public void ValueIterationWithGammaOneOnCliffWalkingConverges()
    {
        // Every reward is negative, so the maximum picks terminating actions and V_k converges to −(steps to go).
        var json = SolveJson("value-iteration", "--env", "CliffWalking-v1", "--gamma", "1");
        Assert.Equal(-13, json.GetProperty("V")[36].GetDouble());
    }

    [Fact]
    public void AnIterationCapIsAnErrorWithTheStatus()
    {
        var r = CliRunner.Run("solve", "value-iteration", "--env", "FrozenLake-v1", "--max-iterations", "5");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("did not converge after 5 sweeps", r.Error);
    }

    [Theory]
    [InlineData("value-iteration")]
    [InlineData("policy-iteration")]
    [InlineData("policy-evaluation")]
    public void AnEnvironmentWithoutAModelNamesTheModelFreeCommand(string command)
    {
        var r = CliRunner.Run("solve", command, "--env", "CartPole-v1");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("CartPole-v1 has no known model", r.Error);
        Assert.Contains("bellman train dqn --env CartPole-v1", r.Error);
    }

    [Fact]
    public void ADiscreteEnvironmentWithoutAModelNamesTheTabularLearners()
    {
        string id = ModelFreeChain.Register();
        var r = CliRunner.Run("solve", "value-iteration", "--env", id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"{id} has no known model", r.Error);
        Assert.Contains($"bellman train q-learning|sarsa|expected-sarsa --env {id}", r.Error);
    }

    [Theory]
    [InlineData("0,1,2", "has 3 actions; the environment has 16 states")]
    [InlineData("0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,4", "entry 15 ('4') is not an action; valid actions are 0..3")]
    public void ABadPolicyIsAnError(string policy, string message)
    {
        var r = CliRunner.Run("solve", "policy-evaluation", "--env", "FrozenLake-v1", "--policy", policy);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(message, r.Error);
    }

    [Fact]
    public void EnvironmentOptionsReachTheModel()
    {
        var json = SolveJson("value-iteration", "--env", "FrozenLake-v1", "--option", "is_slippery=false");
        // Deterministic: the start is 6 steps from the goal, so V*(0) = γ^5.
        Assert.Equal(Math.Pow(0.99, 5), json.GetProperty("V")[0].GetDouble(), 1e-9);
    }
}
