using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Training;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Nn;
using Bellman.Nn.Layers;
using static Bellman.Algorithms.Tests.Continuous.ContinuousTestKit;

namespace Bellman.Algorithms.Tests.Continuous;

/// <summary>
/// One SAC step on networks with a single hidden unit, against the update written out in double
/// precision: the α step toward the target entropy, the soft target with a' drawn from the update
/// generator, the critics' gradients, the actor's gradient (against central finite differences of the
/// actor loss through the updated, frozen critics) and the Polyak step of the targets.
/// </summary>
public sealed class SacUpdateTests
{
    private static readonly Box Observations = new(-10f, 10f, 1);
    private static readonly Box Actions = new(-2f, 2f, 1);
    private static readonly float[] S = [0.5f, 1.2f, 0.9f], A = [1.0f, -1.5f, 0.4f], R = [1.0f, -0.5f, 0.3f], D = [0.99f, 0.5f, 0f], Next = [0.8f, 0.3f, 1.7f];
    private const int N = 3;

    private sealed record Critic(double W1s, double W1a, double B1, double W2, double B2)
    {
        public double Pre(double s, double a) => W1s * s + W1a * a + B1;
        public double Q(double s, double a) => W2 * Math.Max(0, Pre(s, a)) + B2;
        public static Critic Of(Module m, int i)
        {
            var w1 = Param(m, $"qf{i}.0.weight").Data;
            return new(w1[0], w1[1], Param(m, $"qf{i}.0.bias").Data[0], Param(m, $"qf{i}.2.weight").Data[0], Param(m, $"qf{i}.2.bias").Data[0]);
        }
    }

    private static void SetCritic(Module m, int i, float ws, float wa, float b1, float w2, float b2)
    {
        Set(m, $"qf{i}.0.weight", ws, wa); Set(m, $"qf{i}.0.bias", b1);
        Set(m, $"qf{i}.2.weight", w2); Set(m, $"qf{i}.2.bias", b2);
    }

    /// <summary>Actor parameters θ = (latent w, latent b, μ w, μ b, log σ w, log σ b).</summary>
    private static readonly string[] ActorNames = ["latent_pi.0.weight", "latent_pi.0.bias", "mu.weight", "mu.bias", "log_std.weight", "log_std.bias"];

    /// <summary>u = μ(s) + σ(s) ε, log π(tanh u | s) = −½ε² − log σ − ½ log 2π − log(1 − tanh² u), in double.</summary>
    private static (double Action, double LogProb) Policy(double[] th, double s, double eps)
    {
        double h = Math.Max(0, th[0] * s + th[1]);
        double mu = th[2] * h + th[3];
        double logStd = Math.Clamp(th[4] * h + th[5], -20, 2);
        double u = mu + Math.Exp(logStd) * eps;
        double t = Math.Tanh(u);
        return (t, -0.5 * eps * eps - logStd - 0.5 * Math.Log(2 * Math.PI) - Math.Log(1 - t * t));
    }

    private static SacAgent Agent()
    {
        var options = new SacOptions { NetArch = [1], LearningRate = 0.01, Tau = 0.25, BatchSize = N, EntCoef = new EntropyCoefficient(true, 0.5) };
        var agent = new SacAgent(Observations, Actions, options, new Rng(3));
        float[] th = [1.0f, 0.0f, 0.4f, -0.1f, -0.5f, -0.2f];
        for (int k = 0; k < ActorNames.Length; k++) Set(agent.Actor, ActorNames[k], th[k]);
        SetCritic(agent.Critic, 0, 0.3f, 0.2f, 1.0f, 0.7f, 0.1f);
        SetCritic(agent.Critic, 1, -0.1f, 0.4f, 0.9f, 1.1f, -0.3f);
        SetCritic(agent.CriticTarget, 0, 0.2f, -0.3f, 0.8f, 0.9f, 0f);
        SetCritic(agent.CriticTarget, 1, 0.1f, 0.1f, 0.5f, 0.6f, 0.2f);
        return agent;
    }

