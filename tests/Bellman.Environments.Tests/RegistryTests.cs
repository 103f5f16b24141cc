using Bellman.Core.Environments;
using Bellman.Environments.Wrappers;
using Xunit;

namespace Bellman.Environments.Tests;

public sealed class RegistryTests
{
    private static EnvRegistry MakeRegistry()
    {
        var registry = new EnvRegistry();
        registry.Register(
            new EnvSpec("Counter-v0", MaxEpisodeSteps: 20, RewardThreshold: 5),
            o => new TimeLimitProbe(o.GetInt("start"), o.GetBool("slow"), o.GetString("mode")),
            [
                new EnvOption("start", EnvOptionType.Int, "0", "Start position."),
                new EnvOption("slow", EnvOptionType.Bool, "false", "Whether it is slow."),
                new EnvOption("scale", EnvOptionType.Double, "1.5", "A scale."),
                new EnvOption("mode", EnvOptionType.String, "fast", "Speed mode.") { Choices = ["fast", "slow"] },
            ],
            "A walk on the integers.");
        registry.Register(new EnvSpec("CartPole-v1", 500, 475), _ => new CounterEnv());
        registry.Register(new EnvSpec("Box-v0"), _ => new BoxEnv());
        return registry;
    }

    [Fact]
    public void MakeSetsSpecAndAddsTheTimeLimit()
    {
        var env = MakeRegistry().Make("Counter-v0");
        var limit = Assert.IsType<TimeLimit>(env);
        Assert.Equal(20, limit.MaxEpisodeSteps);
        Assert.Equal("Counter-v0", env.Spec!.Id);
        Assert.Equal("Counter-v0", env.Unwrap().Spec!.Id);
        Assert.Equal(5, env.Spec.RewardThreshold);
        Assert.Equal("1.5", env.Spec.Options["scale"]);
        Assert.Equal("TimeLimit<Counter-v0>", env.ToString());
    }

    [Fact]
    public void OptionsReachTheFactoryAndMaxEpisodeStepsOverridesTheLimit()
    {
        var env = MakeRegistry().Make("Counter-v0", new Dictionary<string, string> { ["start"] = "3", ["slow"] = "yes", ["max_episode_steps"] = "7" });
        Assert.Equal(7, Assert.IsType<TimeLimit>(env).MaxEpisodeSteps);
        Assert.Equal(7, env.Spec!.MaxEpisodeSteps);
        var probe = Assert.IsType<TimeLimitProbe>(env.Unwrap());
        Assert.Equal((3, true, "fast"), (probe.Start, probe.Slow, probe.Mode));
        Assert.False(env.Spec.Options.ContainsKey("max_episode_steps"));
    }

    [Fact]
    public void TimeLimitCanBeLeftOutAndEnvsWithoutALimitAreNotWrapped()
    {
        var registry = MakeRegistry();
        Assert.IsType<TimeLimitProbe>(registry.Make("Counter-v0", timeLimit: false));
        Assert.IsType<BoxEnv>(registry.Make("Box-v0"));
        Assert.IsType<TimeLimit>(registry.Make("Box-v0", new Dictionary<string, string> { ["max_episode_steps"] = "3" }));
    }

    [Fact]
    public void UnknownIdNamesTheClosestIds()
    {
        var registry = MakeRegistry();
        var e = Assert.Throws<UnknownEnvironmentException>(() => registry.Make("cartpole"));
        Assert.Equal("CartPole-v1", e.Suggestions[0]);
        Assert.Contains("'CartPole-v1'", e.Message);
        Assert.IsAssignableFrom<ArgumentException>(e);
        var v1 = Assert.Throws<UnknownEnvironmentException>(() => registry.Make("Counter-v1"));
        Assert.Equal(["Counter-v0", "Box-v0", "CartPole-v1"], v1.Suggestions);
    }

    [Fact]
    public void UnknownOptionNamesTheEnvironmentAndTheClosestKey()
    {
        var e = Assert.Throws<EnvOptionException>(() => MakeRegistry().Make("Counter-v0", new Dictionary<string, string> { ["strat"] = "1" }));
        Assert.Contains("Counter-v0", e.Message);
        Assert.Contains("'start'", e.Message);
        Assert.Equal("strat", e.Key);
        var steps = Assert.Throws<EnvOptionException>(() => MakeRegistry().Make("Box-v0", new Dictionary<string, string> { ["max_episode_step"] = "1" }));
        Assert.Contains("'max_episode_steps'", steps.Message);
    }

    [Theory]
    [InlineData("start", "x", "not an integer")]
    [InlineData("start", "1.5", "not an integer")]
    [InlineData("slow", "maybe", "not a boolean")]
    [InlineData("scale", "big", "not a number")]
    [InlineData("mode", "medium", "not one of fast, slow")]
    [InlineData("max_episode_steps", "0", "not a positive integer")]
    public void UnparsableValuesNameKeyValueAndType(string key, string value, string expected)
    {
        var e = Assert.Throws<EnvOptionException>(() => MakeRegistry().Make("Counter-v0", new Dictionary<string, string> { [key] = value }));
        Assert.Contains($"'{key}'", e.Message);
        Assert.Contains($"'{value}'", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ListsRegistrationsSortedAndRejectsBadRegistrations()
    {
        var registry = MakeRegistry();
        Assert.Equal(["Box-v0", "CartPole-v1", "Counter-v0"], registry.Ids);
        Assert.Equal(["Box-v0", "CartPole-v1", "Counter-v0"], registry.Specs.Select(s => s.Id));
        var counter = registry.Get("Counter-v0");
        Assert.Equal(4, counter.Options.Count);
        Assert.Equal("A walk on the integers.", counter.Description);
        Assert.Throws<ArgumentException>(() => registry.Register(new EnvSpec("Box-v0"), _ => new BoxEnv()));
        Assert.Throws<ArgumentException>(() => registry.Register(new EnvSpec("Bad-v0"), _ => new BoxEnv(), [new EnvOption("n", EnvOptionType.Int, "many", "")]));
        Assert.Throws<ArgumentException>(() => registry.Register(new EnvSpec("Bad-v0"), _ => new BoxEnv(), [new EnvOption("max_episode_steps", EnvOptionType.Int, "5", "")]));
        Assert.False(registry.Contains("Bad-v0"));
    }

    [Fact]
    public void RegisteredEnvironmentsPassTheChecker()
    {
        var registry = MakeRegistry();
        Assert.True(EnvChecker.Check(() => registry.Make("CartPole-v1"), steps: 300).Passed);
    }

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("flaw", "lawn", 2)]
    [InlineData("same", "same", 0)]
    public void EditDistanceIsLevenshtein(string a, string b, int expected) => Assert.Equal(expected, Bellman.Core.Text.Suggestions.EditDistance(a, b));

    /// <summary>CounterEnv that remembers the options it was built with.</summary>
    private sealed class TimeLimitProbe(int start, bool slow, string mode) : IEnvironment
    {
        private readonly CounterEnv _inner = new();

        public int Start => start;

        public bool Slow => slow;

        public string Mode => mode;

        public EnvSpec? Spec { get; set; }

        public Bellman.Core.Spaces.Space ObservationSpace => _inner.ObservationSpace;

        public Bellman.Core.Spaces.Space ActionSpace => _inner.ActionSpace;

        public ReadOnlySpan<float> Observation => _inner.Observation;

        public ReadOnlySpan<float> Reset(int? seed = null) => _inner.Reset(seed);

        public StepResult Step(int action) => _inner.Step(action);

        public StepResult Step(ReadOnlySpan<float> action) => _inner.Step(action);

        public string Render() => _inner.Render();
    }
}
