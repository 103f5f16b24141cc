namespace Bellman.Distributed.Tests;

public class NStepBuilderTests
{
    [Fact]
    public void Full_windows_bootstrap_with_gamma_to_the_n()
    {
        var b = new NStepBuilder(envs: 1, observationSize: 1, n: 2, gamma: 0.5);
        b.Add(0, [0], 0, 1, [1], false, false);
        Assert.Empty(b.Ready);
        b.Add(0, [1], 1, 2, [2], false, false);
        var t = Assert.Single(b.Ready);
        Assert.Equal(0f, t.Obs[0]);
        Assert.Equal(1 + 0.5f * 2, t.Return);
        Assert.Equal(0.25f, t.Discount);
        Assert.Equal(2f, t.Next[0]);
    }

    [Fact]
    public void Termination_flushes_every_pending_step_with_discount_zero()
    {
        var b = new NStepBuilder(envs: 1, observationSize: 1, n: 3, gamma: 0.5);
        b.Add(0, [0], 0, 1, [1], false, false);
        b.Add(0, [1], 0, 1, [9], true, false);
        Assert.Equal(2, b.Ready.Count);
        Assert.Equal((1.5f, 0f), (b.Ready[0].Return, b.Ready[0].Discount));
        Assert.Equal((1f, 0f), (b.Ready[1].Return, b.Ready[1].Discount));
        Assert.All(b.Ready, t => Assert.Equal(9f, t.Next[0]));
    }

    [Fact]
    public void Truncation_flushes_and_bootstraps_from_the_final_observation()
    {
        var b = new NStepBuilder(envs: 2, observationSize: 1, n: 3, gamma: 0.5);
        b.Add(1, [0], 0, 1, [1], false, false);
        b.Add(0, [5], 0, 7, [6], false, false); // the other environment's window is untouched
        b.Add(1, [1], 0, 1, [8], false, true);
        Assert.Equal(2, b.Ready.Count);
        Assert.Equal((1.5f, 0.25f), (b.Ready[0].Return, b.Ready[0].Discount));
        Assert.Equal((1f, 0.5f), (b.Ready[1].Return, b.Ready[1].Discount));
        Assert.All(b.Ready, t => Assert.Equal(8f, t.Next[0]));
    }
}
