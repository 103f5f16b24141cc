using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Training;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using static Bellman.Algorithms.Tests.Continuous.ContinuousTestKit;

namespace Bellman.Algorithms.Tests.Continuous;

/// <summary>
/// One DDPG/TD3 step on linear networks (net_arch []: μ(s) = tanh(v s + c), Q(s, a) = w_s s + w_a a + b),
/// checked against the update written out by hand: the targets with the minimum over two target critics,
/// the critics' gradients (untouched by the actor step), the actor's gradient through the updated first
/// critic, the delayed actor and target updates.
/// </summary>
public sealed class Td3UpdateTests
{
    private static readonly Box Observations = new(-10f, 10f, 1);
    private static readonly Box Actions = new(-2f, 2f, 1);   // scaled = a / 2
    private static readonly float[] S = [1.0f, -2.0f, 0.3f], A = [1.0f, -0.5f, 1.8f], R = [1.0f, -0.5f, 0.2f], D = [0.99f, 0.5f, 0f], Next = [0.5f, 1.5f, -1f];
    private const int N = 3;

    private static Td3Agent Agent(DeterministicPolicyOptions options)
    {
        var agent = new Td3Agent(Observations, Actions, options, new Rng(3), "td3");
        Set(agent.Actor, "0.weight", 0.5f); Set(agent.Actor, "0.bias", 0.1f);
        Set(agent.ActorTarget, "0.weight", -0.3f); Set(agent.ActorTarget, "0.bias", 0.2f);
        Set(agent.Critic, "qf0.0.weight", 0.4f, -0.6f); Set(agent.Critic, "qf0.0.bias", 0.05f);
        Set(agent.CriticTarget, "qf0.0.weight", 0.1f, 0.7f); Set(agent.CriticTarget, "qf0.0.bias", 0f);
        if (options.CriticCount == 2)
        {
            Set(agent.Critic, "qf1.0.weight", 0.2f, 0.3f); Set(agent.Critic, "qf1.0.bias", -0.1f);
            Set(agent.CriticTarget, "qf1.0.weight", 0.3f, -0.2f); Set(agent.CriticTarget, "qf1.0.bias", -0.3f);
        }
        return agent;
    }

    private static double Q(Bellman.Nn.Layers.Module critics, int i, double s, double a)
    {
        var w = Param(critics, $"qf{i}.0.weight").Data;
        return w[0] * s + w[1] * a + Param(critics, $"qf{i}.0.bias").Data[0];
    }

    /// <summary>y_j = r_j + D_j · min_i Q_i'(s'_j, μ'(s'_j)) with μ'(s') = tanh(−0.3 s' + 0.2).</summary>
    private static double[] Targets(Td3Agent agent, int critics)
    {
        var y = new double[N];
        for (int j = 0; j < N; j++)
        {
            double next = Math.Tanh(-0.3 * Next[j] + 0.2);
            double q = Q(agent.CriticTarget, 0, Next[j], next);
            if (critics == 2) q = Math.Min(q, Q(agent.CriticTarget, 1, Next[j], next));
            y[j] = R[j] + D[j] * q;
        }
        return y;
    }

    private static UpdateContext Context(Td3Agent agent) => new(0, new Rng(9), new UpdateMetrics(agent.Metrics));

