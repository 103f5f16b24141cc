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
/// Soft actor-critic (Haarnoja et al. 2018, the 1812.05905 version, as Stable-Baselines3 implements it).
/// For a minibatch (actions scaled to [−1, 1]), with ã ~ π_θ(·|s) reparameterised as tanh(μ + σ ⊙ ε):
/// <list type="number">
/// <item>α = e^{log α} (the value before this step's α update); with automatic tuning
/// log α ← log α − λ ∇ [−log α · mean(log π(ã|s) + H̄)], H̄ = −|A| by default;</item>
/// <item>y = r + γ^m (1 − terminated) (min_i Q_φi'(s', a') − α log π(a'|s')), a' ~ π_θ(·|s') sampled;</item>
/// <item>φ_i ← φ_i − λ ∇ ½ Σ_i mean (Q_φi(s, a) − y)²;</item>
/// <item>θ ← θ − λ ∇_θ mean(α log π(ã|s) − min_i Q_φi(s, ã)), through critics frozen for this step;</item>
/// <item>every <c>target_update_interval</c> gradient steps φ' ← τφ + (1 − τ)φ'.</item>
/// </list>
/// log π(a|s) = log N(u; μ, σ²) − Σ_j log(1 − tanh² u_j) with log σ clamped to [−20, 2].
/// </summary>
public sealed class SacAgent : IOffPolicyAgent
{
    private static readonly MetricDefinition[] SacMetrics =
    [
        new("critic_loss", "critic loss"),
        new("actor_loss", "actor loss"),
        new("ent_coef", "alpha"),
        new("ent_coef_loss", "alpha loss"),
        new("q", "Q"),
    ];

    private readonly SacOptions _options;
    private readonly ActionScaler _scaler;
    private readonly int _observationSize, _actionSize;
    private readonly Parameter _logAlpha;
    private readonly Graph _graph = new();
    private readonly Graph _actGraph = new();
    private float[] _scaled = [], _targets = [], _noise = [], _nextNoise = [], _act = [];
    private long _updates;

