using Bellman.Core.Tabular;
using Bellman.Environments.ToyText;
using Xunit;

namespace Bellman.Environments.Tests.ToyText;

public sealed class GridWorldTests
{
    [Fact]
    public void DenseTensorIsTheLectures16By16By4()
    {
        var grid = new GridWorld();
        var t = grid.Model.ToDenseTransitions();
        Assert.Equal([16, 16, 4], new[] { t.GetLength(0), t.GetLength(1), t.GetLength(2) });
        for (int s = 0; s < 16; s++)
        {
            for (int a = 0; a < 4; a++)
            {
                double sum = 0;
                for (int next = 0; next < 16; next++) sum += t[next, s, a];
                Assert.Equal(1.0, sum);
            }
        }
        Assert.Equal(1.0, t[0, 1, 0]);  // 1 --Left--> 0
        Assert.Equal(1.0, t[9, 5, 1]);  // 5 --Down--> 9
        Assert.Equal(1.0, t[3, 3, 2]);  // 3 --Right--> off the grid: stays
        Assert.Equal(1.0, t[3, 3, 3]);  // 3 --Up--> off the grid: stays
        Assert.Equal(1.0, t[14, 10, 1]); // 10 --Down--> 14
    }

    [Fact]
    public void TerminalsAbsorbAndEveryOtherStepCostsOne()
    {
        var grid = new GridWorld();
        for (int a = 0; a < 4; a++)
        {
            Assert.Equal([new Outcome(1, 0, 0, true)], grid.Model.OutcomesOf(0, a));
            Assert.Equal([new Outcome(1, 15, 0, true)], grid.Model.OutcomesOf(15, a));
        }
        Assert.Equal([new Outcome(1, 15, -1, true)], grid.Model.OutcomesOf(14, 2));
        Assert.Equal([new Outcome(1, 4, -1, false)], grid.Model.OutcomesOf(4, 0));
        for (int s = 1; s < 15; s++) Assert.Equal(1.0 / 14, grid.Model.InitialDistribution[s]);
        Assert.Equal(0.0, grid.Model.InitialDistribution[0]);
        Assert.Equal(0.0, grid.Model.InitialDistribution[15]);
    }

    /// <summary>Iterative policy evaluation of the equiprobable random policy, γ = 1, gives Sutton &amp; Barto's Figure 4.1.</summary>
    [Fact]
    public void RandomPolicyValuesAreTheBooks()
    {
        var model = new GridWorld().Model;
        var v = new double[16];
        for (int sweep = 0; sweep < 2000; sweep++)
        {
            var next = new double[16];
            for (int s = 0; s < 16; s++)
                for (int a = 0; a < 4; a++)
                    foreach (var o in model.OutcomesOf(s, a))
                        next[s] += 0.25 * o.Probability * (o.Reward + (o.Terminated ? 0 : v[o.NextState]));
            v = next;
        }
        double[] book = [0, -14, -20, -22, -14, -18, -20, -20, -20, -20, -18, -14, -22, -20, -14, 0];
        for (int s = 0; s < 16; s++) Assert.Equal(book[s], v[s], 1e-6);
    }

    [Fact]
    public void RenderShowsTheAgentAndTheLastAction()
    {
        var grid = new GridWorld();
        grid.ResetToState([5.0]);
        Assert.Equal("\nT...\n.\u001b[41m.\u001b[0m..\n....\n...T\n", grid.Render());
        grid.Step(3);
        Assert.Equal("  (Up)\nT\u001b[41m.\u001b[0m..\n....\n....\n...T\n", grid.Render());
        Assert.True(grid.Step(0).Terminated);
    }
}
