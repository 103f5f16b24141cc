using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Configuration;
using Bellman.Core.Random;
using Bellman.Environments;

namespace Bellman.Algorithms.Tests.ActorCritic;

public sealed class ValueFitComparisonTests
{
    private static void RandomPolicy(ReadOnlySpan<float> s, Span<float> a, Rng rng) => a[0] = rng.NextInt(2);

    [Fact]
    public void WithGammaZeroBothFitsRecoverTheOneStepValue()
    {
        // γ = 0: V^π(s) = E[r] = 1 on CartPole for every state, and both targets are exactly r = 1.
        var o = new ValueFitOptions { Episodes = 3, Datasets = 2, ProbeStates = 5, Rollouts = 3, Gamma = 0, NetArch = [8], GradientSteps = 300, BootstrapRounds = 10, LearningRate = 1e-2 };
        var report = ValueFitComparison.Run(() => EnvRegistry.Default.Make("CartPole-v1"), RandomPolicy, o, 0);
        Assert.Equal(1.0, report.MeanTrueValue, 10);
        foreach (var r in new[] { report.MonteCarlo, report.Bootstrapped })
        {
            Assert.True(r.Rmse < 0.05, $"{r.Method}: rmse {r.Rmse}");
            Assert.Equal(0.0, r.TargetStd, 6);
        }
    }

    [Fact]
    public void TheReferenceValueIsTheDiscountedReturnOfTheRandomPolicy()
    {
        // A uniformly random policy keeps CartPole up for about 22 steps: V^π at visited states is positive
        // and below the undiscounted mean episode length.
        var o = new ValueFitOptions { Episodes = 4, Datasets = 2, ProbeStates = 8, Rollouts = 10, Gamma = 0.9, NetArch = [8], GradientSteps = 40, BootstrapRounds = 4 };
        var report = ValueFitComparison.Run(() => EnvRegistry.Default.Make("CartPole-v1"), RandomPolicy, o, 1);
        Assert.InRange(report.MeanTrueValue, 1.0, 10.0); // Σ γ^k ≤ 1/(1 − γ) = 10
        Assert.True(report.MonteCarlo.TargetStd > 0.5);
        Assert.True(report.MonteCarlo.Variance >= 0 && report.Bootstrapped.Variance >= 0);
    }

    [Fact]
    public void InvalidSettingsNameTheKey()
    {
        var e = Assert.Throws<OptionException>(() => new ValueFitOptions { Datasets = 1 }.Validate());
        Assert.Contains("datasets", e.Message);
        e = Assert.Throws<OptionException>(() => new ValueFitOptions { GradientSteps = 5, BootstrapRounds = 10 }.Validate());
        Assert.Contains("bootstrap_rounds", e.Message);
    }
}
