using Bellman.Algorithms.Training;
using Bellman.Core.Random;
using Bellman.Core.Schedules;
using Bellman.Nn;
using Bellman.Nn.Optimizers;

namespace Bellman.Algorithms.ActorCritic;

/// <summary>
/// The lecture's batch actor-critic algorithm (with discount):
/// <list type="number">
/// <item>sample {s_i, a_i} from π_θ(a|s) (the loop's rollout);</item>
/// <item>fit V̂_φ(s) to targets y_i by <c>critic_steps</c> gradient steps on (1/N) Σ_i (V̂_φ(s_i) − y_i)²:
/// the sampled reward sums y_i = Σ_{t'≥t} γ^{t'−t} r_{t'} (bootstrapped from V̂ where the rollout cuts an
/// episode), or with <c>bootstrap_targets</c> y_i = r_i + γ V̂_φ(s'_i) recomputed before each step;</item>
/// <item>evaluate Â(s_i, a_i) = r(s_i, a_i) + γ V̂_φ(s'_i) − V̂_φ(s_i) with the fitted critic
/// (V̂(s') = 0 at termination, the final observation's value at truncation);</item>
/// <item>∇_θ J(θ) ≈ (1/N) Σ_i ∇_θ log π_θ(a_i|s_i) Â(s_i, a_i) (+ an entropy bonus);</item>
/// <item>θ ← θ + α ∇_θ J(θ).</item>
/// </list>
/// With n_envs = 1, n_steps = 1, critic_steps = 1 and bootstrap_targets this is the lecture's online
/// actor-critic: take a ~ π_θ(a|s), get (s, a, s', r); update V̂ toward r + γV̂(s'); evaluate Â; one policy
/// step. Actor and critic have their own optimizers (sharing the trunk in the shared architecture).
/// </summary>
public sealed class BatchActorCriticUpdate : IOnPolicyUpdate
{
    private readonly ActorCriticOptions _options;
    private readonly Graph _graph = new();
    private float[] _targets = [], _next = [], _advantages = [];

    /// <summary>Creates the agent with separate actor and critic optimizers.</summary>
    public BatchActorCriticUpdate(Core.Spaces.Space observationSpace, Core.Spaces.Space actionSpace, ActorCriticOptions options, Rng init)
    {
        options.Validate();
        _options = options;
        Agent = new ActorCriticAgent(observationSpace, actionSpace, options, critic: true, splitOptimizers: true, options.CriticLearningRate, init);
    }

    /// <inheritdoc/>
    public ActorCriticAgent Agent { get; }

    /// <inheritdoc/>
    public IReadOnlyList<MetricDefinition> Metrics => ActorCriticMetrics.WithCritic;

    /// <inheritdoc/>
    public bool Update(Rollout ro, in UpdateContext context)
    {
        double progress = context.Progress;
        var o = _options;
        int B = ro.Size, T = ro.Steps;
        float gamma = (float)o.Gamma;
        if (_targets.Length != B) (_targets, _next, _advantages) = (new float[B], new float[B], new float[B]);
        var net = Agent.Network;
        var g = _graph;
        var shape = ro.BatchShape;

        // 2. Fit V̂_φ.
        if (!o.BootstrapTargets)
            for (int e = 0; e < ro.Envs; e++)
                Returns.NStepReturns(ro.Rewards.AsSpan(e * T, T), ro.NextValues.AsSpan(e * T, T), ro.Terminated.AsSpan(e * T, T), ro.Ended.AsSpan(e * T, T), gamma, _targets.AsSpan(e * T, T));
        var critic = Agent.CriticOptimizer!;
        critic.LearningRate = (o.LearningRateLinearDecay ? Schedule.LinearDecay(o.CriticLearningRate) : Schedule.Constant(o.CriticLearningRate)).ValueAt(progress);
        double valueLoss = 0;
        for (int k = 0; k < o.CriticSteps; k++)
        {
            g.Reset();
            if (o.BootstrapTargets)
            {
                NextValues(g, ro, shape);
                for (int i = 0; i < B; i++) _targets[i] = ro.Rewards[i] + (ro.Terminated[i] ? 0f : gamma * _next[i]);
            }
            var v = net.Value(g, g.Input(ro.Observations, shape));
            var loss = g.MseLoss(v, g.Input(_targets, v.Shape));
            critic.ZeroGrad();
            g.Backward(loss);
            if (o.MaxGradNorm > 0) GradientClipping.ClipGradNorm(critic.Parameters, o.MaxGradNorm);
            critic.Step();
            valueLoss = loss.Item();
        }

        // 3. Â = r + γV̂(s') − V̂(s) with the fitted critic.
        g.Reset();
        NextValues(g, ro, shape);
        var (head, value) = net.Evaluate(g, g.Input(ro.Observations, shape));
        ro.CompleteValues(value!.Data);
        ReadOnlySpan<float> vs = ro.Values;
        double meanV = 0;
        for (int i = 0; i < B; i++)
        {
            _advantages[i] = ro.Rewards[i] + (ro.Terminated[i] ? 0f : gamma * _next[i]) - vs[i];
            meanV += vs[i];
        }
        if (o.NormalizeAdvantage) Returns.Normalize(_advantages);

        // 4–5. Policy gradient step.
        var logp = Agent.Distribution.LogProb(g, head, ro.Actions);
        var policyLoss = g.Neg(g.Mean(g.Mul(logp, g.Input(_advantages, logp.Shape))));
        var entropy = Agent.Distribution.MeanEntropy(g, head);
        var total = o.EntCoef > 0 ? g.Sub(policyLoss, g.Scale(entropy, (float)o.EntCoef)) : policyLoss;
        var actor = Agent.ActorOptimizer;
        actor.ZeroGrad();
        g.Backward(total);
        if (o.MaxGradNorm > 0) GradientClipping.ClipGradNorm(actor.Parameters, o.MaxGradNorm);
        actor.LearningRate = o.LearningRateSchedule.ValueAt(progress);
        actor.Step();
        ActorCriticMetrics.Record(context.Metrics, policyLoss.Item(), valueLoss, entropy.Item(), meanV / B);
        return true;
    }

    /// <summary>V̂_φ(s'_i) for every row, without gradient, into _next.</summary>
    private void NextValues(Graph g, Rollout ro, Shape shape)
    {
        using var _ = g.NoGrad();
        Agent.Network.Value(g, g.Input(ro.NextObservations, shape)).Data.CopyTo(_next);
    }
}
