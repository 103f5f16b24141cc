using Xunit;
using Bellman.Nn.Optimizers;
using static Bellman.Nn.Tests.Optimizers.TestParams;

namespace Bellman.Nn.Tests.Optimizers;

public class AdamTests
{
    // θ₀ = [1, −2, 0.5], g₁ = [0.5, −0.25, 0], g₂ = [0.1, 0.3, −0.2], γ = 0.1, β = (0.9, 0.999), ε = 1e-8.
    private static (Parameter P, Optimizer Opt) Setup(Func<Parameter, Optimizer> make)
    {
        var p = Make("w", 1f, -2f, 0.5f);
        return (p, make(p));
    }

    [Fact]
    public void FirstStepMovesEachWeightByLearningRateTimesSignOfGradient()
    {
        var (p, opt) = Setup(p => new Adam([p], learningRate: 0.1));
        SetGrad(p, 0.5f, -0.25f, 0f);
        opt.Step();
        // m₁ = 0.1g, v₁ = 0.001g², 1 − β₁ = 0.1, 1 − β₂ = 0.001, so γ/(1 − β₁)·m₁ / (√v₁/√0.001 + ε)
        // = 0.1·g/(|g| + 1e-8): 0.1·0.5/0.50000001 = 0.099999998, −0.1·0.25/0.25000001 = −0.099999996, 0 for g = 0.
        AssertClose([0.900000002, -1.900000004, 0.5], p.Data);
    }

    [Fact]
    public void SecondStepUsesBiasCorrectionOfStepTwo()
    {
        var (p, opt) = Setup(p => new Adam([p], learningRate: 0.1));
        SetGrad(p, 0.5f, -0.25f, 0f);
        opt.Step();
        SetGrad(p, 0.1f, 0.3f, -0.2f);
        opt.Step();
        // Element 0: m₂ = 0.9·0.05 + 0.1·0.1 = 0.055; v₂ = 0.999·0.00025 + 0.001·0.01 = 0.00025975;
        // 1 − β₁² = 0.19, 1 − β₂² = 0.001999; θ = 0.900000002 − (0.1/0.19)·0.055/(√0.00025975/√0.001999 + 1e-8)
        // = 0.900000002 − 0.5263158·0.055/0.3604718 = 0.8196959. Elements 1, 2 likewise (m₂ = 0.0075, −0.02;
        // v₂ = 0.0001524375, 0.00004).
        AssertClose([0.8196959063846517, -1.914294476547747, 0.5744136770961723], p.Data);
        Assert.Equal(2, opt.StepCount);
    }

    [Fact]
    public void L2WeightDecayIsAddedToTheGradient()
    {
        var (p, opt) = Setup(p => new Adam([p], learningRate: 0.1, weightDecay: 0.1));
        SetGrad(p, 0.5f, -0.25f, 0f);
        opt.Step();
        // g' = g + 0.1θ = [0.6, −0.45, 0.05]; first step moves by 0.1·g'/(|g'| + 1e-8):
        // [1 − 0.1·0.6/0.60000001, −2 + 0.1·0.45/0.45000001, 0.5 − 0.1·0.05/0.05000001]
        AssertClose([0.9000000016666666, -1.900000002222222, 0.400000019999996], p.Data);
        SetGrad(p, 0.1f, 0.3f, -0.2f);
        opt.Step();
        AssertClose([0.8136483454297575, -1.8525905496385555, 0.45105248982204654], p.Data);
    }

    [Fact]
    public void AmsGradDividesByTheRunningMaximumOfV()
    {
        // g₂[0] = 0.01 makes v₂[0] = 0.999·0.00025 + 0.001·0.0001 = 0.00024985 < v₁[0] = 0.00025, so AMSGrad keeps
        // v₁: θ = 0.900000002 − (0.1/0.19)·0.046/(√0.00025/√0.001999 + 1e-8) = 0.83153942 versus 0.83151887 with v₂.
        var (a, adam) = Setup(p => new Adam([p], learningRate: 0.1));
        var (b, ams) = Setup(p => new Adam([p], learningRate: 0.1, amsGrad: true));
        foreach (var (p, opt) in new[] { (a, adam), (b, ams) })
        {
            SetGrad(p, 0.5f, -0.25f, 0f);
            opt.Step();
            SetGrad(p, 0.01f, 0.3f, -0.2f);
            opt.Step();
        }
        AssertClose([0.8315188687457401, -1.914294476547747, 0.5744136770961723], a.Data);
        AssertClose([0.8315394161677112, -1.914294476547747, 0.5744136770961723], b.Data);
    }

    [Fact]
    public void AdamWDecaysTheWeightsBeforeTheUpdate()
    {
        var (p, opt) = Setup(p => new AdamW([p], learningRate: 0.1, weightDecay: 0.1));
        SetGrad(p, 0.5f, -0.25f, 0f);
        opt.Step();
        // θ·(1 − γλ) = θ·0.99, then the plain Adam step on the raw gradient: [0.99 − 0.099999998, −1.98 + 0.099999996, 0.495]
        AssertClose([0.890000002, -1.880000004, 0.495], p.Data);
        SetGrad(p, 0.1f, 0.3f, -0.2f);
        opt.Step();
        AssertClose([0.8007959063646517, -1.875494476507747, 0.5644636770961723], p.Data);
    }

    [Fact]
    public void AdamWDefaultWeightDecayIsOneHundredth()
    {
        var (p, opt) = Setup(p => new AdamW([p], learningRate: 0.1));
        Assert.Equal(0.01, ((AdamW)opt).WeightDecay);
        SetGrad(p, 0.5f, -0.25f, 0f);
        opt.Step();
        // θ·(1 − 0.001) then ∓0.1: [0.999 − 0.099999998, −1.998 + 0.099999996, 0.4995]
        AssertClose([0.899000002, -1.898000004, 0.4995], p.Data);
    }

    [Fact]
    public void BiasCorrectionCountsEachParametersOwnSteps()
    {
        // A parameter frozen during the first step gets a first-step update (±γ) when it is unfrozen.
        var a = Make("a", 1f);
        var b = Make("b", 1f);
        var opt = new Adam([a, b], learningRate: 0.1);
        b.RequiresGrad = false;
        SetGrad(a, 0.5f);
        opt.Step();
        Assert.Equal(1f, b.Data[0]);
        b.RequiresGrad = true;
        SetGrad(b, 0.5f);
        opt.Step();
        AssertClose([0.900000002], b.Data);
        Assert.Equal(2, opt.StepCount);
        Assert.Equal(1, opt.StateDict().Scalars.ParameterSteps["b"]);
    }
}
