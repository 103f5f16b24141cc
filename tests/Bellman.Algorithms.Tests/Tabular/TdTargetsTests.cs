using Bellman.Algorithms.Tabular;
using Xunit;

namespace Bellman.Algorithms.Tests.Tabular;

public sealed class TdTargetsTests
{
    [Fact]
    public void TargetsByHand()
    {
        double[] nextQ = [1.0, 4.0, 2.0];
        Assert.Equal(-1 + 0.5 * 4.0, TdTargets.QLearning(-1, nextQ, false, 0.5));
        Assert.Equal(-1.0, TdTargets.QLearning(-1, nextQ, true, 0.5));
        Assert.Equal(-1 + 0.5 * 2.0, TdTargets.Sarsa(-1, 2.0, false, 0.5));
        Assert.Equal(-1.0, TdTargets.Sarsa(-1, 2.0, true, 0.5));
        Assert.Equal(-1 + 0.5 * (0.2 * 1 + 0.5 * 4 + 0.3 * 2), TdTargets.ExpectedSarsa(-1, nextQ, [0.2, 0.5, 0.3], false, 0.5), 15);
        Assert.Equal(-1.0, TdTargets.ExpectedSarsa(-1, nextQ, [0.2, 0.5, 0.3], true, 0.5));
        Assert.Equal(3 + 0.9 * 10, TdTargets.StateValue(3, 10, false, 0.9), 15);
        Assert.Equal(2.0 + 0.25 * (6.0 - 2.0), TdTargets.Step(2.0, 6.0, 0.25));
    }
}
