using Bellman.Algorithms;

namespace Bellman.Cli.Tests.Commands;

/// <summary>What the algorithm catalogue gives the CLI: a train command per algorithm, its options, its presets, the version.</summary>
public sealed class CatalogCommandsTests
{
    public static TheoryData<string> Algorithms => new(AlgorithmCatalog.All.Select(a => a.Name));

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void EveryAlgorithmHasATrainCommandAndAnOptionsTable(string name)
    {
        var help = CliRunner.Run("train", name, "--help");
        Assert.True(help.ExitCode == 0, help.Error);
        var options = CliRunner.Run("options", name);
        Assert.True(options.ExitCode == 0, options.Error);
        var info = AlgorithmCatalog.Find(name)!;
        Assert.Contains(info.Description, options.Out);
        foreach (var o in info.Options)
        {
            Assert.Contains(o.Key, options.Out);
            Assert.Contains(o.Default, options.Out);
        }
    }

    [Fact]
    public void TheOptionsTableShowsTypesDefaultsAndDescriptions()
    {
        var r = CliRunner.Run("options", "dqn");
        Assert.True(r.ExitCode == 0, r.Error);
        var line = r.Lines.First(l => l.Contains("target_update_interval"));
        Assert.Contains("integer", line);
        Assert.Contains("10000", line);
        Assert.Contains("environment steps between target updates", line);
        Assert.Contains("epsilon_greedy|boltzmann", r.Out);
    }

    [Fact]
    public void AnUnknownAlgorithmSuggestsTheClosest()
    {
        var r = CliRunner.Run("options", "dqm");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("dqn", r.Error);
    }

    [Fact]
    public void PresetsCanBeListedForOneEnvironment()
    {
        var r = CliRunner.Run("presets", "--env", "Acrobot-v1");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("dqn", r.Out);
        Assert.Contains("a2c", r.Out);
        Assert.DoesNotContain("MountainCar", r.Out);
        Assert.DoesNotContain("cleanrl", r.Out);
        var none = CliRunner.Run("presets", "--env", "Taxi-v4");
        Assert.True(none.ExitCode == 0, none.Error);
        Assert.Contains("No built-in presets for Taxi-v4", none.Out);
        var bad = CliRunner.Run("presets", "--env", "CartPole-v2");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("CartPole-v1", bad.Error);
    }

    [Fact]
    public void VersionPrintsTheVersion()
    {
        var r = CliRunner.Run("--version");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Matches(@"^\d+\.\d+\.\d+", r.Out.Trim());
    }
}
