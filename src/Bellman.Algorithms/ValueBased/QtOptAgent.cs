using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Networks;
using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Nn;
using Bellman.Nn.Layers;
using Bellman.Nn.Optimizers;

namespace Bellman.Algorithms.ValueBased;

/// <summary>
/// QT-Opt (Kalashnikov et al. 2018), the lecture's "maximise Q by sampling":
/// <list type="number">
/// <item>a critic Q_θ(s, a) on the concatenation [s, a] (actions scaled to [−1, 1]);</item>
/// <item>act with π(s) = argmax_a Q_θ(s, a) found by the cross-entropy method (<see cref="CemMaximizer"/>),
/// plus Gaussian noise (and, with probability ε, a uniformly random action);</item>
/// <item>y_j = r_j + γ^m (1 − terminal) min_{i=1,2} Q_θ̄i(s'_j, π_θ̄1(s'_j)): clipped double Q, with π_θ̄1
/// the CEM maximiser of the Polyak-averaged target θ̄1 and θ̄2 a lagged copy of θ̄1;</item>
/// <item>θ ← θ − α ∇_θ (1/N) Σ_j (Q_θ(s_j, a_j) − y_j)² (Adam; the paper's cross-entropy loss assumes
/// rewards in [0, 1], Pendulum's are not), then θ̄1 ← τ θ + (1 − τ) θ̄1; every target_lag_interval
/// environment steps θ̄2 ← θ̄1.</item>
/// </list>
/// CEM scores every candidate of every state of a minibatch in one forward pass per iteration.
/// </summary>
public sealed class QtOptAgent : IOffPolicyAgent
{
    /// <summary>The catalogue name, used in error messages.</summary>
    public const string Name = "qt-opt";

    private static readonly MetricDefinition[] QtOptMetrics =
    [
        new("exploration_noise", "sigma", MetricAggregation.Last),
        new("loss", "loss"),
        new("q", "Q"),
    ];

    private readonly QtOptOptions _options;
    private readonly ActionScaler _bounds;
    private readonly IReadOnlyList<int> _observationShape;
    private readonly int _observationSize, _actionSize;
    private readonly Graph _graph = new(), _scoreGraph = new();
    private readonly CemMaximizer _cem;
    private readonly CriticObjective _objective;
    private readonly SharedStateCritic _shared = new();
    private readonly Rng _greedyRng;
    private readonly ulong[] _greedyState;
    private float[] _scaled = [], _nextActions = [], _nextScores = [], _pairs = [];

    /// <summary>Creates the critic, its two target copies and Adam; initial weights from <paramref name="init"/>.</summary>
    public QtOptAgent(Space observationSpace, Space actionSpace, QtOptOptions options, Rng init)
    {
        options.Validate();
        _bounds = new ActionScaler(actionSpace, Name);
        if (observationSpace is not Box || observationSpace.Shape.Count != 1)
            throw new ArgumentException($"{Name} needs a flat Box observation space (its critic reads [s, a]), got {observationSpace}.", nameof(observationSpace));
        _options = options;
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
        _observationShape = observationSpace.Shape;
        _observationSize = observationSpace.FlatSize;
        _actionSize = _bounds.Size;
        var random = init;
        int[] input = [_observationSize + _actionSize];
        Q = options.Network.Create(input, 1, Activation.ReLU, random);
        Target = options.Network.Create(input, 1, Activation.ReLU, random);
        LaggedTarget = options.Network.Create(input, 1, Activation.ReLU, random);
        Target.CopyFrom(Q);
        LaggedTarget.CopyFrom(Q);
        Target.SetRequiresGrad(false);
        LaggedTarget.SetRequiresGrad(false);
        Optimizer = new Adam(Q.Parameters(), options.LearningRate);
        _cem = new CemMaximizer(_actionSize, options.CemSamples, options.CemElites, options.CemIterations);
        _objective = new CriticObjective(this);
        // Greedy actions replay one fixed CEM stream, so the greedy policy is a function of the observation.
        _greedyRng = new Rng(0x5eed_cafeUL);
        _greedyState = _greedyRng.GetState();
    }

    /// <inheritdoc/>
    public Space ObservationSpace { get; }

    /// <inheritdoc/>
    public Space ActionSpace { get; }