    [Fact]
    public void OneStepMatchesTheUpdateComputedByHand()
    {
        var agent = Agent();
        double[] theta = [.. ActorNames.Select(n => (double)Param(agent.Actor, n).Data[0])];
        var critics = new[] { Critic.Of(agent.Critic, 0), Critic.Of(agent.Critic, 1) };
        var targets = new[] { Critic.Of(agent.CriticTarget, 0), Critic.Of(agent.CriticTarget, 1) };
        var criticTargetBefore = Values(agent.CriticTarget);
        // The agent draws ε for π(·|s) first, then ε' for π(·|s'), from the update generator.
        var draws = new Rng(11);
        double[] eps = [.. Enumerable.Range(0, N).Select(_ => draws.NextNormal())];
        double[] epsNext = [.. Enumerable.Range(0, N).Select(_ => draws.NextNormal())];
        double alpha = 0.5, targetEntropy = -1;

        var td = new float[N];
        var metrics = new UpdateMetrics(agent.Metrics);
        agent.Train(Batch(S, A, R, D, Next), td, new UpdateContext(0, new Rng(11), metrics));

        // Step 1: log α ← Adam(log α, −mean(log π(ã|s) + H̄)).
        double meanLogPi = Enumerable.Range(0, N).Average(j => Policy(theta, S[j], eps[j]).LogProb);
        Close(AdamFirstStep(Math.Log(0.5), -(meanLogPi + targetEntropy), 0.01), Math.Log(agent.Alpha), 1e-6, "log alpha");
        // Step 2: y = r + D (min_i Q_i'(s', a') − α log π(a'|s')).
        var y = new double[N];
        for (int j = 0; j < N; j++)
        {
            var (an, lpn) = Policy(theta, Next[j], epsNext[j]);
            y[j] = R[j] + D[j] * (Math.Min(targets[0].Q(Next[j], an), targets[1].Q(Next[j], an)) - alpha * lpn);
            Close(Math.Abs(critics[0].Q(S[j], A[j] / 2.0) - y[j]), td[j], 1e-5, $"|TD error| {j}");
        }
        // Step 3: L = ½ Σ_i mean_j (Q_i − y)², through Q = w2 relu(w1 · [s, a] + b1) + b2 (all pre-activations positive here).
        for (int i = 0; i < 2; i++)
        {
            var c = critics[i];
            double gws = 0, gwa = 0, gb1 = 0, gw2 = 0, gb2 = 0;
            for (int j = 0; j < N; j++)
            {
                double a = A[j] / 2.0, e = (c.Q(S[j], a) - y[j]) / N;
                Assert.True(c.Pre(S[j], a) > 0);
                gws += e * c.W2 * S[j]; gwa += e * c.W2 * a; gb1 += e * c.W2; gw2 += e * c.Pre(S[j], a); gb2 += e;
            }
            Close(gws, Param(agent.Critic, $"qf{i}.0.weight").Grad[0], 1e-5, $"critic {i} w1s");
            Close(gwa, Param(agent.Critic, $"qf{i}.0.weight").Grad[1], 1e-5, $"critic {i} w1a");
            Close(gb1, Param(agent.Critic, $"qf{i}.0.bias").Grad[0], 1e-5, $"critic {i} b1");
            Close(gw2, Param(agent.Critic, $"qf{i}.2.weight").Grad[0], 1e-5, $"critic {i} w2");
            Close(gb2, Param(agent.Critic, $"qf{i}.2.bias").Grad[0], 1e-5, $"critic {i} b2");
        }
        // Step 4: J(θ) = mean_j (α log π(ã_j|s_j) − min_i Q_i(s_j, ã_j)) with the critics after their step.
        var updated = new[] { Critic.Of(agent.Critic, 0), Critic.Of(agent.Critic, 1) };
        double J(double[] th) => Enumerable.Range(0, N).Average(j =>
        {
            var (a, lp) = Policy(th, S[j], eps[j]);
            return alpha * lp - Math.Min(updated[0].Q(S[j], a), updated[1].Q(S[j], a));
        });
        for (int k = 0; k < theta.Length; k++)
        {
            double h = 1e-6;
            var plus = (double[])theta.Clone(); plus[k] += h;
            var minus = (double[])theta.Clone(); minus[k] -= h;
            double fd = (J(plus) - J(minus)) / (2 * h);
            Close(fd, Param(agent.Actor, ActorNames[k]).Grad[0], 2e-4, $"dJ/d{ActorNames[k]}");
            Close(AdamFirstStep(theta[k], Param(agent.Actor, ActorNames[k]).Grad[0], 0.01), Param(agent.Actor, ActorNames[k]).Data[0], 1e-6, $"{ActorNames[k]} after Adam");
        }
        // Step 5: φ' ← ¼φ + ¾φ'.
        var critic = Values(agent.Critic);
        var criticTarget = Values(agent.CriticTarget);
        for (int k = 0; k < critic.Length; k++) Close(0.25 * critic[k] + 0.75 * criticTargetBefore[k], criticTarget[k], 1e-6, $"target {k}");
        Assert.Equal(0.5, metrics.TakeSnapshot()[agent.Metrics.ToList().FindIndex(m => m.Key == "ent_coef")], 6);
    }

