using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Networks;
using Bellman.Core.Random;
using Bellman.Nn;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.Tests.ActorCritic;

public sealed class PolicyTests
{
    [Fact]
    public void CategoricalLogProbAndEntropyMatchHandComputedValues()
    {
        float[] logits = [0, MathF.Log(2), MathF.Log(5)]; // π = [1/8, 2/8, 5/8]
        var dist = new CategoricalDistribution(3);
        var g = new Graph();
        var heads = g.Input(logits, new Shape(1, 3));
        Assert.Equal(Math.Log(2.0 / 8), dist.LogProb(g, heads, [1f]).Data[0], 5);
        Assert.Equal(Math.Log(2.0 / 8), CategoricalDistribution.LogProb(logits, 1), 6);
        double h = -(1 / 8.0 * Math.Log(1 / 8.0) + 2 / 8.0 * Math.Log(2 / 8.0) + 5 / 8.0 * Math.Log(5 / 8.0));
        Assert.Equal(h, dist.MeanEntropy(g, heads).Item(), 5);
        var a = new float[1];
        dist.Greedy(logits, a);
        Assert.Equal(2f, a[0]);
    }

    [Fact]
    public void CategoricalSamplingInvertsTheCumulativeDistribution()
    {
        float[] logits = [0, MathF.Log(2), MathF.Log(5)];
        Assert.Equal(0, CategoricalDistribution.SampleIndex(logits, 0.1));
        Assert.Equal(1, CategoricalDistribution.SampleIndex(logits, 0.2));
        Assert.Equal(1, CategoricalDistribution.SampleIndex(logits, 0.37));
        Assert.Equal(2, CategoricalDistribution.SampleIndex(logits, 0.38));
        Assert.Equal(2, CategoricalDistribution.SampleIndex(logits, 0.999999));
        var dist = new CategoricalDistribution(3);
        var rng = new Rng(3);
        var counts = new int[3];
        var act = new float[1];
        const int n = 40_000;
        for (int i = 0; i < n; i++) { dist.Sample(logits, act, rng); counts[(int)act[0]]++; }
        // Binomial standard errors are below 0.0025; allow 4 of them.
        Assert.InRange(counts[0] / (double)n, 0.125 - 0.01, 0.125 + 0.01);
        Assert.InRange(counts[2] / (double)n, 0.625 - 0.01, 0.625 + 0.01);
    }

    [Fact]
    public void GaussianSamplesHaveTheLearnedMeanAndStd()
    {
        var logStd = new Parameter("log_std", 2);
        logStd.Data[0] = MathF.Log(0.5f);
        logStd.Data[1] = MathF.Log(2f);
        var dist = new DiagonalGaussianDistribution(logStd);
        var rng = new Rng(4);
        float[] mean = [1, -3];
        var a = new float[2];
        double s0 = 0, s1 = 0, q0 = 0, q1 = 0;
        const int n = 40_000;
        for (int i = 0; i < n; i++)
        {
            dist.Sample(mean, a, rng);
            s0 += a[0]; s1 += a[1]; q0 += a[0] * a[0]; q1 += a[1] * a[1];
        }
        Assert.InRange(s0 / n, 1 - 0.01, 1 + 0.01);
        Assert.InRange(s1 / n, -3 - 0.04, -3 + 0.04);
        Assert.InRange(Math.Sqrt(q0 / n - s0 * s0 / n / n), 0.49, 0.51);
        Assert.InRange(Math.Sqrt(q1 / n - s1 * s1 / n / n), 1.96, 2.04);
        dist.Greedy(mean, a);
        Assert.Equal(mean, a);
        var g = new Graph();
        // H = Σ log σ + d/2 ln(2πe)
        Assert.Equal(Math.Log(0.5) + Math.Log(2) + Math.Log(2 * Math.PI * Math.E), dist.MeanEntropy(g, g.Input(mean, new Shape(1, 2))).Item(), 5);
    }

