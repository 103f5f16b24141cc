using Bellman.Algorithms.Training;
using Bellman.Core.Random;
using Bellman.Nn;
using Bellman.Nn.Optimizers;

namespace Bellman.Algorithms.ActorCritic;

/// <summary>
/// A2C (Mnih et al. 2016, synchronous): the batch actor-critic on N parallel environments with n-step
/// rollouts. For each rollout of E × T steps:
/// <list type="number">
/// <item>Â_t = GAE(λ): δ_t = r_t + γ(1 − term_t)V̂(s_{t+1}) − V̂(s_t), Â_t = δ_t + γλ(1 − end_t)Â_{t+1}
/// (λ = 1: the n-step return minus V̂(s_t)); targets y_t = Â_t + V̂(s_t); optionally normalise Â;</item>
/// <item>L(θ, φ) = −(1/B) Σ_i log π_θ(a_i|s_i) Â_i + c_v (1/B) Σ_i (V̂_φ(s_i) − y_i)² − c_e H[π_θ(·|s)],
/// so that −∇_θ L is the lecture's ∇J ≈ Σ_i ∇log π_θ(a_i|s_i) Â(s_i, a_i) plus an entropy bonus;</item>
/// <item>clip ‖∇L‖ to max_grad_norm and take one RMSprop (or Adam) step on θ and φ together.</item>
/// </list>
/// </summary>
public sealed class A2cUpdate : IOnPolicyUpdate
{
    private readonly A2cOptions _options;
    private readonly Graph _graph = new();
    private float[] _advantages = [], _targets = [];

    /// <summary>Creates the agent (two networks or a shared trunk, one joint optimizer) from <paramref name="init"/>.</summary>
    public A2cUpdate(Core.Spaces.Space observationSpace, Core.Spaces.Space actionSpace, A2cOptions options, Rng init)
    {
        options.Validate();
        _options = options;
        Agent = new ActorCriticAgent(observationSpace, actionSpace, options, critic: true, splitOptimizers: false, options.LearningRate, init);
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
        if (_advantages.Length != B) (_advantages, _targets) = (new float[B], new float[B]);
        var g = _graph;
        g.Reset();
        var (head, value) = Agent.Network.Evaluate(g, g.Input(ro.Observations, ro.BatchShape));
        ro.CompleteValues(value!.Data);
        for (int e = 0; e < ro.Envs; e++)
        {
            var adv = _advantages.AsSpan(e * T, T);
            Returns.Gae(ro.Rewards.AsSpan(e * T, T), ro.Values.AsSpan(e * T, T), ro.NextValues.AsSpan(e * T, T), ro.Terminated.AsSpan(e * T, T),
                ro.Ended.AsSpan(e * T, T), (float)o.Gamma, (float)o.GaeLambda, adv);
        }
        for (int i = 0; i < B; i++) _targets[i] = _advantages[i] + ro.Values[i];
        if (o.NormalizeAdvantage) Returns.Normalize(_advantages);

        var logp = Agent.Distribution.LogProb(g, head, ro.Actions);
        var policyLoss = g.Neg(g.Mean(g.Mul(logp, g.Input(_advantages, logp.Shape))));
        var valueLoss = g.MseLoss(value, g.Input(_targets, value.Shape));
        var entropy = Agent.Distribution.MeanEntropy(g, head);
        var loss = g.Add(policyLoss, g.Scale(valueLoss, (float)o.VfCoef));
        if (o.EntCoef > 0) loss = g.Sub(loss, g.Scale(entropy, (float)o.EntCoef));

        var opt = Agent.ActorOptimizer;
        opt.ZeroGrad();
        g.Backward(loss);
        if (o.MaxGradNorm > 0) GradientClipping.ClipGradNorm(opt.Parameters, o.MaxGradNorm);
        if (o.LearningRateLinearDecay) opt.LearningRate = o.LearningRateSchedule.ValueAt(progress);
        opt.Step();
        ActorCriticMetrics.Record(context.Metrics, policyLoss.Item(), valueLoss.Item(), entropy.Item(), Mean(ro.Values));
        return true;
    }

    internal static double Mean(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x) sum += v;
        return x.Length == 0 ? double.NaN : sum / x.Length;
    }
}
