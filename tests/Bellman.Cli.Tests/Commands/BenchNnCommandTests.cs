using System.Text.Json;

namespace Bellman.Cli.Tests.Commands;

public class BenchNnCommandTests
{
    /// <summary>The JSON names the core's measured peak and each figure's floor and ratio, consistently (no speed is asserted).</summary>
    [Fact]
    public void JsonReportsPeakFloorAndRatio()
    {
        var r = CliRunner.Run(["bench", "nn", "--json", "--steps", "20"]);
        Assert.True(r.ExitCode == 0, r.Error);
        using var doc = JsonDocument.Parse(r.Out);
        JsonElement o = doc.RootElement;
        double peak = o.GetProperty("core_peak_gflops").GetDouble();
        Assert.True(peak > 0, "the measured peak must be positive");
        foreach (string figure in new[] { "grad_step", "greedy_action" })
        {
            double us = o.GetProperty($"{figure}_us").GetDouble(), floor = o.GetProperty($"{figure}_floor_us").GetDouble();
            double ratio = o.GetProperty($"{figure}_ratio_to_floor").GetDouble();
            Assert.True(floor > 0 && us > 0, figure);
            Assert.Equal(us / floor, ratio, 0.01 * ratio + 1e-3);
            // The floor is the figure's FLOPs at the peak: floor × peak = FLOPs = time × achieved GFLOP/s.
            Assert.Equal(us * o.GetProperty($"{figure}_gflops").GetDouble(), floor * peak, 0.02 * floor * peak);
        }
        Assert.Equal(0, o.GetProperty("grad_step_bytes_allocated").GetInt64());
    }

    [Fact]
    public void NonPositiveStepsIsAClearError()
    {
        var r = CliRunner.Run(["bench", "nn", "--steps", "0"]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--steps must be positive", r.Error + r.Out);
    }
}
