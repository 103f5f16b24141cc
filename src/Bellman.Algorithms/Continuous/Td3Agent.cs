using Bellman.Algorithms.Networks;
using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Nn;
using Bellman.Nn.Layers;
using Bellman.Nn.Optimizers;

namespace Bellman.Algorithms.Continuous;

/// <summary>
/// DDPG (Lillicrap et al. 2016) and TD3 (Fujimoto et al. 2018): an actor that maximises Q. For a
/// minibatch (actions scaled to [−1, 1]):
/// <list type="number">
/// <item>target action ã = μ_θ'(s'); TD3 smooths it: ã = clip(ã + clip(ε, −c, c), −1, 1), ε ~ N(0, σ²);</item>
/// <item>y = r + γ^m (1 − terminated) min_i Q_φi'(s', ã) (DDPG: one critic, so no minimum);</item>
/// <item>φ_i ← φ_i − λ ∇ Σ_i mean (Q_φi(s, a) − y)²;</item>
/// <item>every <c>policy_delay</c> critic updates (DDPG: every one): θ ← θ + λ ∇_θ mean Q_φ1(s, μθ(s)),
/// the gradient passing through the critic, whose parameters are frozen for that step, into the actor;
/// then φ' ← τφ + (1 − τ)φ' and θ' ← τθ + (1 − τ)θ'.</item>
/// </list>
/// DDPG is the case one critic, delay 1, no smoothing, as Stable-Baselines3 implements it.
/// Exploration: a = unscale(clip(μθ(s) + noise, −1, 1)) with Gaussian or Ornstein–Uhlenbeck noise.
/// </summary>
public sealed class Td3Agent : IOffPolicyAgent
{
    private static readonly MetricDefinition[] Td3Metrics =
    [
        new("critic_loss", "critic loss"),
        new("actor_loss", "actor loss"),
        new("q", "Q"),
    ];

    private readonly DeterministicPolicyOptions _options;
    private readonly ActionScaler _scaler;
    private readonly ActionNoise? _noise;
    private readonly int _observationSize, _actionSize, _sampleSlot;
    private readonly Graph _graph = new();
    private readonly Graph _actGraph = new();
    private float[] _scaled = [], _nextActions = [], _targets = [], _act = [], _noiseRow = [];
    private readonly UpdateCounter _updates = new();

    /// <summary>Creates actor, critics, their targets and optimizers (initialised from <paramref name="init"/>).</summary>
    public Td3Agent(Space observationSpace, Space actionSpace, DeterministicPolicyOptions options, Rng init, string algorithm)
    {
        options.Validate();
        _scaler = new ActionScaler(actionSpace, algorithm);
        if (observationSpace is not Box) throw new ArgumentException($"{algorithm} needs a Box observation space, got {observationSpace}.", nameof(observationSpace));
        _options = options;
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
        _observationSize = observationSpace.FlatSize;
        _actionSize = _scaler.Size;
        var random = init;
        Actor = ContinuousNetworks.DeterministicActor(_observationSize, _actionSize, options.NetArch, random);
        ActorTarget = ContinuousNetworks.DeterministicActor(_observationSize, _actionSize, options.NetArch, random);
        Critic = new CriticEnsemble(options.CriticCount, _observationSize, _actionSize, options.NetArch, random);
        CriticTarget = new CriticEnsemble(options.CriticCount, _observationSize, _actionSize, options.NetArch, random);
        ActorTarget.CopyFrom(Actor);
        CriticTarget.CopyFrom(Critic);
        ActorTarget.SetRequiresGrad(false);
        CriticTarget.SetRequiresGrad(false);
        ActorOptimizer = new Adam(Actor.Parameters(), options.LearningRate);
        CriticOptimizer = new Adam(Critic.Parameters(), options.LearningRate);
        _sampleSlot = options.NumEnvs;
        _noise = ActionNoise.Create(options.ActionNoise, options.NumEnvs + 1, _actionSize, options.NoiseStd, options.NoiseTheta, options.NoiseDt);
    }

