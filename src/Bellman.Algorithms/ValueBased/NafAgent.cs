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
/// Normalized advantage functions (Gu et al. 2016), the lecture's "Q-function whose maximum is easy":
/// <list type="number">
/// <item>Q_φ(s, a) = V_φ(s) + A_φ(s, a), A_φ(s, a) = −½ (a − μ_φ(s))ᵀ P_φ(s) (a − μ_φ(s)), P = L Lᵀ with L
/// lower-triangular and an exponentiated diagonal, so max_a Q_φ(s, a) = V_φ(s), reached at a = μ_φ(s);</item>
/// <item>act with a = μ_φ(s) + σ ε, ε ~ N(0, I), clipped to the bounds (scaled space [−1, 1]);</item>
/// <item>y_j = r_j + γ^m (1 − terminal) V_φ'(s'_j) from a Polyak-averaged target network φ';</item>
/// <item>φ ← φ − α ∇_φ (1/N) Σ_j (Q_φ(s_j, a_j) − y_j)² (Adam), then φ' ← τ φ + (1 − τ) φ'.</item>
/// </list>
/// </summary>
public sealed class NafAgent : IOffPolicyAgent
{
    /// <summary>The catalogue name, used in error messages.</summary>
    public const string Name = "naf";

    private static readonly MetricDefinition[] NafMetrics =
    [
        new("exploration_noise", "sigma", MetricAggregation.Last),
        new("loss", "loss"),
        new("q", "Q"),
    ];

    private readonly NafOptions _options;
    private readonly ActionScaler _bounds;
    private readonly IReadOnlyList<int> _observationShape;
    private readonly int _observationSize, _actionSize;
    private readonly Graph _graph = new(), _actGraph = new();
    private float[] _scaled = [];

    /// <summary>Creates the network, its target copy and Adam; initial weights from <paramref name="init"/>.</summary>
    public NafAgent(Space observationSpace, Space actionSpace, NafOptions options, Rng init)
    {
        options.Validate();
        _bounds = new ActionScaler(actionSpace, Name);
        if (observationSpace is not Box)
            throw new ArgumentException($"{Name} needs a Box observation space, got {observationSpace}.", nameof(observationSpace));
        _options = options;
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
        _observationShape = observationSpace.Shape;
        _observationSize = observationSpace.FlatSize;
        _actionSize = _bounds.Size;
        var random = init;
        Q = new NafNetwork(_observationShape, _actionSize, options.Network, random);
        Target = new NafNetwork(_observationShape, _actionSize, options.Network, random);
        Target.CopyFrom(Q);
        Target.SetRequiresGrad(false);
        Optimizer = new Adam(Q.Parameters(), options.LearningRate);
    }

    /// <inheritdoc/>
    public Space ObservationSpace { get; }

    /// <inheritdoc/>
    public Space ActionSpace { get; }

    /// <summary>The online network Q_φ.</summary>
    public NafNetwork Q { get; }

    /// <summary>The target network Q_φ'.</summary>
    public NafNetwork Target { get; }

    /// <summary>Adam over φ.</summary>
    public Optimizer Optimizer { get; }

    /// <inheritdoc/>
    public IReadOnlyList<MetricDefinition> Metrics => NafMetrics;

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Module Module)> Networks => [("q", Q), ("q_target", Target)];

    /// <inheritdoc/>
    public IEnumerable<Module> ActingNetworks => [Q];

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Optimizer Optimizer)> Optimizers => [("optimizer", Optimizer)];

    /// <summary>μ_φ(s) in the scaled space for <paramref name="count"/> observations, without gradients.</summary>
    public void Means(ReadOnlySpan<float> observations, int count, Span<float> destination)
    {
        _actGraph.Reset();
        using var _ = _actGraph.NoGrad();
        var x = _actGraph.Input(observations[..(count * _observationSize)], ObservationBatch.ShapeOf(count, _observationShape));
        Q.Mean(_actGraph, x).Data.CopyTo(destination);
    }

    /// <inheritdoc/>
    public void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, double progress, Rng rng)
    {
        var u = actions[..(count * _actionSize)];
        Means(observations, count, u);
        ActionScaler.AddGaussianNoise(u, _options.ExplorationNoise, rng);
        _bounds.Unscale(u, u);
    }

    /// <inheritdoc/>
    public void RecordExploration(double progress, UpdateMetrics metrics) => metrics.Set("exploration_noise", _options.ExplorationNoise);

    /// <inheritdoc/>
    public void Greedy(ReadOnlySpan<float> observation, Span<float> action)
    {
        Means(observation, 1, action);
        _bounds.Unscale(action[.._actionSize], action);
    }

    /// <inheritdoc/>
    public void Sample(ReadOnlySpan<float> observation, Span<float> action, Rng rng) => Act(observation, 1, action, 1.0, rng);

    /// <inheritdoc/>
    public void Train(ReplayBatch batch, Span<float> tdErrors, in UpdateContext context)
    {
        int n = batch.Size;
        var shape = ObservationBatch.ShapeOf(n, _observationShape);
        var g = _graph;
        g.Reset();
        // y = R + γ^m (1 − terminal) V_φ'(s'): the batch's Discounts already hold γ^m or 0.
        Tensor y;
        using (g.NoGrad())
        {
            var next = Target.Forward(g, g.Input(batch.NextObservations, shape));
            y = g.Zeros(next.Shape);
            Span<float> ys = y.Data;
            ReadOnlySpan<float> v = next.Data;
            for (int i = 0; i < n; i++) ys[i] = batch.Returns[i] + batch.Discounts[i] * v[i];
        }
        if (_scaled.Length < n * _actionSize) _scaled = new float[n * _actionSize];
        var scaled = _scaled.AsSpan(0, n * _actionSize);
        _bounds.ScaleClipped(batch.Actions.AsSpan(0, n * _actionSize), scaled);
        var q = Q.Q(g, g.Input(batch.Observations, shape), g.Input(scaled, new Shape(n, _actionSize)));
        var weights = batch.Weighted ? g.Input(batch.Weights.AsSpan(0, n), q.Shape) : null;
        var loss = g.MseLoss(q, y, weights);
        Optimizer.ZeroGrad();
        g.Backward(loss);
        if (_options.MaxGradNorm > 0) GradientClipping.ClipGradNorm(Q.Parameters(), _options.MaxGradNorm);
        Optimizer.Step();
        Target.PolyakFrom(Q, (float)_options.Tau);

        ReadOnlySpan<float> qs = q.Data, targets = y.Data;
        double meanQ = 0;
        for (int i = 0; i < n; i++)
        {
            tdErrors[i] = Math.Abs(qs[i] - targets[i]);
            meanQ += qs[i];
        }
        context.Metrics.Add("loss", loss.Item());
        context.Metrics.Add("q", meanQ / n);
    }

    /// <inheritdoc/>
    public void OnEnvironmentSteps(long steps, long previousSteps) { }
}