    /// <summary>The online critic Q_θ(s, a).</summary>
    public Module Q { get; }

    /// <summary>The Polyak-averaged target Q_θ̄1.</summary>
    public Module Target { get; }

    /// <summary>The lagged target Q_θ̄2 (a periodic copy of θ̄1).</summary>
    public Module LaggedTarget { get; }

    /// <summary>Adam over θ.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The maximiser (its sample count).</summary>
    public CemMaximizer Cem => _cem;

    /// <summary>
    /// Whether CEM's evaluations share each state's part of the critic's first layer among its candidates (default true;
    /// false runs the plain forward on every [s, a] row, for comparisons).
    /// </summary>
    public bool SharedObservations { get; set; } = true;

    /// <summary>Batched forward passes of critics so far (CEM iterations and target evaluations), for tests.</summary>
    public long ForwardPasses { get; private set; }

    /// <inheritdoc/>
    public IReadOnlyList<MetricDefinition> Metrics => QtOptMetrics;

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Module Module)> Networks => [("q", Q), ("q_target", Target), ("q_target_lagged", LaggedTarget)];

    /// <inheritdoc/>
    public IEnumerable<Module> ActingNetworks => [Q];

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Optimizer Optimizer)> Optimizers => [("optimizer", Optimizer)];

    /// <summary>Q of <paramref name="critic"/> at the rows of (<paramref name="observations"/>, scaled <paramref name="actions"/>), each observation repeated for <paramref name="repeat"/> consecutive actions.</summary>
    /// <remarks>With <paramref name="repeat"/> &gt; 1 the first layer's state part W_s s is computed once per observation (<see cref="SharedStateCritic"/>).</remarks>
    public void Evaluate(Module critic, ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, int repeat, Span<float> destination)
    {
        if (repeat > 1 && SharedObservations && SharedStateCritic.Supports(critic, _observationSize + _actionSize))
        {
            _shared.Evaluate(_scoreGraph, critic, observations, _observationSize, actions, _actionSize, repeat, destination);
            ForwardPasses++;
            return;
        }
        int rows = actions.Length / _actionSize, width = _observationSize + _actionSize;
        if (_pairs.Length < rows * width) _pairs = new float[rows * width];
        var pairs = _pairs.AsSpan(0, rows * width);
        for (int r = 0; r < rows; r++)
        {
            observations.Slice(r / repeat * _observationSize, _observationSize).CopyTo(pairs.Slice(r * width, _observationSize));
            actions.Slice(r * _actionSize, _actionSize).CopyTo(pairs.Slice(r * width + _observationSize, _actionSize));
        }
        _scoreGraph.Reset();
        using var _ = _scoreGraph.NoGrad();
        critic.Forward(_scoreGraph, _scoreGraph.Input(pairs, new Shape(rows, width))).Data.CopyTo(destination);
        ForwardPasses++;
    }

    /// <summary>argmax_a Q(s, a) by CEM for <paramref name="count"/> observations, scaled, into <paramref name="best"/>.</summary>
    public void Maximize(Module critic, ReadOnlySpan<float> observations, int count, Rng rng, Span<float> best, Span<float> bestScores = default)
    {
        _objective.Set(critic, observations[..(count * _observationSize)]);
        _cem.Maximize(_objective, count, rng, best, bestScores);
    }

    /// <inheritdoc/>
    public void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, double progress, Rng rng)
    {
        var u = actions[..(count * _actionSize)];
        Maximize(Q, observations, count, rng, u);
        ActionScaler.AddGaussianNoise(u, _options.ExplorationNoise, rng);
        if (_options.ExplorationEps > 0)
        {
            for (int i = 0; i < count; i++)
            {
                if (rng.NextDouble() >= _options.ExplorationEps) continue;
                for (int j = 0; j < _actionSize; j++) u[i * _actionSize + j] = (float)rng.Uniform(-1, 1);
            }
        }
        _bounds.Unscale(u, u);
    }

    /// <inheritdoc/>
    public void RecordExploration(double progress, UpdateMetrics metrics) => metrics.Set("exploration_noise", _options.ExplorationNoise);

    /// <inheritdoc/>
    public void Greedy(ReadOnlySpan<float> observation, Span<float> action)
    {
        _greedyRng.SetState(_greedyState);
        Maximize(Q, observation, 1, _greedyRng, action);
        _bounds.Unscale(action[.._actionSize], action);
    }

    /// <inheritdoc/>
    public void Sample(ReadOnlySpan<float> observation, Span<float> action, Rng rng) => Act(observation, 1, action, 1.0, rng);

    /// <summary>
    /// The clipped double-Q targets y = R + D · min(Q_θ̄1(s', a*), Q_θ̄2(s', a*)) with a* = CEM argmax of
    /// Q_θ̄1(s', ·), drawing CEM's candidates from <paramref name="rng"/>.
    /// </summary>
    public void Targets(ReplayBatch batch, Rng rng, Span<float> y)
    {
        int n = batch.Size;
        if (_nextActions.Length < n * _actionSize) _nextActions = new float[n * _actionSize];
        if (_nextScores.Length < 2 * n) _nextScores = new float[2 * n];
        var next = _nextActions.AsSpan(0, n * _actionSize);
        var q1 = _nextScores.AsSpan(0, n);
        var q2 = _nextScores.AsSpan(n, n);
        Maximize(Target, batch.NextObservations, n, rng, next, q1);
        Evaluate(LaggedTarget, batch.NextObservations, next, 1, q2);
        for (int i = 0; i < n; i++) y[i] = batch.Returns[i] + batch.Discounts[i] * Math.Min(q1[i], q2[i]);
    }

    /// <inheritdoc/>
    public void Train(ReplayBatch batch, Span<float> tdErrors, in UpdateContext context)
    {
        int n = batch.Size;
        var g = _graph;
        g.Reset();
        var y = g.Zeros(new Shape(n, 1));
        Targets(batch, context.Rng, y.Data);
        if (_scaled.Length < n * _actionSize) _scaled = new float[n * _actionSize];
        var scaled = _scaled.AsSpan(0, n * _actionSize);
        _bounds.ScaleClipped(batch.Actions.AsSpan(0, n * _actionSize), scaled);
        var s = g.Input(batch.Observations.AsSpan(0, n * _observationSize), new Shape(n, _observationSize));
        var q = Q.Forward(g, g.Concat(s, g.Input(scaled, new Shape(n, _actionSize))));
        var weights = batch.Weighted ? g.Input(batch.Weights.AsSpan(0, n), q.Shape) : null;
        var loss = g.MseLoss(q, y, weights);
        Optimizer.ZeroGrad();
        g.Backward(loss);
        Optimizer.Step();
        Target.PolyakFrom(Q, (float)_options.Tau);

        ReadOnlySpan<float> qs = q.Data, ys = y.Data;
        double meanQ = 0;
        for (int i = 0; i < n; i++)
        {
            tdErrors[i] = Math.Abs(qs[i] - ys[i]);
            meanQ += qs[i];
        }
        context.Metrics.Add("loss", loss.Item());
        context.Metrics.Add("q", meanQ / n);
    }

    /// <inheritdoc/>
    public void WriteState(BinaryWriter writer) => writer.Write(ForwardPasses);

    /// <inheritdoc/>
    public void ReadState(BinaryReader reader) => ForwardPasses = reader.ReadInt64();

    /// <inheritdoc/>
    public void OnEnvironmentSteps(long steps, long previousSteps)
    {
        long interval = _options.TargetLagInterval;
        if (steps / interval != previousSteps / interval) LaggedTarget.CopyFrom(Target);
    }

    /// <summary>Scores CEM candidates with one critic forward pass over [s_i, a_ik] for all i, k.</summary>
    private sealed class CriticObjective(QtOptAgent agent) : ICemObjective
    {
        private Module? _critic;
        private float[] _observations = [];
        private int _length;

        public void Set(Module critic, ReadOnlySpan<float> observations)
        {
            _critic = critic;
            if (_observations.Length < observations.Length) _observations = new float[observations.Length];
            observations.CopyTo(_observations);
            _length = observations.Length;
        }

        public void Score(ReadOnlySpan<float> candidates, int states, int samples, Span<float> scores) =>
            agent.Evaluate(_critic!, _observations.AsSpan(0, _length), candidates, samples, scores);
    }
}
