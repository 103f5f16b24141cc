using Bellman.Algorithms.Exploration;
using Bellman.Algorithms.Networks;
using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Core.Random;
using Bellman.Core.Schedules;
using Bellman.Core.Spaces;
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
/// With <c>target_network = false</c> the target uses φ itself: with <c>replay = false</c> as well, the
/// lecture's online Q-iteration ("what's wrong?"). The agent reads only its own options; the batch it is
/// handed tells its size and whether it carries importance weights.
/// </summary>
public sealed class DqnAgent : IOffPolicyAgent
{
    private static readonly MetricDefinition[] DqnMetrics =
    [
        new("exploration_rate", "eps", MetricAggregation.Last),
        new("loss", "loss"),
        new("q", "Q"),
    ];

    private readonly DqnOptions _options;
    private readonly IReadOnlyList<int> _observationShape;
    private readonly int _observationSize;
    private readonly Graph _graph = new();
    private readonly Graph _actGraph = new();
    private readonly float[] _actQ;
    private readonly Schedule _exploration;
    private float[] _targets = [];

    /// <summary>Creates the networks (initialised from <paramref name="init"/>) and the optimizer.</summary>
    public DqnAgent(Space observationSpace, Space actionSpace, DqnOptions options, Rng init)
    {
        options.Validate();
        if (actionSpace is not Discrete discrete)
            throw new ArgumentException($"DQN needs a Discrete action space, got {actionSpace}; for Box actions use ddpg, td3 or sac.", nameof(actionSpace));
        if (observationSpace is not Box)
            throw new ArgumentException($"DQN needs a Box observation space, got {observationSpace} (tabular environments: use `bellman train q-learning` or `bellman solve`).", nameof(observationSpace));
        _options = options;
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
        _observationShape = observationSpace.Shape;
        _observationSize = observationSpace.FlatSize;
        ActionCount = discrete.N;
        var random = init;
        Q = QNetwork.Create(_observationShape, ActionCount, options.Network, options.Dueling, random);
        Target = QNetwork.Create(_observationShape, ActionCount, options.Network, options.Dueling, random);
        Target.CopyFrom(Q);
        Target.SetRequiresGrad(false);
        Optimizer = options.Optimizer switch
        {
            OptimizerKind.Adam => new Adam(Q.Parameters(), options.LearningRate, eps: options.OptimizerEps),
            OptimizerKind.Rmsprop => new RmsProp(Q.Parameters(), options.LearningRate, alpha: options.RmsPropAlpha, eps: options.OptimizerEps, centered: options.RmsPropCentered),
            _ => new Sgd(Q.Parameters(), options.LearningRate),
        };
        _actQ = new float[ActionCount];
        _exploration = options.Exploration == ExplorationKind.EpsilonGreedy
            ? Schedule.Linear(options.ExplorationInitialEps, options.ExplorationFinalEps, options.ExplorationFraction)
            : Schedule.Linear(options.TemperatureInitial, options.TemperatureFinal, options.ExplorationFraction);
    }

    /// <inheritdoc/>
    public Space ObservationSpace { get; }

    /// <inheritdoc/>
    public Space ActionSpace { get; }

    /// <summary>The online network Q_φ.</summary>
    public Module Q { get; }

    /// <summary>The target network Q_φ'.</summary>
    public Module Target { get; }

    /// <summary>The optimizer of φ.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>|A|.</summary>
    public int ActionCount { get; }

    /// <inheritdoc/>
    public IReadOnlyList<MetricDefinition> Metrics => DqnMetrics;

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Module Module)> Networks => [("q", Q), ("q_target", Target)];

    /// <inheritdoc/>
    public IEnumerable<Module> ActingNetworks => [Q];

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Optimizer Optimizer)> Optimizers => [("optimizer", Optimizer)];

    /// <summary>The exploration parameter (ε or temperature) at <paramref name="progress"/>.</summary>
    public double Exploration(double progress) => _exploration.ValueAt(progress);

    /// <inheritdoc/>
    public void RecordExploration(double progress, UpdateMetrics metrics) => metrics.Set("exploration_rate", Exploration(progress));

    /// <summary>Q_φ(s, ·) for a batch of observations, without recording gradients.</summary>
    public void QValues(ReadOnlySpan<float> observations, int count, Span<float> destination)
    {
        _actGraph.Reset();
        using var _ = _actGraph.NoGrad();
        var x = _actGraph.Input(observations[..(count * _observationSize)], ObservationBatch.ShapeOf(count, _observationShape));
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

    /// <inheritdoc/>
    public void Sample(ReadOnlySpan<float> observation, Span<float> action, Rng rng) => Act(observation, 1, action, 1.0, rng);

    /// <summary>argmax_a Q_φ(s, a).</summary>
    public int GreedyIndex(ReadOnlySpan<float> observation)
    {
        QValues(observation, 1, _actQ);
        return Explore.Greedy(_actQ);
    }

    /// <inheritdoc/>
    public void Train(ReplayBatch batch, Span<float> tdErrors, in UpdateContext context)
    {
        int n = batch.Size, actions = ActionCount;
        var shape = ObservationBatch.ShapeOf(n, _observationShape);
        var g = _graph;
        g.Reset();
        if (_targets.Length < n) _targets = new float[n];
        var y = _targets.AsSpan(0, n);
        // Step 3: targets from φ' (or φ itself without a target network), no gradient through them.
        using (g.NoGrad())
        {
            var next = g.Input(batch.NextObservations, shape);
            var bootstrap = _options.TargetNetwork ? Target : Q;
            var nextQ = bootstrap.Forward(g, next);
            if (_options.DoubleQ && _options.TargetNetwork)
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
        var s = g.Input(batch.Observations, shape);
        var q = Q.Forward(g, s);
        var qa = g.Gather(q, batch.DiscreteActions.AsSpan(0, n));
        var target = g.Input(y, qa.Shape);
        var weights = batch.Weighted ? g.Input(batch.Weights.AsSpan(0, n), qa.Shape) : null;
        var loss = _options.Loss == TdLoss.Huber ? g.HuberLoss(qa, target, weights) : g.MseLoss(qa, target, weights);
        Optimizer.ZeroGrad();
        g.Backward(loss);
        if (_options.MaxGradNorm > 0) GradientClipping.ClipGradNorm(Q.Parameters(), _options.MaxGradNorm);
        if (_options.LearningRateLinearDecay) Optimizer.LearningRate = _options.LearningRateSchedule.ValueAt(context.Progress);
        Optimizer.Step();

        ReadOnlySpan<float> qaData = qa.Data;
        double meanQ = 0;
        for (int i = 0; i < n; i++)
        {
            tdErrors[i] = Math.Abs(qaData[i] - y[i]);
            meanQ += qaData[i];
        }
        context.Metrics.Add("loss", loss.Item());
        context.Metrics.Add("q", meanQ / n);
    }

    /// <inheritdoc/>
    public void OnEnvironmentSteps(long steps, long previousSteps)
    {
        if (!_options.TargetNetwork) return;
        // Step 5: every target_update_interval environment steps, φ' ← φ (τ = 1) or φ' ← τφ + (1 − τ)φ'.
        long interval = _options.TargetUpdateInterval;
        if (steps / interval == previousSteps / interval) return;
        if (_options.Tau >= 1.0) Target.CopyFrom(Q);
        else Target.PolyakFrom(Q, (float)_options.Tau);
    }
}
