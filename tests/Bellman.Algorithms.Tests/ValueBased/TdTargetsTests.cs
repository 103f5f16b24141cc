using Bellman.Algorithms.ValueBased;

namespace Bellman.Algorithms.Tests.ValueBased;

public class TdTargetsTests
{
    [Fact]
    public void TerminatedHasNoBootstrapTruncatedDoes()
    {
        // Row 0: ordinary step. Row 1: terminated (discount 0). Row 2: truncated (discount γ, bootstraps from the final obs's Q).
        float[] returns = [1, 1, 1], discounts = [0.9f, 0, 0.9f];
        float[] nextQ = [2, 5, 100, 100, -1, 3];
        var y = new float[3];
        TdTargets.MaxTargets(returns, discounts, nextQ, 2, y);
        Assert.Equal([1 + 0.9f * 5, 1, 1 + 0.9f * 3], y);
    }

    [Fact]
    public void DoubleDqnEvaluatesTheOnlineArgmaxWithTheTarget()
    {
        float[] returns = [0, 0], discounts = [0.5f, 0.5f];
        float[] online = [1, 2, 3, 0];
        float[] target = [10, 20, 30, 40];
        var y = new float[2];
        TdTargets.DoubleTargets(returns, discounts, online, target, 2, y);
        Assert.Equal([10f, 15f], y); // argmax online row 0 = 1 -> target 20; row 1 -> 0 -> target 30
        TdTargets.MaxTargets(returns, discounts, target, 2, y);
        Assert.Equal([10f, 20f], y);
    }

    [Fact]
    public void ShapeMismatchNamesTheLengths()
    {
        var e = Assert.Throws<ArgumentException>(() => TdTargets.MaxTargets(new float[2], new float[2], new float[3], 2, new float[2]));
        Assert.Contains("nextQ 3", e.Message);
    }
}