    /// <inheritdoc/>
    public Space ObservationSpace { get; }

    /// <inheritdoc/>
    public Space ActionSpace { get; }

    /// <summary>The actor μθ.</summary>
    public Sequential Actor { get; }

    /// <summary>The target actor μ_θ'.</summary>
    public Sequential ActorTarget { get; }

    /// <summary>The critics Q_φi.</summary>
    public CriticEnsemble Critic { get; }

    /// <summary>The target critics Q_φi'.</summary>
    public CriticEnsemble CriticTarget { get; }

    /// <summary>Adam over θ.</summary>
    public Optimizer ActorOptimizer { get; }

    /// <summary>Adam over every φ_i.</summary>
    public Optimizer CriticOptimizer { get; }

    /// <summary>The exploration noise (null: none).</summary>
    public ActionNoise? Noise => _noise;

    /// <summary>Critic updates so far (the actor and targets move every policy_delay of them); checkpointed as "counters.updates".</summary>
    public long Updates => _updates.Value;

    /// <inheritdoc/>
    public IReadOnlyList<MetricDefinition> Metrics => Td3Metrics;

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Module Module)> Networks =>
        [("actor", Actor), ("actor_target", ActorTarget), ("critic", Critic), ("critic_target", CriticTarget), ("counters", _updates)];

    /// <inheritdoc/>
    public IEnumerable<Module> ActingNetworks => [Actor];

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Optimizer Optimizer)> Optimizers => [("actor_optimizer", ActorOptimizer), ("critic_optimizer", CriticOptimizer)];

    /// <summary>μθ(s) in the scaled space for <paramref name="count"/> observations, without gradients.</summary>
    public void ScaledActions(ReadOnlySpan<float> observations, int count, Span<float> destination)
    {
        _actGraph.Reset();
        using var _ = _actGraph.NoGrad();
        var x = _actGraph.Input(observations[..(count * _observationSize)], new Shape(count, _observationSize));
        Actor.Forward(_actGraph, x).Data.CopyTo(destination);
    }

    /// <inheritdoc/>
    public void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, double progress, Rng rng)
    {
        int size = count * _actionSize;
        if (_act.Length < size) _act = new float[size];
        var scaled = _act.AsSpan(0, size);
        ScaledActions(observations, count, scaled);
        if (_noise is not null)
        {
            for (int i = 0; i < count; i++) AddNoise(i, scaled.Slice(i * _actionSize, _actionSize), rng);
        }
        _scaler.Unscale(scaled, actions[..size]);
    }

    /// <inheritdoc/>
    public void Greedy(ReadOnlySpan<float> observation, Span<float> action)
    {
        if (_act.Length < _actionSize) _act = new float[_actionSize];
        var scaled = _act.AsSpan(0, _actionSize);
        ScaledActions(observation, 1, scaled);
        _scaler.Unscale(scaled, action[.._actionSize]);
    }

    /// <inheritdoc/>
    public void Sample(ReadOnlySpan<float> observation, Span<float> action, Rng rng)
    {
        if (_act.Length < _actionSize) _act = new float[_actionSize];
        var scaled = _act.AsSpan(0, _actionSize);
        ScaledActions(observation, 1, scaled);
        if (_noise is not null) AddNoise(_sampleSlot, scaled, rng);
        _scaler.Unscale(scaled, action[.._actionSize]);
    }

    private void AddNoise(int slot, Span<float> scaled, Rng rng)
    {
        if (_noiseRow.Length < _actionSize) _noiseRow = new float[_actionSize];
        var row = _noiseRow.AsSpan(0, _actionSize);
        _noise!.Sample(Math.Min(slot, _sampleSlot), rng, row);
        ContinuousTargets.AddNoiseAndClip(scaled, row);
    }

    /// <inheritdoc/>
    public void RecordExploration(double progress, UpdateMetrics metrics) { }

    /// <inheritdoc/>
    public void OnEpisodeEnd(int env) => _noise?.Reset(Math.Min(env, _sampleSlot));

    /// <inheritdoc/>
    public void OnEnvironmentSteps(long steps, long previousSteps) { }

    /// <summary>Writes the noise process (the critic-update counter is a checkpointed tensor, "counters.updates").</summary>
    public void WriteState(BinaryWriter writer) => _noise?.WriteState(writer);

    /// <inheritdoc/>
    public void ReadState(BinaryReader reader) => _noise?.ReadState(reader);

    /// <inheritdoc/>
    public void Train(ReplayBatch batch, Span<float> tdErrors, in UpdateContext context)
    {
        int n = batch.Size, d = _actionSize;
        var obsShape = new Shape(n, _observationSize);
        var actShape = new Shape(n, d);
        if (_targets.Length < n) (_targets, _scaled, _nextActions) = (new float[n], new float[n * d], new float[n * d]);
        var y = _targets.AsSpan(0, n);
        var g = _graph;
        g.Reset();
        var s = g.Input(batch.Observations, obsShape);
        // Steps 1–2: the target, without gradients.
        using (g.NoGrad())
        {
            var next = g.Input(batch.NextObservations, obsShape);
            var nextActions = _nextActions.AsSpan(0, n * d);
            ActorTarget.Forward(g, next).Data.CopyTo(nextActions);
            ContinuousTargets.SmoothTargetActions(nextActions, _options.TargetNoise, _options.TargetNoiseLimit, context.Rng);
            var nextQ = CriticTarget.Minimum(g, g.Concat(next, g.Input(nextActions, actShape)));
            ContinuousTargets.Bootstrap(batch.Returns.AsSpan(0, n), batch.Discounts.AsSpan(0, n), nextQ.Data, y);
        }
        // Step 3: regress every critic onto y (the replay stores actions in env units; the critics see them scaled).
        _scaler.Scale(batch.Actions.AsSpan(0, n * d), _scaled.AsSpan(0, n * d));
        var sa = g.Concat(s, g.Input(_scaled.AsSpan(0, n * d), actShape));
        var target = g.Input(y, new Shape(n, 1));
        Tensor? criticLoss = null;
        Tensor q1 = Critic[0].Forward(g, sa);
        for (int i = 0; i < Critic.Count; i++)
        {
            var qi = i == 0 ? q1 : Critic[i].Forward(g, sa);
            var li = g.MseLoss(qi, target);
            criticLoss = criticLoss is null ? li : g.Add(criticLoss, li);
        }
        CriticOptimizer.ZeroGrad();
        g.Backward(criticLoss!);
        CriticOptimizer.Step();
        long updates = _updates.Increment();

        ReadOnlySpan<float> q = q1.Data;
        double meanQ = 0;
        for (int j = 0; j < n; j++)
        {
            tdErrors[j] = Math.Abs(q[j] - y[j]);
            meanQ += q[j];
        }
        context.Metrics.Add("critic_loss", criticLoss!.Item());
        context.Metrics.Add("q", meanQ / n);

        // Step 4: the delayed actor step through the frozen first critic, then the targets.
        if (updates % _options.ActorDelay != 0) return;
        var pi = Actor.Forward(g, s);
        Critic.SetRequiresGrad(false);
        var qPi = Critic.Forward(g, g.Concat(s, pi));
        Critic.SetRequiresGrad(true);
        var actorLoss = g.Neg(g.Mean(qPi));
        ActorOptimizer.ZeroGrad();
        g.Backward(actorLoss);
        ActorOptimizer.Step();
        context.Metrics.Add("actor_loss", actorLoss.Item());
        CriticTarget.PolyakFrom(Critic, (float)_options.Tau);
        ActorTarget.PolyakFrom(Actor, (float)_options.Tau);
    }
}
