using System.Text.Json;
using Bellman.Core.Tabular;
using Bellman.Environments.ToyText;
using Bellman.Environments.Wrappers;
using Xunit;

namespace Bellman.Environments.Tests.ToyText;

/// <summary>
/// The registry passes its options through: the models of the environments <see cref="EnvRegistry.Default"/>
/// makes (unwrapped from their time limits) equal Gymnasium's P tables (Data/*.json) where a reference exists,
/// and otherwise the model of the directly constructed environment with Gymnasium's options.
/// </summary>
public sealed class RegisteredModelTests
{
    private static TabularModel Registered(string id, params (string Key, string Value)[] options) =>
        ((ITabularEnvironment)EnvRegistry.Default.Make(id, options.ToDictionary(o => o.Key, o => o.Value)).Unwrap()).Model;

    private static JsonElement Load(string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", file))).RootElement;

    private static void AssertEqualsReference(TabularModel model, string file)
    {
        var reference = Load(file);
        int nS = reference.GetProperty("nS").GetInt32(), nA = reference.GetProperty("nA").GetInt32();
        Assert.Equal(nS, model.StateCount);
        Assert.Equal(nA, model.ActionCount);
        var p = reference.GetProperty("P");
        int compared = 0;
        for (int s = 0; s < nS; s++)
        {
            for (int a = 0; a < nA; a++)
            {
                var expected = p[s][a].EnumerateArray()
                    .Select(e => new Outcome(e[0].GetDouble(), e[1].GetInt32(), e[2].GetDouble(), e[3].GetBoolean())).ToArray();
                var actual = model.OutcomesOf(s, a).ToArray();
                Assert.True(expected.SequenceEqual(actual), $"{file}: P[{s}][{a}] differs");
                compared += actual.Length;
            }
        }
        Assert.Equal(model.OutcomeCount, compared);
        Assert.Equal(reference.GetProperty("initial_state_distrib").EnumerateArray().Select(x => x.GetDouble()), model.InitialDistribution.ToArray());
    }

    private static void AssertSameModel(TabularModel expected, TabularModel actual)
    {
        Assert.Equal(expected.StateCount, actual.StateCount);
        Assert.Equal(expected.ActionCount, actual.ActionCount);
        for (int s = 0; s < expected.StateCount; s++)
            for (int a = 0; a < expected.ActionCount; a++)
                Assert.True(expected.OutcomesOf(s, a).SequenceEqual(actual.OutcomesOf(s, a)), $"P[{s}][{a}] differs");
        Assert.Equal(expected.InitialDistribution.ToArray(), actual.InitialDistribution.ToArray());
    }

    [Fact]
    public void FrozenLakeIsSlipperyByDefault() =>
        AssertEqualsReference(Registered("FrozenLake-v1"), "FrozenLake-v1_4x4_slippery.json");

    [Fact]
    public void FrozenLakeIsSlipperyFalseReachesTheModel() =>
        AssertEqualsReference(Registered("FrozenLake-v1", ("is_slippery", "false")), "FrozenLake-v1_4x4_not_slippery.json");

    [Fact]
    public void CliffWalkingEqualsTheReference() =>
        AssertEqualsReference(Registered("CliffWalking-v1"), "CliffWalking-v1.json");

    [Fact]
    public void FrozenLake8x8IsTheSlippery8x8Map()
    {
        var env = (FrozenLake)EnvRegistry.Default.Make("FrozenLake8x8-v1").Unwrap();
        Assert.Equal(FrozenLake.Map8x8, env.Map);
        Assert.True(env.IsSlippery);
        AssertSameModel(new FrozenLake(mapName: "8x8", isSlippery: true).Model, env.Model);
        Assert.Equal(64, env.Model.StateCount);
    }

    [Fact]
    public void CliffWalkingSlipperyIsSlippery()
    {
        var env = (CliffWalking)EnvRegistry.Default.Make("CliffWalkingSlippery-v1").Unwrap();
        Assert.True(env.IsSlippery);
        AssertSameModel(new CliffWalking(isSlippery: true).Model, env.Model);
        // Slippery moves have several outcomes, unlike the deterministic reference.
        Assert.True(env.Model.OutcomeCount > 48 * 4);
    }

    [Fact]
    public void TaxiAndGridWorldMatchTheirConstructors()
    {
        AssertSameModel(new Taxi().Model, Registered("Taxi-v4"));
        AssertSameModel(new GridWorld().Model, Registered("GridWorld-v0"));
    }
}
