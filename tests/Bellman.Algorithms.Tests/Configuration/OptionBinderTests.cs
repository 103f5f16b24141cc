using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.ValueBased;

namespace Bellman.Algorithms.Tests.Configuration;

public class OptionBinderTests
{
    [Fact]
    public void AppliesTypedValuesAndRoundTripsThroughYaml()
    {
        var o = OptionBinder.Apply(new DqnOptions(), new Dictionary<string, string>
        {
            ["learning_rate"] = "2.3e-3", ["net_arch"] = "[256, 128]", ["double_q"] = "true", ["loss"] = "mse", ["total_steps"] = "5e4",
            ["exploration"] = "boltzmann",
        });
        Assert.Equal(2.3e-3, o.LearningRate);
        Assert.Equal([256, 128], o.NetArch);
        Assert.True(o.DoubleQ);
        Assert.Equal(TdLoss.Mse, o.Loss);
        Assert.Equal(50_000, o.TotalSteps);
        Assert.Equal(ExplorationKind.Boltzmann, o.Exploration);
        var again = OptionBinder.Apply(new DqnOptions(), OptionBinder.Describe(o).ToDictionary(x => x.Key, x => x.Value));
        Assert.Equal(OptionBinder.ToYaml(o), OptionBinder.ToYaml(again));
        Assert.Equal(1e-4, new DqnOptions().LearningRate); // the input record is not modified
    }

    [Fact]
    public void UnknownKeysNameTheClosestValidKey()
    {
        var e = Assert.Throws<OptionException>(() => OptionBinder.Apply(new DqnOptions(), new Dictionary<string, string> { ["target_update_intervall"] = "5" }, "cfg.yaml"));
        Assert.Contains("cfg.yaml", e.Message);
        Assert.Contains("'target_update_interval'", e.Message);
    }

    [Theory]
    [InlineData("batch_size", "abc", "is not an integer")]
    [InlineData("gamma", "x", "is not a number")]
    [InlineData("dueling", "2", "is not true or false")]
    [InlineData("net_arch", "[0]", "positive layer sizes")]
    [InlineData("exploration", "softmax", "epsilon_greedy, boltzmann")]
    public void BadValuesNameTheKey(string key, string value, string message)
    {
        var e = Assert.Throws<OptionException>(() => OptionBinder.Apply(new DqnOptions(), new Dictionary<string, string> { [key] = value }));
        Assert.Contains(key, e.Message);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("learning_rate", "-1")]
    [InlineData("gamma", "1.5")]
    [InlineData("batch_size", "2000000")]
    [InlineData("tau", "0")]
    [InlineData("n_steps", "0")]
    public void ValidationNamesTheKey(string key, string value)
    {
        var o = OptionBinder.Apply(new DqnOptions(), new Dictionary<string, string> { [key] = value });
        var e = Assert.Throws<OptionException>(() => o.Validate());
        Assert.StartsWith(key + " = ", e.Message);
    }

    [Fact]
    public void EveryPresetIsValid()
    {
        foreach (var p in DqnPresets.All) p.Options.Validate();
        Assert.NotNull(DqnPresets.All.DefaultFor("CartPole-v1"));
        Assert.Equal("cleanrl", DqnPresets.All.Find("CleanRL")!.Name);
    }
}
