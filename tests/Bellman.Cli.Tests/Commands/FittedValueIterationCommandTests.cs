using System.Text.Json;

namespace Bellman.Cli.Tests.Commands;

public class FittedValueIterationCommandTests
{
    [Fact]
    public void FitsVStarOnFrozenLake()
    {
        var r = CliRunner.Run("solve", "fitted-value-iteration", "--env", "FrozenLake-v1", "--gamma", "0.9", "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        using var json = JsonDocument.Parse(r.Out);
        Assert.True(json.RootElement.GetProperty("max_abs_error_vs_v_star").GetDouble() < 0.02, r.Out);
        Assert.Equal(16, json.RootElement.GetProperty("V").GetArrayLength());
        Assert.Equal(4, json.RootElement.GetProperty("Q")[0].GetArrayLength());
    }

    [Fact]
    public void NeedsAModel()
    {
        var r = CliRunner.Run("solve", "fitted-value-iteration", "--env", "CartPole-v1");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("no known model", r.Error);
    }
}
