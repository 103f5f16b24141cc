using System.Text.Json;
using Bellman.Core.Tabular;
using Bellman.Environments.ToyText;
using Xunit;

namespace Bellman.Environments.Tests.ToyText;

/// <summary>The models must equal the P tables Gymnasium 1.4.0 dumped (Data/*.json), outcome by outcome.</summary>
public sealed class GymnasiumReferenceTests
{
    public static TheoryData<string> Files => new()
    {
        "FrozenLake-v1_4x4_slippery.json",
        "FrozenLake-v1_4x4_not_slippery.json",
        "CliffWalking-v1.json",
    };

    private static JsonElement Load(string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", file))).RootElement;

    private static TabularEnvironment Make(JsonElement reference)
    {
        string id = reference.GetProperty("env").GetString()!;
        var kwargs = reference.GetProperty("make_kwargs");
        return id switch
        {
            "FrozenLake-v1" => new FrozenLake(mapName: kwargs.GetProperty("map_name").GetString(), isSlippery: kwargs.GetProperty("is_slippery").GetBoolean()),
            "CliffWalking-v1" => new CliffWalking(),
            _ => throw new InvalidOperationException($"no constructor for {id}"),
        };
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ModelEqualsGymnasiumPTable(string file)
    {
        var reference = Load(file);
        var model = Make(reference).Model;
        int nS = reference.GetProperty("nS").GetInt32(), nA = reference.GetProperty("nA").GetInt32();
        Assert.Equal(nS, model.StateCount);
        Assert.Equal(nA, model.ActionCount);
        var p = reference.GetProperty("P");
        int compared = 0;
        for (int s = 0; s < nS; s++)
        {
            for (int a = 0; a < nA; a++)
            {
                var expected = p[s][a].EnumerateArray().ToArray();
                var actual = model.OutcomesOf(s, a).ToArray();
                Assert.True(expected.Length == actual.Length, $"P[{s}][{a}]: {actual.Length} outcomes, Gymnasium has {expected.Length}");
                for (int k = 0; k < expected.Length; k++)
                {
                    var e = expected[k];
                    var want = new Outcome(e[0].GetDouble(), e[1].GetInt32(), e[2].GetDouble(), e[3].GetBoolean());
                    Assert.True(want == actual[k], $"P[{s}][{a}][{k}]: {actual[k]}, Gymnasium has {want}");
                    compared++;
                }
            }
        }
        Assert.Equal(model.OutcomeCount, compared);
        var initial = reference.GetProperty("initial_state_distrib").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(initial, model.InitialDistribution.ToArray());
    }

    [Theory]
    [InlineData("FrozenLake-v1_4x4_slippery.json")]
    [InlineData("FrozenLake-v1_4x4_not_slippery.json")]
    public void FrozenLakeMapAndTimeLimitMatch(string file)
    {
        var reference = Load(file);
        var lake = (FrozenLake)Make(reference);
        Assert.Equal(reference.GetProperty("desc").EnumerateArray().Select(x => x.GetString()!), lake.Map);
        Assert.Equal(FrozenLake.MaxEpisodeSteps, reference.GetProperty("max_episode_steps").GetInt32());
        Assert.Equal(4, lake.GridColumns);
    }

    [Fact]
    public void CliffWalkingHasNoRegisteredTimeLimit()
    {
        Assert.Equal(JsonValueKind.Null, Load("CliffWalking-v1.json").GetProperty("max_episode_steps").ValueKind);
        Assert.Null(CliffWalking.MaxEpisodeSteps);
    }

    /// <summary>
    /// Value iteration on our model, with the update the reference states (synchronous,
    /// Q = Σ p (r + γ (1 − terminated) V(s')), stop when max |ΔV| &lt; tol), reproduces the reference V* and Q*.
    /// </summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void ValueIterationOnModelReproducesReferenceValues(string file)
    {
        var reference = Load(file);
        var vi = reference.GetProperty("value_iteration");
        double gamma = vi.GetProperty("gamma").GetDouble(), tol = vi.GetProperty("tol").GetDouble();
        var model = Make(reference).Model;
        int nS = model.StateCount, nA = model.ActionCount;
        var v = new double[nS];
        var q = new double[nS, nA];
        int iterations = 0;
        while (true)
        {
            iterations++;
            var next = new double[nS];
            double delta = 0;
            for (int s = 0; s < nS; s++)
            {
                next[s] = double.NegativeInfinity;
                for (int a = 0; a < nA; a++)
                {
                    double sum = 0;
                    foreach (var o in model.OutcomesOf(s, a)) sum += o.Probability * (o.Reward + gamma * (o.Terminated ? 0 : 1) * v[o.NextState]);
                    q[s, a] = sum;
                    next[s] = Math.Max(next[s], sum);
                }
                delta = Math.Max(delta, Math.Abs(next[s] - v[s]));
            }
            v = next;
            if (delta < tol) break;
            Assert.True(iterations < 100_000, "value iteration did not converge");
        }
        Assert.Equal(vi.GetProperty("iterations").GetInt32(), iterations);
        var vStar = vi.GetProperty("V").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var qStar = vi.GetProperty("Q");
        for (int s = 0; s < nS; s++)
        {
            Assert.Equal(vStar[s], v[s], 1e-10);
            for (int a = 0; a < nA; a++) Assert.Equal(qStar[s][a].GetDouble(), q[s, a], 1e-10);
        }
    }
}