    [Fact]
    public void AFixedAlphaStaysFixedAndHasNoOptimizer()
    {
        var options = new SacOptions { NetArch = [4], BatchSize = N, EntCoef = EntropyCoefficient.Fixed(0.2) };
        var agent = new SacAgent(Observations, Actions, options, new Rng(1));
        agent.Train(Batch(S, A, R, D, Next), new float[N], new UpdateContext(0, new Rng(2), new UpdateMetrics(agent.Metrics)));
        Assert.Equal(0.2, agent.Alpha, 6);
        Assert.Null(agent.AlphaOptimizer);
        Assert.DoesNotContain(agent.Optimizers, o => o.Name == "ent_coef_optimizer");
    }

    [Fact]
    public void TheSquashedGaussianLogProbAndItsGradientMatchFiniteDifferences()
    {
        // log π(tanh u) for u = μ + σ ε, as a function of (μ, log σ) at fixed ε, summed over two dimensions.
        double[] mean = [0.3, -1.2], logStd = [-0.4, 0.6], eps = [0.8, -1.5];
        double F(double[] m, double[] l) => Enumerable.Range(0, 2).Sum(j =>
        {
            double u = m[j] + Math.Exp(l[j]) * eps[j], t = Math.Tanh(u);
            return -0.5 * eps[j] * eps[j] - l[j] - 0.5 * Math.Log(2 * Math.PI) - Math.Log(1 - t * t);
        });
        var g = new Graph();
        var mu = g.Input([.. mean.Select(x => (float)x)], new Shape(1, 2), requiresGrad: true);
        var ls = g.Input([.. logStd.Select(x => (float)x)], new Shape(1, 2), requiresGrad: true);
        var u = g.Add(mu, g.Mul(g.Exp(ls), g.Input([.. eps.Select(x => (float)x)], new Shape(1, 2))));
        var logProb = g.TanhGaussianLogProb(u, mu, ls);
        Close(F(mean, logStd), logProb.Data[0], 1e-5, "log prob");
        g.Backward(g.Sum(logProb));
        for (int j = 0; j < 2; j++)
        {
            double h = 1e-6;
            double[] mp = (double[])mean.Clone(), mm = (double[])mean.Clone(), lp = (double[])logStd.Clone(), lm = (double[])logStd.Clone();
            mp[j] += h; mm[j] -= h; lp[j] += h; lm[j] -= h;
            Close((F(mp, logStd) - F(mm, logStd)) / (2 * h), mu.Grad[j], 1e-4, $"d/dmu{j}");
            Close((F(mean, lp) - F(mean, lm)) / (2 * h), ls.Grad[j], 1e-4, $"d/dlogstd{j}");
        }
    }
}
