using Bellman.Algorithms.Training;
using Bellman.Core.Random;
using Bellman.Nn;
using Bellman.Nn.Optimizers;

namespace Bellman.Algorithms.ActorCritic;

/// <summary>
/// REINFORCE with reward-to-go and a baseline (Williams 1992; the lecture's policy gradient):
/// <list type="number">
/// <item>sample trajectories {τ_i} from π_θ(a_t|s_t) (the loop's rollout);</item>
/// <item>∇_θ J(θ) ≈ (1/N) Σ_{i,t} ∇_θ log π_θ(a_{i,t}|s_{i,t}) (Q̂_{i,t} − b), with the reward-to-go
/// Q̂_{i,t} = Σ_{t'≥t} γ^{t'−t} r_{i,t'} to the end of the episode, and b = 0, the batch average of Q̂, or a
/// learned V̂_φ(s_{i,t}) fitted to Q̂ by ½‖V̂_φ(s) − Q̂‖² (Monte Carlo policy evaluation);</item>
/// <item>θ ← θ + α ∇_θ J(θ).</item>
/// </list>
/// Only complete returns are used: steps of an episode still running when the rollout ends are left out
/// of the gradient (their returns are unknown); the episode continues in the next rollout, whose later
/// steps have complete rewards-to-go again.
/// </summary>
public sealed class ReinforceUpdate : IOnPolicyUpdate
{
    private readonly ReinforceOptions _options;
    private readonly Graph _graph = new();
    private float[] _q = [], _weights = [], _advantages = [], _valueWeights = [];
    private bool[] _valid = [];

    /// <summary>Creates the agent (with a critic only for <see cref="BaselineKind.Value"/>).</summary>
    public ReinforceUpdate(Core.Spaces.Space observationSpace, Core.Spaces.Space actionSpace, ReinforceOptions options, Rng init)
    {
        options.Validate();
        _options = options;
        Agent = new ActorCriticAgent(observationSpace, actionSpace, options, critic: options.Baseline == BaselineKind.Value, splitOptimizers: false, options.LearningRate, init);
    }

    /// <inheritdoc/>
    public ActorCriticAgent Agent { get; }

    /// <inheritdoc/>
    public IReadOnlyList<MetricDefinition> Metrics => _options.Baseline == BaselineKind.Value ? ActorCriticMetrics.WithCritic : ActorCriticMetrics.ActorOnly;

    /// <inheritdoc/>
    public bool Update(Rollout ro, in UpdateContext context)
    {
        double progress = context.Progress;
        var o = _options;
        int B = ro.Size, T = ro.Steps, count = 0;
        if (_q.Length != B) (_q, _weights, _advantages, _valueWeights, _valid) = (new float[B], new float[B], new float[B], new float[B], new bool[B]);
        for (int e = 0; e < ro.Envs; e++)
        {
            Returns.RewardToGo(ro.Rewards.AsSpan(e * T, T), ro.Ended.AsSpan(e * T, T), (float)o.Gamma, 0f, _q.AsSpan(e * T, T));
            count += Returns.CompleteEpisodes(ro.Ended.AsSpan(e * T, T), _valid.AsSpan(e * T, T));
        }
        if (count == 0) return false;

        var g = _graph;
        g.Reset();
        var (head, value) = Agent.Network.Evaluate(g, g.Input(ro.Observations, ro.BatchShape));
        if (value is not null) ro.CompleteValues(value.Data);
        double b = 0;
        if (o.Baseline == BaselineKind.Average)
        {
            for (int i = 0; i < B; i++) if (_valid[i]) b += _q[i];
            b /= count;
        }
        int k = 0;
        for (int i = 0; i < B; i++)
        {
            if (!_valid[i]) continue;
            _advantages[k++] = _q[i] - (o.Baseline == BaselineKind.Value ? ro.Values[i] : (float)b);
        }
        if (o.NormalizeAdvantage) Returns.Normalize(_advantages.AsSpan(0, count));
        // Per-row weights put the mean over complete steps into one batched pass.
        k = 0;
        for (int i = 0; i < B; i++)
        {
            _weights[i] = _valid[i] ? _advantages[k++] / count : 0f;
            _valueWeights[i] = _valid[i] ? (float)B / count : 0f;
        }

        var logp = Agent.Distribution.LogProb(g, head, ro.Actions);
        var policyLoss = g.Neg(g.Sum(g.Mul(logp, g.Input(_weights, logp.Shape))));
        var entropy = Agent.Distribution.MeanEntropy(g, head);
        var loss = o.EntCoef > 0 ? g.Sub(policyLoss, g.Scale(entropy, (float)o.EntCoef)) : policyLoss;
        Tensor? valueLoss = null;
        if (value is not null)
        {
            valueLoss = g.MseLoss(value, g.Input(_q, value.Shape), g.Input(_valueWeights, value.Shape));
            loss = g.Add(loss, g.Scale(valueLoss, (float)o.VfCoef));
        }
        var opt = Agent.ActorOptimizer;
        opt.ZeroGrad();
        g.Backward(loss);
        if (o.MaxGradNorm > 0) GradientClipping.ClipGradNorm(opt.Parameters, o.MaxGradNorm);
        if (o.LearningRateLinearDecay) opt.LearningRate = o.LearningRateSchedule.ValueAt(progress);
        opt.Step();
        if (valueLoss is null) ActorCriticMetrics.Record(context.Metrics, policyLoss.Item(), entropy.Item());
        else ActorCriticMetrics.Record(context.Metrics, policyLoss.Item(), valueLoss.Item(), entropy.Item(), A2cUpdate.Mean(ro.Values));
        return true;
    }
}