    [Fact]
    public void Td3CriticStepMatchesTheHandComputedTargetsAndGradients()
    {
        var options = new Td3Options { NetArch = [], TargetPolicyNoise = 0, Tau = 0.5, LearningRate = 0.01, BatchSize = N };
        var agent = Agent(options);
        double[] y = Targets(agent, 2);
        // By hand: μ'(0.5) = tanh(0.05), μ'(1.5) = tanh(−0.25); row 0 takes the second target critic
        // (0.15 − 0.2 tanh 0.05 − 0.3 < 0.05 + 0.7 tanh 0.05), row 1 the first, row 2 is terminal.
        Close(1.0 + 0.99 * (0.15 - 0.2 * Math.Tanh(0.05) - 0.3), y[0], 1e-7, "y0");
        Close(-0.5 + 0.5 * (0.15 + 0.7 * Math.Tanh(-0.25)), y[1], 1e-7, "y1");
        Close(0.2, y[2], 1e-7, "y2");
        var before = (Values(agent.Actor), Values(agent.ActorTarget), Values(agent.CriticTarget));
        var q = new double[2, N];
        for (int i = 0; i < 2; i++) for (int j = 0; j < N; j++) q[i, j] = Q(agent.Critic, i, S[j], A[j] / 2.0);

        var td = new float[N];
        agent.Train(Batch(S, A, R, D, Next), td, Context(agent));

        for (int j = 0; j < N; j++) Close(Math.Abs(q[0, j] - y[j]), td[j], 1e-5, $"|TD error| {j}");
        // L = Σ_i mean_j (Q_i − y)²: ∂L/∂w_i = (2/n) Σ_j (Q_ij − y_j) [s_j, a_j, 1].
        for (int i = 0; i < 2; i++)
        {
            double gs = 0, ga = 0, gb = 0;
            for (int j = 0; j < N; j++)
            {
                double e = 2.0 / N * (q[i, j] - y[j]);
                gs += e * S[j]; ga += e * A[j] / 2.0; gb += e;
            }
            var w = Param(agent.Critic, $"qf{i}.0.weight");
            Close(gs, w.Grad[0], 1e-5, $"critic {i} dL/dw_s");
            Close(ga, w.Grad[1], 1e-5, $"critic {i} dL/dw_a");
            Close(gb, Param(agent.Critic, $"qf{i}.0.bias").Grad[0], 1e-5, $"critic {i} dL/db");
        }
        // policy_delay 2: after one critic update, neither the actor nor any target has moved, and the actor has no gradient.
        Assert.Equal(before.Item1, Values(agent.Actor));
        Assert.Equal(before.Item2, Values(agent.ActorTarget));
        Assert.Equal(before.Item3, Values(agent.CriticTarget));
        Assert.All(Grads(agent.Actor), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void TheDelayedActorStepFollowsTheUpdatedFirstCriticAndMovesTheTargets()
    {
        var options = new Td3Options { NetArch = [], TargetPolicyNoise = 0, Tau = 0.5, LearningRate = 0.01, BatchSize = N };
        var agent = Agent(options);
        var batch = Batch(S, A, R, D, Next);
        var td = new float[N];
        agent.Train(batch, td, Context(agent));
        var actorBefore = Values(agent.Actor);
        var actorTargetBefore = Values(agent.ActorTarget);
        var criticTargetBefore = Values(agent.CriticTarget);
        agent.Train(batch, td, Context(agent));
        Assert.Equal(2, agent.Updates);

        // J = −mean_j Q_0(s_j, tanh(v s_j + c)) with the critic after this step's update:
        // ∂J/∂v = −(1/n) Σ w_a (1 − μ_j²) s_j, ∂J/∂c = −(1/n) Σ w_a (1 − μ_j²).
        double wa = Param(agent.Critic, "qf0.0.weight").Data[1];
        double gv = 0, gc = 0;
        for (int j = 0; j < N; j++)
        {
            double mu = Math.Tanh(0.5 * S[j] + 0.1);
            gv -= wa * (1 - mu * mu) * S[j] / N;
            gc -= wa * (1 - mu * mu) / N;
        }
        Close(gv, Param(agent.Actor, "0.weight").Grad[0], 1e-5, "dJ/dv");
        Close(gc, Param(agent.Actor, "0.bias").Grad[0], 1e-5, "dJ/dc");
        Close(AdamFirstStep(0.5, gv, 0.01), Param(agent.Actor, "0.weight").Data[0], 1e-6, "v after Adam");
        // Polyak with τ = 0.5: θ' ← ½θ + ½θ', φ' ← ½φ + ½φ'.
        var actor = Values(agent.Actor);
        var actorTarget = Values(agent.ActorTarget);
        for (int k = 0; k < actor.Length; k++) Close(0.5 * actor[k] + 0.5 * actorTargetBefore[k], actorTarget[k], 1e-6, $"actor target {k}");
        var critic = Values(agent.Critic);
        var criticTarget = Values(agent.CriticTarget);
        for (int k = 0; k < critic.Length; k++) Close(0.5 * critic[k] + 0.5 * criticTargetBefore[k], criticTarget[k], 1e-6, $"critic target {k}");
        Assert.NotEqual(actorBefore, actor);
    }

    [Fact]
    public void DdpgBootstrapsFromItsOneCriticAndUpdatesTheActorEveryStep()
    {
        var options = new DdpgOptions { NetArch = [], Tau = 0.5, LearningRate = 0.01, BatchSize = N };
        var agent = Agent(options);
        Assert.Equal(1, agent.Critic.Count);
        double[] y = Targets(agent, 1);
        double q0 = Q(agent.Critic, 0, S[0], A[0] / 2.0);
        var actorBefore = Values(agent.Actor);
        var td = new float[N];
        agent.Train(Batch(S, A, R, D, Next), td, Context(agent));
        Close(Math.Abs(q0 - y[0]), td[0], 1e-5, "|TD error| 0");
        Close(1.0 + 0.99 * (0.05 + 0.7 * Math.Tanh(0.05)), y[0], 1e-7, "y0 from Q'(s', mu'(s'))");
        Assert.NotEqual(actorBefore, Values(agent.Actor));
    }

    [Fact]
    public void TargetPolicySmoothingAddsClippedNoiseAndClipsToTheScaledBounds()
    {
        var actions = new float[] { 0.0f, 0.9f, -0.95f, 0.3f };
        var rng = new Rng(5);
        var copy = new Rng(5);
        ContinuousTargets.SmoothTargetActions(actions, sigma: 0.5, clip: 0.2, rng);
        float[] start = [0.0f, 0.9f, -0.95f, 0.3f];
        for (int k = 0; k < 4; k++)
        {
            double eps = Math.Clamp(0.5 * copy.NextNormal(), -0.2, 0.2);
            Assert.Equal(Math.Clamp(start[k] + (float)eps, -1f, 1f), actions[k]);
            Assert.InRange(actions[k], -1f, 1f);
            Assert.InRange(Math.Abs(actions[k] - start[k]), 0f, 0.2f + 1e-6f);
        }
        var untouched = new float[] { 0.25f };
        ContinuousTargets.SmoothTargetActions(untouched, 0, 0.5, rng);
        Assert.Equal(0.25f, untouched[0]);
    }

    [Fact]
    public void TargetsAreTheReturnPlusTheDiscountedBootstrap()
    {
        var y = new float[3];
        ContinuousTargets.Bootstrap([1f, 2f, -1f], [0.9f, 0f, 0.81f], [10f, 5f, -2f], y);
        Assert.Equal([10f, 2f, -1f + 0.81f * -2f], y);
        ContinuousTargets.Soft([1f, 2f], [0.5f, 0f], [4f, 3f], [-1f, 2f], 0.2f, y.AsSpan(0, 2));
        Assert.Equal(1f + 0.5f * (4f + 0.2f), y[0], 6);
        Assert.Equal(2f, y[1]);
    }
}
