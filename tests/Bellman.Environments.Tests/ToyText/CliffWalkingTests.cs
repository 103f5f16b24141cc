using Bellman.Core.Tabular;
using Bellman.Environments.ToyText;
using Xunit;

namespace Bellman.Environments.Tests.ToyText;

public sealed class CliffWalkingTests
{
    private const double Third = 1.0 / 3;

    [Fact]
    public void SlipperyMovesGoIntendedOrSidewaysWithOneThirdEach()
    {
        var cliff = new CliffWalking(isSlippery: true);
        Assert.True(cliff.IsSlippery);
        // Up from the start: Left stays on the start, Up to 24, Right into the cliff (back to the start, -100).
        Assert.Equal(
            [new Outcome(Third, 36, -1, false), new Outcome(Third, 24, -1, false), new Outcome(Third, 36, -100, false)],
            cliff.Model.OutcomesOf(36, 0));
        // Down from (2, 11): Right stays, Down reaches the goal, Left to 34.
        Assert.Equal(
            [new Outcome(Third, 35, -1, false), new Outcome(Third, 47, -1, true), new Outcome(Third, 34, -1, false)],
            cliff.Model.OutcomesOf(35, 2));
        for (int s = 0; s < 48; s++)
        {
            for (int a = 0; a < 4; a++)
            {
                var outcomes = cliff.Model.OutcomesOf(s, a).ToArray();
                Assert.Equal(3, outcomes.Length);
                Assert.All(outcomes, o => Assert.Equal(Third, o.Probability));
            }
        }
    }

    [Fact]
    public void DeterministicWalkHasGymnasiumsLayout()
    {
        var cliff = new CliffWalking();
        Assert.Equal(48, cliff.Model.StateCount);
        Assert.Equal(12, cliff.GridColumns);
        Assert.Equal([new Outcome(1, 36, -100, false)], cliff.Model.OutcomesOf(36, 1));
        Assert.Equal([new Outcome(1, 47, -1, true)], cliff.Model.OutcomesOf(35, 2));
        Assert.Equal([new Outcome(1, 35, -1, false)], cliff.Model.OutcomesOf(47, 0)); // the goal is not absorbing in Gymnasium
        Assert.True(CliffWalking.IsCliff(3, 1) && CliffWalking.IsCliff(3, 10));
        Assert.False(CliffWalking.IsCliff(3, 0) || CliffWalking.IsCliff(3, 11) || CliffWalking.IsCliff(2, 5));
    }

    [Fact]
    public void RenderMatchesGymnasiumAnsi()
    {
        var cliff = new CliffWalking();
        cliff.Reset(seed: 0);
        string free = "o  o  o  o  o  o  o  o  o  o  o  o\n";
        Assert.Equal(free + free + free + "x  C  C  C  C  C  C  C  C  C  C  T\n\n", cliff.Render());
        cliff.Step(0);
        Assert.Equal(free + free + "x  o  o  o  o  o  o  o  o  o  o  o\no  C  C  C  C  C  C  C  C  C  C  T\n\n", cliff.Render());
    }

    [Fact]
    public void WalkingAlongTheSafePathTerminatesWithReturnMinus13()
    {
        var cliff = new CliffWalking();
        cliff.Reset(seed: 1);
        int[] path = [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2];
        double total = 0;
        bool terminated = false;
        foreach (int a in path)
        {
            var step = cliff.Step(a);
            total += step.Reward;
            terminated = step.Terminated;
        }
        Assert.True(terminated);
        Assert.Equal(-13, total);
        Assert.Equal(CliffWalking.GoalState, cliff.State);
    }
}
