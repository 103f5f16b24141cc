using Xunit;
using Bellman.Core.Environments;
using Bellman.Environments.Wrappers;

namespace Bellman.Environments.Tests.Wrappers;

public sealed class ActionWrapperTests
{
    [Fact]
    public void ClipActionClipsIntoTheInnerBoxAndWidensItsOwnSpace()
    {
        var inner = new BoxEnv();
        var env = new ClipAction(inner);
        Assert.Equal("Box(-inf, inf, (2,), float32)", env.ActionSpace.ToString());
        env.Reset(seed: 0);
        env.Step([3f, -5f]);
        Assert.Equal([2f, -2f], inner.LastAction);
        env.Step([0.5f, -1.5f]);
        Assert.Equal([0.5f, -1.5f], inner.LastAction);
        Assert.Throws<InvalidActionException>(() => env.Step([float.NaN, 0f]));
        Assert.Throws<InvalidActionException>(() => env.Step([0f]));
        Assert.Throws<ArgumentException>(() => new ClipAction(new CounterEnv()));
    }

    [Fact]
    public void RescaleActionMapsTheNewRangeOntoTheInnerBox()
    {
        var inner = new BoxEnv();
        var env = new RescaleAction(inner, -1, 1);
        Assert.Equal("Box(-1, 1, (2,), float32)", env.ActionSpace.ToString());
        env.Reset(seed: 0);
        env.Step([1f, -0.5f]);
        Assert.Equal([2f, -1f], inner.LastAction);
        env.Step([-1f, 0f]);
        Assert.Equal([-2f, 0f], inner.LastAction);
    }

    [Fact]
    public void RescaleActionToAnAsymmetricRange()
    {
        // g = (1 − 0) / (2 − (−2)) = 0.25, b = g·2 + 0 = 0.5, a_inner = (a − 0.5) / 0.25.
        var inner = new BoxEnv();
        var env = new RescaleAction(inner, [0.0, 0.0], [1.0, 0.5]);
        env.Reset(seed: 0);
        env.Step([0f, 0.5f]);
        Assert.Equal([-2f, 2f], inner.LastAction);
        env.Step([0.25f, 0.125f]);
        Assert.Equal([-1f, -1f], inner.LastAction);
    }

    [Fact]
    public void RescaleActionRejectsBadBounds()
    {
        Assert.Throws<ArgumentException>(() => new RescaleAction(new BoxEnv(), 1, 1));
        Assert.Throws<ArgumentException>(() => new RescaleAction(new BoxEnv(), 1, -1));
        Assert.Throws<ArgumentException>(() => new RescaleAction(new BoxEnv(), [0.0], [1.0]));
        Assert.Throws<ArgumentException>(() => new RescaleAction(new CounterEnv(), -1, 1));
        Assert.Throws<ArgumentException>(() => new RescaleAction(new BoxEnv(), double.NegativeInfinity, 1));
    }
}
