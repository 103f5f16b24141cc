using Xunit;
using Bellman.Nn.Optimizers;
using static Bellman.Nn.Tests.Optimizers.TestParams;

namespace Bellman.Nn.Tests.Optimizers;

public class SgdTests
{
    [Fact]
    public void PlainStepIsThetaMinusLrTimesGrad()
    {
        var p = Make("w", 1f, -2f);
        var opt = new Sgd([p], learningRate: 0.1);
        SetGrad(p, 0.5f, 0.25f);
        opt.Step();
        // θ − γg = [1 − 0.1·0.5, −2 − 0.1·0.25]
        AssertClose([0.95, -2.025], p.Data);
        Assert.Equal(1, opt.StepCount);
    }

    [Fact]
    public void MomentumBufferStartsAtTheGradientThenAccumulates()
    {
        var p = Make("w", 1f);
        var opt = new Sgd([p], learningRate: 0.1, momentum: 0.9);
        SetGrad(p, 0.5f);
        opt.Step();
        // b₁ = g₁ = 0.5; θ = 1 − 0.1·0.5 = 0.95
        AssertClose([0.95], p.Data);
        SetGrad(p, 0.25f);
        opt.Step();
        // b₂ = 0.9·0.5 + 0.25 = 0.7; θ = 0.95 − 0.1·0.7 = 0.88
        AssertClose([0.88], p.Data);
    }

    [Fact]
    public void DampeningIsNotAppliedOnTheFirstStep()
    {
        var p = Make("w", 1f);
        var opt = new Sgd([p], learningRate: 0.1, momentum: 0.9, dampening: 0.5);
        SetGrad(p, 0.5f);
        opt.Step();
        // b₁ = g₁ = 0.5 (PyTorch clones the gradient into the new buffer); θ = 0.95
        AssertClose([0.95], p.Data);
        SetGrad(p, 0.25f);
        opt.Step();
        // b₂ = 0.9·0.5 + (1 − 0.5)·0.25 = 0.575; θ = 0.95 − 0.0575 = 0.8925
        AssertClose([0.8925], p.Data);
    }

    [Fact]
    public void NesterovLooksAhead()
    {
        var p = Make("w", 1f);
        var opt = new Sgd([p], learningRate: 0.1, momentum: 0.9, nesterov: true);
        SetGrad(p, 0.5f);
        opt.Step();
        // b₁ = 0.5; d = g + μb = 0.5 + 0.45 = 0.95; θ = 1 − 0.095 = 0.905
        AssertClose([0.905], p.Data);
        SetGrad(p, 0.25f);
        opt.Step();
        // b₂ = 0.45 + 0.25 = 0.7; d = 0.25 + 0.63 = 0.88; θ = 0.905 − 0.088 = 0.817
        AssertClose([0.817], p.Data);
    }

    [Fact]
    public void WeightDecayAddsLambdaThetaToTheGradient()
    {
        var p = Make("w", 1f, -2f);
        var opt = new Sgd([p], learningRate: 0.1, weightDecay: 0.1);
        SetGrad(p, 0.5f, 0f);
        opt.Step();
        // d = g + λθ = [0.5 + 0.1, 0 − 0.2]; θ − 0.1·d = [0.94, −1.98]
        AssertClose([0.94, -1.98], p.Data);
    }

    [Fact]
    public void FrozenParametersAreSkipped()
    {
        var a = Make("a", 1f);
        var b = Make("b", 1f);
        b.RequiresGrad = false;
        var opt = new Sgd([a, b], learningRate: 0.1);
        SetGrad(a, 1f);
        SetGrad(b, 1f);
        opt.Step();
        AssertClose([0.9], a.Data);
        Assert.Equal(1f, b.Data[0]);
    }

    [Fact]
    public void NesterovWithoutMomentumIsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Sgd([Make("w", 1f)], learningRate: 0.1, nesterov: true));
        Assert.Contains("Nesterov", ex.Message);
    }

    [Fact]
    public void ZeroGradClearsEveryGradient()
    {
        var a = Make("a", 1f, 2f);
        var b = Make("b", 3f);
        SetGrad(a, 1f, 2f);
        SetGrad(b, 3f);
        new Sgd([a, b], 0.1).ZeroGrad();
        Assert.All(a.Grad.Concat(b.Grad), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void DuplicateNamesAndBadHyperparametersAreRejected()
    {
        Assert.Contains("'w'", Assert.Throws<ArgumentException>(() => new Sgd([Make("w", 1f), Make("w", 2f)], 0.1)).Message);
        var p = Make("w", 1f);
        Assert.Throws<ArgumentException>(() => new Sgd([p, p], 0.1));
        Assert.Throws<ArgumentException>(() => new Sgd([], 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], 0.1, momentum: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], beta1: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp([p], alpha: 1.5));
    }
}
