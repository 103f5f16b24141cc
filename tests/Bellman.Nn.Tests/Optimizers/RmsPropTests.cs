using Xunit;
using Bellman.Nn.Optimizers;
using static Bellman.Nn.Tests.Optimizers.TestParams;

namespace Bellman.Nn.Tests.Optimizers;

public class RmsPropTests
{
    // θ₀ = [1, −2], g₁ = [0.5, −0.25], g₂ = [0.1, 0.3], γ = 0.01, α = 0.99, ε = 1e-8.
    private static Parameter Run(RmsPropFactory make, out Parameter afterOne)
    {
        var p = Make("w", 1f, -2f);
        var opt = make(p);
        SetGrad(p, 0.5f, -0.25f);
        opt.Step();
        afterOne = Make("copy", p.Data);
        SetGrad(p, 0.1f, 0.3f);
        opt.Step();
        return p;
    }

    private delegate Optimizer RmsPropFactory(Parameter p);

    [Fact]
    public void PlainSteps()
    {
        var p = Run(p => new RmsProp([p], learningRate: 0.01), out var one);
        // v₁ = 0.01g² = [0.0025, 0.000625]; a = √v₁ + ε = [0.05 + 1e-8, 0.025 + 1e-8];
        // θ₁ = θ₀ − 0.01·g/a = [1 − 0.01·0.5/0.05000001, −2 + 0.01·0.25/0.02500001] = [0.90000002, −1.90000004]
        AssertClose([0.900000019999996, -1.9000000399999841], one.Data);
        // v₂ = 0.99·0.0025 + 0.01·0.01 = 0.002575; θ₂[0] = θ₁[0] − 0.01·0.1/(√0.002575 + 1e-8) = 0.88029344
        AssertClose([0.8802934383202046, -1.9769800561388529], p.Data);
    }

    [Fact]
    public void CenteredSubtractsTheSquaredMeanGradient()
    {
        var p = Run(p => new RmsProp([p], learningRate: 0.01, centered: true), out var one);
        // ḡ₁ = 0.01g = [0.005, −0.0025]; ṽ = v₁ − ḡ₁² = [0.002475, 0.00061875];
        // θ₁[0] = 1 − 0.01·0.5/(√0.002475 + 1e-8) = 1 − 0.005/0.04974937 = 0.89949624
        AssertClose([0.899496238676095, -1.899496258878103], one.Data);
        AssertClose([0.8796527755549144, -1.976483261189776], p.Data);
    }

    [Fact]
    public void MomentumAccumulatesScaledGradients()
    {
        var p = Run(p => new RmsProp([p], learningRate: 0.01, momentum: 0.9), out var one);
        // b₁ = g/a = [9.9999980, −9.9999960]; θ₁ as without momentum.
        AssertClose([0.900000019999996, -1.9000000399999841], one.Data);
        // b₂[0] = 0.9·9.999998 + 0.1/(√0.002575 + 1e-8) = 8.9999982 + 1.9706657 = 10.970664; θ₂[0] = θ₁[0] − 0.10970664
        AssertClose([0.790293456320201, -1.8869800921388384], p.Data);
    }

    [Fact]
    public void CenteredMomentumAndWeightDecayTogether()
    {
        var p = Run(p => new RmsProp([p], learningRate: 0.01, momentum: 0.9, centered: true, weightDecay: 0.1), out var one);
        // g' = g + 0.1θ₀ = [0.6, −0.45]; ṽ = 0.01·0.36 − 0.006² = 0.003564; b₁ = 0.6/(√0.003564 + 1e-8) = 10.050378;
        // θ₁[0] = 1 − 0.01·10.050378 = 0.89949622
        AssertClose([0.8994962353090928, -1.899496240920763], one.Data);
        AssertClose([0.7784826402260491, -1.832974719159141], p.Data);
    }

    [Fact]
    public void TfLikeStartsVAtOneAndPutsEpsInsideTheRoot()
    {
        var p = Make("w", 1f);
        var opt = new RmsProp([p], learningRate: 0.01, eps: 1e-5, tfLike: true);
        SetGrad(p, 0.5f);
        opt.Step();
        // v₁ = 0.99·1 + 0.01·0.25 = 0.9925; a = √(0.9925 + 1e-5) = 0.99624796; θ = 1 − 0.01·0.5/0.99624796 = 0.99498117
        AssertClose([0.994981169151434], p.Data);
        SetGrad(p, 0.1f);
        opt.Step();
        // v₂ = 0.99·0.9925 + 0.01·0.01 = 0.982675; θ −= 0.01·0.1/√0.982685 = 0.99397240
        AssertClose([0.9939723975757584], p.Data);
    }

    [Fact]
    public void TfLikeCenteredWithMomentum()
    {
        var p = Make("w", 1f);
        var opt = new RmsProp([p], learningRate: 0.01, eps: 1e-5, momentum: 0.9, centered: true, tfLike: true);
        SetGrad(p, 0.5f);
        opt.Step();
        // ḡ₁ = 0.005; a = √(0.9925 − 0.000025 + 1e-5) = 0.99623541; b₁ = 0.5/a = 0.50188941; θ = 1 − 0.0050188941
        AssertClose([0.9949811059414202], p.Data);
        SetGrad(p, 0.1f);
        opt.Step();
        // ḡ₂ = 0.00595, v₂ = 0.982675; a = √(0.982675 − 0.00595² + 1e-5) = 0.99128684; b₂ = 0.9·b₁ + 0.1/a = 0.55257944
        AssertClose([0.9894553115413803], p.Data);
    }
}
