using Bellman.Algorithms.Networks;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Nn;
using Bellman.Nn.Layers;
using Bellman.Nn.Optimizers;

namespace Bellman.Algorithms.ActorCritic;

/// <summary>
/// A policy π_θ(a|s) (categorical for Discrete actions, diagonal Gaussian for Box actions) with an
/// optional critic V̂_φ(s), in one of the lecture's two architectures, and its optimizers: one joint
/// optimizer ("optimizer", for a combined loss) or an actor and a critic optimizer ("actor_optimizer",
/// "critic_optimizer", for separate critic fitting).
/// </summary>
public sealed class ActorCriticAgent : IAgent
{
    private readonly Graph _graph = new();
    private readonly Box? _actionBox;
    private readonly int _observationSize;
    private readonly IReadOnlyList<int> _observationShape;
    private readonly List<(string, Optimizer)> _optimizers = [];

    /// <summary>Builds the network from <paramref name="options"/> (weights drawn from <paramref name="init"/>) and its optimizers.</summary>
    public ActorCriticAgent(Space observationSpace, Space actionSpace, OnPolicyOptions options, bool critic, bool splitOptimizers, double criticLearningRate, Rng init)
    {
        if (observationSpace is not Box)
            throw new ArgumentException($"Policy-gradient agents need a Box observation space, got {observationSpace} (tabular environments: use `bellman solve`).", nameof(observationSpace));
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
        _observationSize = observationSpace.FlatSize;
        _observationShape = observationSpace.Shape;
        var random = init;
        int head;
        switch (actionSpace)
        {
            case Discrete d:
                head = d.N;
                break;
            case Box b when b.Shape.Count == 1:
                head = b.FlatSize;
                _actionBox = b;
                break;
            default:
                throw new ArgumentException($"Policy-gradient agents need a Discrete or a one-dimensional Box action space, got {actionSpace}.", nameof(actionSpace));
        }
        Network = new ActorCriticNetwork(_observationShape, head, options.Network, options.Activation, options.Shared, critic,
            _actionBox is null ? null : (float)options.LogStdInit, options.OrthoInit, random);
        Distribution = _actionBox is null ? new CategoricalDistribution(head) : new DiagonalGaussianDistribution(Network.LogStd!);
        if (splitOptimizers)
        {
            ActorOptimizer = Create(Network.ActorParameters, options, options.LearningRate);
            CriticOptimizer = critic ? Create(Network.CriticParameters, options, criticLearningRate) : null;
            _optimizers.Add(("actor_optimizer", ActorOptimizer));
            if (CriticOptimizer is not null) _optimizers.Add(("critic_optimizer", CriticOptimizer));
        }
        else
        {
            ActorOptimizer = Create(Network.Parameters(), options, options.LearningRate);
            _optimizers.Add(("optimizer", ActorOptimizer));
        }
    }

    /// <inheritdoc/>
    public Space ObservationSpace { get; }

    /// <inheritdoc/>
    public Space ActionSpace { get; }

    /// <summary>π_θ and V̂_φ.</summary>
    public ActorCriticNetwork Network { get; }

    /// <summary>The action distribution.</summary>
    public IPolicyDistribution Distribution { get; }

    /// <summary>The joint optimizer, or the actor's when split.</summary>
    public Optimizer ActorOptimizer { get; }

    /// <summary>The critic's optimizer when split (else null).</summary>
    public Optimizer? CriticOptimizer { get; }

    /// <summary>Floats per observation.</summary>
    public int ObservationSize => _observationSize;

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Module Module)> Networks => [("policy", Network)];

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Optimizer Optimizer)> Optimizers => _optimizers;

    /// <summary>Samples a_i ~ π(·|s_i) for <paramref name="count"/> observations: one actor pass, no gradient.</summary>
    public void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, Rng rng)
    {
        var g = _graph;
        g.Reset();
        using var _ = g.NoGrad();
        ReadOnlySpan<float> h = Network.Forward(g, g.Input(observations[..(count * _observationSize)], ObservationBatch.ShapeOf(count, _observationShape))).Data;
        int hs = Distribution.HeadSize, a = Distribution.ActionSize;
        for (int i = 0; i < count; i++) Distribution.Sample(h.Slice(i * hs, hs), actions.Slice(i * a, a), rng);
    }

    /// <summary>V̂_φ(s_i) for <paramref name="count"/> observations, no gradient.</summary>
    public void Values(ReadOnlySpan<float> observations, int count, Span<float> destination)
    {
        var g = _graph;
        g.Reset();
        using var _ = g.NoGrad();
        Network.Value(g, g.Input(observations[..(count * _observationSize)], ObservationBatch.ShapeOf(count, _observationShape))).Data.CopyTo(destination);
    }

    /// <inheritdoc/>
    public void Greedy(ReadOnlySpan<float> observation, Span<float> action)
    {
        var g = _graph;
        g.Reset();
        using var _ = g.NoGrad();
        var head = Network.Forward(g, g.Input(observation[.._observationSize], ObservationBatch.ShapeOf(1, _observationShape)));
        Distribution.Greedy(head.Data, action);
        _actionBox?.Clip(action);
    }

    /// <inheritdoc/>
    public void Sample(ReadOnlySpan<float> observation, Span<float> action, Rng rng)
    {
        Act(observation, 1, action, rng);
        _actionBox?.Clip(action);
    }

    /// <summary>The shape of a batch of <paramref name="rows"/> observations.</summary>
    public Shape BatchShape(int rows) => ObservationBatch.ShapeOf(rows, _observationShape);

    /// <summary>Clips a sampled action to the action Box in place (no-op for discrete actions).</summary>
    public void ClipToBounds(Span<float> action) => _actionBox?.Clip(action);

    /// <summary>Whether actions are discrete.</summary>
    public bool DiscreteActions => _actionBox is null;

    private static Optimizer Create(IReadOnlyList<Parameter> parameters, OnPolicyOptions o, double lr) => o.Optimizer switch
    {
        OptimizerKind.Rmsprop => new RmsProp(parameters, lr, alpha: o.RmsPropAlpha, eps: o.OptimizerEps),
        OptimizerKind.Adam => new Adam(parameters, lr, eps: o.OptimizerEps),
        _ => new Sgd(parameters, lr),
    };
}
