using Bellman.Algorithms.Exploration;
using Bellman.Algorithms.Networks;
using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Core.Random;
using Bellman.Core.Schedules;
using Bellman.Nn;
using Bellman.Nn.Layers;
using Bellman.Nn.Optimizers;

namespace Bellman.Algorithms.ValueBased;

/// <summary>
/// Deep Q-learning, the lecture's "classic" algorithm and its improvements:
/// <list type="number">
/// <item>take some action a_i and observe (s_i, a_i, s'_i, r_i), add it to B (the loop does this);</item>
/// <item>sample a mini-batch {s_j, a_j, s'_j, r_j} from B uniformly (or by priority);</item>
/// <item>compute y_j = r_j + γ max_a' Q_φ'(s'_j, a') using the target network Q_φ'
/// (double DQN: y_j = r_j + γ Q_φ'(s'_j, argmax_a' Q_φ(s'_j, a')); n-step: Σ γ^k r + γ^n ...);</item>
/// <item>φ ← φ − α Σ_j dQ_φ/dφ(s_j, a_j) (Q_φ(s_j, a_j) − y_j), through a Huber or squared loss,
/// weighted by importance weights under prioritized replay, with the gradient norm clipped;</item>
/// <item>update φ': copy φ every N steps, or Polyak-average it with τ.</item>
/// </list>
/// With <c>replay = false</c> the loop feeds one transition per step and the target uses φ itself: the
/// lecture's online Q-iteration ("what's wrong?").
/// </summary>
public sealed class DqnAgent : IOffPolicyAgent
{
    private readonly DqnOptions _options;
    private readonly int _observationSize;
    private readonly Graph _graph = new();
    private readonly Graph _actGraph = new();
    private readonly float[] _targets;
    private readonly float[] _actQ;
    private readonly Schedule _exploration;

    /// <summary>Creates the networks (initialised from <paramref name="init"/>) and the optimizer.</summary>
    public DqnAgent(int observationSize, int actionCount, DqnOptions options, Rng init)
    {
        _options = options.Validate();
        _observationSize = observationSize;
        ActionCount = actionCount;
        var random = new RngSource(init);
        Q = QNetwork.Create(observationSize, actionCount, options.NetArch, options.Dueling, random);
        Target = QNetwork.Create(observationSize, actionCount, options.NetArch, options.Dueling, random);
        Target.CopyFrom(Q);
        Target.SetRequiresGrad(false);
        Optimizer = options.Optimizer switch
        {
            OptimizerKind.Adam => new Adam(Q.Parameters(), options.LearningRate, eps: options.OptimizerEps),
            OptimizerKind.Rmsprop => new RmsProp(Q.Parameters(), options.LearningRate, eps: options.OptimizerEps, centered: true),
            _ => new Sgd(Q.Parameters(), options.LearningRate),
        };
        _targets = new float[Math.Max(options.BatchSize, options.NumEnvs)];
        _actQ = new float[actionCount];
        _exploration = options.Exploration == ExplorationKind.EpsilonGreedy
            ? Schedule.Linear(options.ExplorationInitialEps, options.ExplorationFinalEps, options.ExplorationFraction)
            : Schedule.Linear(options.TemperatureInitial, options.TemperatureFinal, options.ExplorationFraction);
    }

    /// <summary>The online network Q_φ.</summary>
    public Module Q { get; }

    /// <summary>The target network Q_φ'.</summary>
    public Module Target { get; }

    /// <summary>The optimizer of φ.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>|A|.</summary>
    public int ActionCount { get; }

    /// <inheritdoc/>
    public bool DiscreteActions => true;