    public static TheoryData<bool, bool> Architectures => new() { { false, false }, { true, false }, { false, true }, { true, true } };

    /// <summary>∂/∂θ Σ_i w_i log π_θ(a_i|s_i) through the whole network, against float64 central differences.</summary>
    [Theory]
    [MemberData(nameof(Architectures))]
    public void LogProbGradientsMatchFiniteDifferences(bool continuous, bool shared)
    {
        const int obs = 3, batch = 4, d = 2, n = 3;
        var rng = new Rng(11);
        int head = continuous ? d : n;
        var net = new ActorCriticNetwork([obs], head, NetworkSpec.MlpOf([5, 4]), Activation.Tanh, shared, critic: true, continuous ? -0.3f : null, orthogonalInit: false, rng);
        IPolicyDistribution dist = continuous ? new DiagonalGaussianDistribution(net.LogStd!) : new CategoricalDistribution(n);
        var s = new float[batch * obs];
        for (int i = 0; i < s.Length; i++) s[i] = (float)rng.NextNormal();
        var actions = new float[batch * dist.ActionSize];
        for (int i = 0; i < actions.Length; i++) actions[i] = continuous ? (float)rng.NextNormal() : rng.NextInt(n);
        float[] w = [0.7f, -1.3f, 0.4f, 2.0f];

        var g = new Graph();
        double Objective(bool backward)
        {
            g.Reset();
            var logp = dist.LogProb(g, net.Forward(g, g.Input(s, new Shape(batch, obs))), actions);
            var j = g.Sum(g.Mul(logp, g.Input(w, logp.Shape)));
            if (backward) { net.ZeroGrad(); g.Backward(j); }
            return j.Item();
        }
        Objective(backward: true);
        int checkedCount = 0;
        foreach (var p in net.ActorParameters)
        {
            var analytic = (float[])p.Grad.Clone();
            for (int k = 0; k < p.Size; k++)
            {
                float x = p.Data[k];
                const float h = 1e-2f;
                p.Data[k] = x + h; double up = Objective(false);
                p.Data[k] = x - h; double down = Objective(false);
                p.Data[k] = x;
                double numeric = (up - down) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[k]) <= 2e-3 + 2e-2 * Math.Abs(numeric), $"{p.Name}[{k}]: analytic {analytic[k]}, numeric {numeric}");
                checkedCount++;
            }
        }
        Assert.True(checkedCount > 40);
        // The critic does not enter log π: its own parameters get no gradient.
        foreach (var p in net.CriticParameters.Except(net.ActorParameters)) Assert.All(p.Grad, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void TheTwoArchitecturesNameTheirParametersLikePyTorchSubmodules()
    {
        var two = new ActorCriticNetwork([4], 2, NetworkSpec.MlpOf([8, 8]), Activation.Tanh, shared: false, critic: true, null, true, new Rng(1));
        Assert.Equal(["actor.0.weight", "actor.0.bias", "actor.2.weight", "actor.2.bias", "actor.4.weight", "actor.4.bias",
            "critic.0.weight", "critic.0.bias", "critic.2.weight", "critic.2.bias", "critic.4.weight", "critic.4.bias"], two.Parameters().Select(p => p.Name));
        var shared = new ActorCriticNetwork([4], 1, NetworkSpec.MlpOf([8, 8]), Activation.Tanh, shared: true, critic: true, 0f, true, new Rng(1));
        Assert.Equal(["trunk.0.weight", "trunk.0.bias", "trunk.2.weight", "trunk.2.bias", "actor.0.weight", "actor.0.bias",
            "critic.0.weight", "critic.0.bias", "log_std"], shared.Parameters().Select(p => p.Name));
        Assert.Contains(shared.Parameters()[0], shared.CriticParameters);
        Assert.Contains(shared.Parameters()[0], shared.ActorParameters);
    }
}
