using System.Text.RegularExpressions;
using Bellman.Algorithms;
using Bellman.Algorithms.Configuration;
using Bellman.Cli.Infrastructure;

namespace Bellman.Cli.Tests.Commands;

/// <summary>Unknown keys are suggested by meaning before spelling, each name once; numbers for people never read "-0".</summary>
public sealed class SuggestionAndFormatTests
{
    private static readonly string[] Names =
    [
        "lr", "lrate", "alpha", "gamma", "discount", "eps", "epsilon", "batch", "buffer", "critic_lr", "target_update_freq", "steps",
        "n_step", "polyak", "hidden", "entropy", "lambda", "num_envs", "learnig_rate", "zzz",
    ];

    [Theory]
    [InlineData("dqn", "lr", "'learning_rate'")]
    [InlineData("dqn", "discount", "'gamma'")]
    [InlineData("dqn", "batch", "'batch_size'")]
    [InlineData("dqn", "buffer", "'buffer_size'")]
    [InlineData("dqn", "epsilon", "'exploration_final_eps'")]
    [InlineData("qt-opt", "eps", "'exploration_eps'")]
    [InlineData("sac", "alpha", "'ent_coef' or 'learning_rate'")]
    [InlineData("actor-critic", "critic_lr", "'critic_learning_rate'")]
    [InlineData("dqn", "target_update_freq", "'target_update_interval'")]
    public void AnAliasIsSuggestedByMeaning(string algorithm, string key, string expected) =>
        CleanErrors.AssertFailed(CliRunner.Run("train", algorithm, "--set", $"{key}=-1"), $"unknown key '{key}'", $"did you mean {expected}?");

    [Fact]
    public void NoSuggestionListsANameTwiceOrAKeyTheAlgorithmLacks()
    {
        foreach (var spec in AlgorithmCatalog.All)
        {
            var keys = spec.Options.Select(o => o.Key).ToHashSet();
            foreach (string name in Names.Where(n => !keys.Contains(n)))
            {
                var e = Assert.ThrowsAny<ArgumentException>(() => spec.Bind(spec.Defaults, new Dictionary<string, string> { [name] = "1" }, "--set"));
                var suggested = Regex.Matches(e.Message[e.Message.IndexOf("did you mean", StringComparison.Ordinal)..], "'([a-z_0-9]+)'").Select(m => m.Groups[1].Value).ToList();
                Assert.True(suggested.Count > 0, $"{spec.Name} {name}: {e.Message}");
                Assert.True(suggested.Distinct().Count() == suggested.Count, $"{spec.Name} {name}: {e.Message}");
                Assert.True(suggested.All(keys.Contains), $"{spec.Name} {name} suggests a key it does not have: {e.Message}");
            }
        }
    }

    [Theory]
    [InlineData(-0.0001, 3, "0")]
    [InlineData(-0.0, 3, "0")]
    [InlineData(-0.004, 2, "0")]
    [InlineData(-0.005, 2, "-0.01")]
    [InlineData(12.3456, 2, "12.35")]
    [InlineData(-3.5, 1, "-3.5")]
    public void ShortNeverPrintsNegativeZero(double value, int decimals, string expected) => Assert.Equal(expected, Format.Short(value, decimals));

    [Fact]
    public void MeanAndStdOfZeroReadZero()
    {
        Assert.Equal("0 ± 0", Format.MeanStd(-1e-9, 0));
        Assert.Equal("0.000", Format.Fixed(-0.0004, 3));
        Assert.Equal("-0.001", Format.Fixed(-0.0006, 3));
    }
}