    /// <summary>Creates the actor, the critics and their targets, log α and the optimizers (initialised from <paramref name="init"/>).</summary>
    public SacAgent(Space observationSpace, Space actionSpace, SacOptions options, Rng init, string algorithm = "sac")
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
        Actor = new SquashedGaussianActor(_observationSize, _actionSize, options.NetArch, random);
        Critic = new CriticEnsemble(options.Critics, _observationSize, _actionSize, options.NetArch, random);
        CriticTarget = new CriticEnsemble(options.Critics, _observationSize, _actionSize, options.NetArch, random);
        CriticTarget.CopyFrom(Critic);
        CriticTarget.SetRequiresGrad(false);
        _logAlpha = new Parameter("log_alpha", 1);
        _logAlpha.Data[0] = (float)Math.Log(options.EntCoef.Value);
        LogAlpha = new ParameterSet(_logAlpha);
        TargetEntropy = options.TargetEntropy ?? -_actionSize;
        ActorOptimizer = new Adam(Actor.Parameters(), options.LearningRate);
        CriticOptimizer = new Adam(Critic.Parameters(), options.LearningRate);
        AlphaOptimizer = options.EntCoef.Learned ? new Adam(LogAlpha.Parameters(), options.LearningRate) : null;
    }

    /// <inheritdoc/>
    public Space ObservationSpace { get; }

    /// <inheritdoc/>
    public Space ActionSpace { get; }

    /// <summary>The squashed-Gaussian actor π_θ.</summary>
    public SquashedGaussianActor Actor { get; }

    /// <summary>The critics Q_φi.</summary>
    public CriticEnsemble Critic { get; }

    /// <summary>The target critics Q_φi'.</summary>
    public CriticEnsemble CriticTarget { get; }

    /// <summary>log α as a checkpointed parameter ("log_alpha").</summary>
    public ParameterSet LogAlpha { get; }

    /// <summary>α = e^{log α}.</summary>
    public double Alpha => Math.Exp(_logAlpha.Data[0]);

    /// <summary>H̄, the entropy the α update aims at.</summary>
    public double TargetEntropy { get; }

    /// <summary>Adam over θ.</summary>
    public Optimizer ActorOptimizer { get; }

    /// <summary>Adam over every φ_i.</summary>
    public Optimizer CriticOptimizer { get; }

    /// <summary>Adam over log α (null when α is fixed).</summary>
    public Optimizer? AlphaOptimizer { get; }

    /// <summary>Gradient steps so far.</summary>
    public long Updates => _updates;

    /// <inheritdoc/>
    public IReadOnlyList<MetricDefinition> Metrics => SacMetrics;

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Module Module)> Networks =>
        [("actor", Actor), ("critic", Critic), ("critic_target", CriticTarget), ("log_alpha", LogAlpha)];

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Optimizer Optimizer)> Optimizers => AlphaOptimizer is null
        ? [("actor_optimizer", ActorOptimizer), ("critic_optimizer", CriticOptimizer)]
        : [("actor_optimizer", ActorOptimizer), ("critic_optimizer", CriticOptimizer), ("ent_coef_optimizer", AlphaOptimizer)];

    /// <inheritdoc/>
    public void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, double progress, Rng rng) =>
        Actions(observations, count, actions, rng);

    /// <inheritdoc/>
    public void Greedy(ReadOnlySpan<float> observation, Span<float> action) => Actions(observation, 1, action, null);

    /// <inheritdoc/>
    public void Sample(ReadOnlySpan<float> observation, Span<float> action, Rng rng) => Actions(observation, 1, action, rng);

    /// <summary>a = unscale(tanh(μ + σ ε)) with ε ~ N(0, I) from <paramref name="rng"/>, or unscale(tanh μ) without one.</summary>
    private void Actions(ReadOnlySpan<float> observations, int count, Span<float> actions, Rng? rng)
    {
        int size = count * _actionSize;
        if (_act.Length < size) _act = new float[size];
        var scaled = _act.AsSpan(0, size);
        _actGraph.Reset();
        using (_actGraph.NoGrad())
        {
            var x = _actGraph.Input(observations[..(count * _observationSize)], new Shape(count, _observationSize));
            var (mean, logStd) = Actor.Distribution(_actGraph, x);
            ReadOnlySpan<float> mu = mean.Data, ls = logStd.Data;
            for (int k = 0; k < size; k++)
            {
                double u = rng is null ? mu[k] : mu[k] + Math.Exp(ls[k]) * rng.NextNormal();
                scaled[k] = (float)Math.Tanh(u);
            }
        }
        _scaler.Unscale(scaled, actions[..size]);
    }

    /// <inheritdoc/>
    public void RecordExploration(double progress, UpdateMetrics metrics) { }

    /// <inheritdoc/>
    public void OnEnvironmentSteps(long steps, long previousSteps) { }

    /// <summary>Writes the update counter (which paces the target updates).</summary>
    public void WriteState(BinaryWriter writer) => writer.Write(_updates);

    /// <inheritdoc/>
    public void ReadState(BinaryReader reader) => _updates = reader.ReadInt64();

    /// <inheritdoc/>
    public void Train(ReplayBatch batch, Span<float> tdErrors, in UpdateContext context)
    {
        int n = batch.Size, d = _actionSize;
        var obsShape = new Shape(n, _observationSize);
        var actShape = new Shape(n, d);
        if (_targets.Length < n) (_targets, _scaled, _noise, _nextNoise) = (new float[n], new float[n * d], new float[n * d], new float[n * d]);
        var rng = context.Rng;
        for (int k = 0; k < n * d; k++) _noise[k] = (float)rng.NextNormal();
        for (int k = 0; k < n * d; k++) _nextNoise[k] = (float)rng.NextNormal();
        var y = _targets.AsSpan(0, n);
        var g = _graph;
        g.Reset();
        var s = g.Input(batch.Observations, obsShape);
        var (aPi, logPi) = Actor.Sample(g, s, g.Input(_noise.AsSpan(0, n * d), actShape));

        // Step 1: α, then its update toward the target entropy: ∂/∂log α = −mean(log π + H̄).
        float alpha = (float)Alpha;
        if (AlphaOptimizer is not null)
        {
            ReadOnlySpan<float> lp = logPi.Data;
            double mean = 0;
            for (int j = 0; j < n; j++) mean += lp[j] + TargetEntropy;
            mean /= n;
            _logAlpha.Grad[0] = (float)-mean;
            context.Metrics.Add("ent_coef_loss", -_logAlpha.Data[0] * mean);
            AlphaOptimizer.Step();
        }
        context.Metrics.Add("ent_coef", alpha);

        // Step 2: the soft target with a' sampled from the current policy, without gradients.
        using (g.NoGrad())
        {
            var next = g.Input(batch.NextObservations, obsShape);
            var (aNext, logNext) = Actor.Sample(g, next, g.Input(_nextNoise.AsSpan(0, n * d), actShape));
            var nextQ = CriticTarget.Minimum(g, g.Concat(next, aNext));
            ContinuousTargets.Soft(batch.Returns.AsSpan(0, n), batch.Discounts.AsSpan(0, n), nextQ.Data, logNext.Data, alpha, y);
        }

        // Step 3: the critics.
        _scaler.Scale(batch.Actions.AsSpan(0, n * d), _scaled.AsSpan(0, n * d));
        var sa = g.Concat(s, g.Input(_scaled.AsSpan(0, n * d), actShape));
        var target = g.Input(y, new Shape(n, 1));
        Tensor? criticLoss = null;
        Tensor q1 = Critic[0].Forward(g, sa);
        for (int i = 0; i < Critic.Count; i++)
        {
            var li = g.MseLoss(i == 0 ? q1 : Critic[i].Forward(g, sa), target);
            criticLoss = criticLoss is null ? li : g.Add(criticLoss, li);
        }
        criticLoss = g.Scale(criticLoss!, 0.5f);
        CriticOptimizer.ZeroGrad();
        g.Backward(criticLoss);
        CriticOptimizer.Step();

        // Step 4: the actor, through the frozen critics (already updated, as in SB3).
        Critic.SetRequiresGrad(false);
        var minQ = g.Reshape(Critic.Minimum(g, g.Concat(s, aPi)), new Shape(n));
        Critic.SetRequiresGrad(true);
        var actorLoss = g.Mean(g.Sub(g.Scale(logPi, alpha), minQ));
        ActorOptimizer.ZeroGrad();
        g.Backward(actorLoss);
        ActorOptimizer.Step();

        // Step 5: the targets.
        _updates++;
        if (_updates % _options.TargetUpdateInterval == 0) CriticTarget.PolyakFrom(Critic, (float)_options.Tau);

        ReadOnlySpan<float> q = q1.Data;
        double meanQ = 0;
        for (int j = 0; j < n; j++)
        {
            tdErrors[j] = Math.Abs(q[j] - y[j]);
            meanQ += q[j];
        }
        context.Metrics.Add("critic_loss", criticLoss.Item());
        context.Metrics.Add("actor_loss", actorLoss.Item());
        context.Metrics.Add("q", meanQ / n);
    }
}
