using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Networks;
using Bellman.Algorithms.ValueBased;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.Tests.MinAtar;

/// <summary>The MinAtar ablation presets and A2C's image preset: listed, bound to every game, and different from the reference only where stated.</summary>
public sealed class MinAtarPresetTests
{
    public static TheoryData<string, string[]> Ablations => new()
    {
        { "minatar-no-replay", ["replay"] },
        { "minatar-no-target", ["target_network"] },
        { "minatar-double", ["double_q"] },
    };

    private static HashSet<string> DifferingKeys<T>(T a, T b) where T : class
    {
        var left = OptionBinder.Describe(a).ToDictionary(kv => kv.Key, kv => kv.Value);
        return [.. OptionBinder.Describe(b).Where(kv => left[kv.Key] != kv.Value).Select(kv => kv.Key)];
    }

    [Theory]
    [MemberData(nameof(Ablations))]
    public void AnAblationDiffersFromTheReferenceOnlyInItsKey(string name, string[] keys)
    {
        var preset = DqnPresets.Get(name);
        Assert.Equal(keys.ToHashSet(), DifferingKeys(DqnPresets.MinAtarReference, preset));
        Assert.Contains(AlgorithmCatalog.All, a => a.Name == Dqn.AlgorithmName && a.FindPreset(name) is not null);
    }

    public static TheoryData<string, string> PresetsOnGames()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in new[] { "minatar-no-replay", "minatar-no-target", "minatar-double" })
            foreach (var game in new[] { "Breakout", "SpaceInvaders", "Freeway", "Asterix", "Seaquest" })
                data.Add(name, $"MinAtar/{game}-v1");
        return data;
    }

    [Theory]
    [MemberData(nameof(PresetsOnGames))]
    public void AnAblationTrainsOnEveryGame(string name, string env)
    {
        // A few hundred frames with the preset's network and update rule (learning starts early so that updates happen).
        var options = DqnPresets.Get(name) with { TotalSteps = 300, LearningStarts = 100, EvalFrequency = 0 };
        using var run = TestRuns.Make(options, env);
        run.Learn();
        Assert.Equal(300, run.State.Step);
        // One update per frame after learning_starts; without replay from the first frame (nothing to fill).
        Assert.Equal(options.Replay ? 200 : 300, run.State.Updates);
        int actions = ((Bellman.Core.Spaces.Discrete)run.Environment.Probe.ActionSpace).N;
        Assert.InRange(run.Predict(run.Environment.Probe.Reset(0)), 0, actions - 1);
    }

    [Fact]
    public void TheA2cImagePresetSharesTheMinAtarTrunk()
    {
        var preset = OnPolicyPresets.A2c.Find("minatar-a2c")!.Options;
        Assert.Same(OnPolicyPresets.MinAtarA2c, preset);
        Assert.Contains(AlgorithmCatalog.All, a => a.Name == A2c.AlgorithmName && a.FindPreset("minatar-a2c") is not null);
        using var run = TestRuns.Make(preset with { TotalSteps = 16 * 5 * 2, EvalFrequency = 0 }, "MinAtar/Freeway-v1");
        var net = run.ActorCritic().Network;
        Assert.True(net.Shared);
        var names = net.Parameters().Select(p => p.Name).ToList();
        // trunk: ChannelsFirst, Conv2d(7→16), ReLU, Flatten, Linear(1024→128), ReLU.
        Assert.Equal(["trunk.1.weight", "trunk.1.bias", "trunk.4.weight", "trunk.4.bias"], names.Where(n => n.StartsWith("trunk.", StringComparison.Ordinal)));
        Assert.Equal(16 * 7 * 3 * 3, net.Parameters().First(p => p.Name == "trunk.1.weight").Size);
        Assert.Equal(128 * 1024, net.Parameters().First(p => p.Name == "trunk.4.weight").Size);
        run.Learn();
        Assert.Equal(2, run.State.Updates);
    }
}
