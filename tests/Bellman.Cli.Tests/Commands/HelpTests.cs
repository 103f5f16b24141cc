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

/// <summary>Every command in the tree, found from the help itself, renders its help (no markup error, exit 0).</summary>
public sealed class EveryCommandHelpTests
{
    private static IEnumerable<string> Commands(string help)
    {
        bool inCommands = false;
        foreach (string line in help.Split('\n'))
        {
            if (line.StartsWith("COMMANDS:", StringComparison.Ordinal)) { inCommands = true; continue; }
            if (!inCommands) continue;
            var m = System.Text.RegularExpressions.Regex.Match(line, @"^    ([a-z][a-z0-9-]*)");
            if (m.Success) yield return m.Groups[1].Value;
        }
    }

    [Fact]
    public void EveryCommandRendersItsHelp()
    {
        var queue = new Queue<string[]>([[]]);
        int visited = 0;
        while (queue.Count > 0)
        {
            var path = queue.Dequeue();
            var r = CliRunner.Run([.. path, "--help"]);
            Assert.True(r.ExitCode == 0 && r.Error.Length == 0, $"bellman {string.Join(' ', path)} --help: exit {r.ExitCode}, {r.Error}");
            visited++;
            foreach (var child in Commands(r.Out)) queue.Enqueue([.. path, child]);
        }
        Assert.True(visited >= 38, $"only {visited} commands found");
    }
}
