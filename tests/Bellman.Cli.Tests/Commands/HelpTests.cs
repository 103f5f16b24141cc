namespace Bellman.Cli.Tests.Commands;

public class HelpTests
{
    /// <summary>Every command's help renders (descriptions are Spectre markup: a stray bracket breaks it).</summary>
    [Theory]
    [InlineData("--help")]
    [InlineData("envs --help")]
    [InlineData("env rollout --help")]
    [InlineData("env random --help")]
    [InlineData("env check --help")]
    [InlineData("train --help")]
    [InlineData("train dqn --help")]
    [InlineData("train fqi --help")]
    [InlineData("presets --help")]
    [InlineData("eval --help")]
    [InlineData("plot --help")]
    [InlineData("bench nn --help")]
    [InlineData("train reinforce --help")]
    [InlineData("train actor-critic --help")]
    [InlineData("train a2c --help")]
    [InlineData("train q-learning --help")]
    [InlineData("train sarsa --help")]
    [InlineData("train expected-sarsa --help")]
    [InlineData("solve value-iteration --help")]
    [InlineData("solve policy-iteration --help")]
    [InlineData("solve policy-evaluation --help")]
    [InlineData("solve fitted-value-iteration --help")]
    [InlineData("value-fit --help")]
    public void HelpRenders(string args)
    {
        var r = CliRunner.Run(args.Split(' '));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("USAGE", r.Out);
        Assert.DoesNotContain("error", r.Error);
    }
}