    /// <inheritdoc/>
    public int ActionSize => 1;

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Module Module)> Networks => [("q", Q), ("q_target", Target)];

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Optimizer Optimizer)> Optimizers => [("optimizer", Optimizer)];

    /// <inheritdoc/>
    public double Exploration(double progress) => _exploration.ValueAt(progress);

    /// <summary>Q_φ(s, ·) for a batch of observations, without recording gradients.</summary>
    public void QValues(ReadOnlySpan<float> observations, int count, Span<float> destination)
    {
        _actGraph.Reset();
        using var _ = _actGraph.NoGrad();
        var x = _actGraph.Input(observations[..(count * _observationSize)], new Shape(count, _observationSize));
        Q.Forward(_actGraph, x).Data.CopyTo(destination);
    }

    /// <inheritdoc/>
    public void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, double progress, Rng rng)
    {
        double value = Exploration(progress);
        for (int i = 0; i < count; i++)
        {
            var obs = observations.Slice(i * _observationSize, _observationSize);
            int a;
            if (_options.Exploration == ExplorationKind.EpsilonGreedy)
            {
                // Draw the coin first so a random action costs no forward pass.
                a = rng.NextDouble() < value ? rng.NextInt(ActionCount) : GreedyIndex(obs);
            }
            else
            {
                QValues(obs, 1, _actQ);
                a = Explore.Boltzmann(_actQ, value, rng);
            }
            actions[i] = a;
        }
    }

    /// <inheritdoc/>
    public void Greedy(ReadOnlySpan<float> observation, Span<float> action) => action[0] = GreedyIndex(observation);

    /// <summary>argmax_a Q_φ(s, a).</summary>
    public int GreedyIndex(ReadOnlySpan<float> observation)
    {
        QValues(observation, 1, _actQ);
        return Explore.Greedy(_actQ);
    }

    /// <inheritdoc/>
    public UpdateStats Train(ReplayBatch batch, Span<float> tdErrors, double progress)
    {
        int n = batch.Size, obs = _observationSize, actions = ActionCount;
        var g = _graph;
        g.Reset();
        var y = _targets.AsSpan(0, n);
        // Step 3: targets from φ' (or φ itself without a target network), no gradient through them.
        using (g.NoGrad())
        {
            var next = g.Input(batch.NextObservations, new Shape(n, obs));
            var bootstrap = _options.Replay ? Target : Q;
            var nextQ = bootstrap.Forward(g, next);
            if (_options.DoubleQ && _options.Replay)
            {
                var onlineNext = Q.Forward(g, next);
                TdTargets.DoubleTargets(batch.Returns, batch.Discounts, onlineNext.Data, nextQ.Data, actions, y);
            }
            else
            {
                TdTargets.MaxTargets(batch.Returns, batch.Discounts, nextQ.Data, actions, y);
            }
        }
        // Step 4: regress Q_φ(s_j, a_j) onto y_j.
        var s = g.Input(batch.Observations, new Shape(n, obs));
        var q = Q.Forward(g, s);
        var qa = g.Gather(q, batch.DiscreteActions);
        var target = g.Input(y, qa.Shape);
        var weights = _options.Prioritized ? g.Input(batch.Weights, qa.Shape) : null;
        var loss = _options.Loss == TdLoss.Huber ? g.HuberLoss(qa, target, weights) : g.MseLoss(qa, target, weights);
        Optimizer.ZeroGrad();
        g.Backward(loss);
        if (_options.MaxGradNorm > 0) GradientClipping.ClipGradNorm(Q.Parameters(), _options.MaxGradNorm);
        if (_options.LearningRateLinearDecay) Optimizer.LearningRate = _options.LearningRate * Math.Max(0.0, 1.0 - progress);
        Optimizer.Step();

        ReadOnlySpan<float> qaData = qa.Data;
        double meanQ = 0;
        for (int i = 0; i < n; i++)
        {
            tdErrors[i] = Math.Abs(qaData[i] - y[i]);
            meanQ += qaData[i];
        }
        return new UpdateStats(loss.Item(), meanQ / n);
    }

    /// <inheritdoc/>
    public void OnEnvironmentSteps(long steps, long previousSteps)
    {
        if (!_options.Replay) return;
        // Step 5: every target_update_interval environment steps, φ' ← φ (τ = 1) or φ' ← τφ + (1 − τ)φ'.
        long interval = _options.TargetUpdateInterval;
        if (steps / interval == previousSteps / interval) return;
        if (_options.Tau >= 1.0) Target.CopyFrom(Q);
        else Target.PolyakFrom(Q, (float)_options.Tau);
    }
}
