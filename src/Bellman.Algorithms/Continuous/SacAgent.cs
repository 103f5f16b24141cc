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
/// <para>
/// With <c>use_sde</c> the actor is a <see cref="GsdeActor"/>: each gradient step draws one noise matrix θ_ε for the
/// whole batch (used for ã and a', as SB3's <c>reset_noise</c> at every step of <c>train</c>); while collecting, each
/// environment holds its own θ_ε, drawn again at the start of every rollout of <c>train_freq</c> vector steps and,
/// when <c>sde_sample_freq</c> &gt; 0, every <c>sde_sample_freq</c> steps within it (SB3's <c>collect_rollouts</c>).
/// </para>
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
    private readonly SquashedGaussianActor? _actor;
    private readonly GsdeActor? _sdeActor;
    private float[] _exploration = [], _sdeStd = [], _features = [], _means = [];
    private long _vectorSteps;
    private readonly Graph _graph = new();
    private readonly Graph _actGraph = new();
    private float[] _scaled = [], _targets = [], _noise = [], _nextNoise = [], _act = [];
    private readonly UpdateCounter _updates = new();

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
        if (options.UseSde)
        {
            _sdeActor = new GsdeActor(_observationSize, _actionSize, options.NetArch, random, options.LogStdInit, options.FullStd, options.UseExpln, options.SdeLearnFeatures, options.ClipMean);
            int matrix = _sdeActor.FeatureSize * _actionSize;
            _exploration = new float[(options.NumEnvs + 1) * matrix];
            _sdeStd = new float[matrix];
        }
        else
        {
            _actor = new SquashedGaussianActor(_observationSize, _actionSize, options.NetArch, random);
        }
        ActorModule = (Module?)_actor ?? _sdeActor!;
        Critic = new CriticEnsemble(options.Critics, _observationSize, _actionSize, options.NetArch, random);
        CriticTarget = new CriticEnsemble(options.Critics, _observationSize, _actionSize, options.NetArch, random);
        CriticTarget.CopyFrom(Critic);
        CriticTarget.SetRequiresGrad(false);
        _logAlpha = new Parameter("log_alpha", 1);
        _logAlpha.Data[0] = (float)Math.Log(options.EntCoef.Value);
        LogAlpha = new ParameterSet(_logAlpha);
        TargetEntropy = options.TargetEntropy ?? -_actionSize;
        ActorOptimizer = new Adam(ActorModule.Parameters(), options.LearningRate);
        CriticOptimizer = new Adam(Critic.Parameters(), options.LearningRate);
        AlphaOptimizer = options.EntCoef.Learned ? new Adam(LogAlpha.Parameters(), options.LearningRate) : null;
    }

    /// <inheritdoc/>
    public Space ObservationSpace { get; }

    /// <inheritdoc/>
    public Space ActionSpace { get; }

    /// <summary>The squashed-Gaussian actor π_θ (without gSDE).</summary>
    /// <exception cref="InvalidOperationException">The agent explores with gSDE: its actor is <see cref="SdeActor"/>.</exception>
    public SquashedGaussianActor Actor => _actor
        ?? throw new InvalidOperationException("This SAC agent explores with gSDE (use_sde=true); its actor is SdeActor, a GsdeActor.");

    /// <summary>The gSDE actor (null without <c>use_sde</c>).</summary>
    public GsdeActor? SdeActor => _sdeActor;

    /// <summary>The actor, whichever kind it is.</summary>
    public Module ActorModule { get; }

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
    public long Updates => _updates.Value;

    /// <inheritdoc/>
    public IReadOnlyList<MetricDefinition> Metrics => SacMetrics;

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Module Module)> Networks =>
        [("actor", ActorModule), ("critic", Critic), ("critic_target", CriticTarget), ("log_alpha", LogAlpha), ("counters", _updates)];

    /// <inheritdoc/>
    public IEnumerable<Module> ActingNetworks => [ActorModule];

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Optimizer Optimizer)> Optimizers => AlphaOptimizer is null
        ? [("actor_optimizer", ActorOptimizer), ("critic_optimizer", CriticOptimizer)]
        : [("actor_optimizer", ActorOptimizer), ("critic_optimizer", CriticOptimizer), ("ent_coef_optimizer", AlphaOptimizer)];

    /// <inheritdoc/>
    public void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, double progress, Rng rng)
    {
        if (_sdeActor is null)
        {
            Actions(observations, count, actions, rng);
            return;
        }
        // SB3's collect_rollouts: a new θ_ε per environment at the start of each rollout of train_freq vector steps,
        // and every sde_sample_freq steps within it.
        long k = _vectorSteps % _options.TrainFrequency;
        if (k == 0 || (_options.SdeSampleFreq > 0 && k % _options.SdeSampleFreq == 0) || !_sdeDrawn)
        {
            for (int i = 0; i < count; i++) ResampleExploration(i, rng);
            _sdeDrawn = true;
        }
        SdeActions(observations, count, 0, actions);
    }

    /// <inheritdoc/>
    public void Greedy(ReadOnlySpan<float> observation, Span<float> action) => Actions(observation, 1, action, null);

    /// <inheritdoc/>
    public void Sample(ReadOnlySpan<float> observation, Span<float> action, Rng rng)
    {
        if (_sdeActor is null)
        {
            Actions(observation, 1, action, rng);
            return;
        }
        // Outside training each sampled action draws a fresh θ_ε (its own slot, so training's matrices stay as they are).
        int slot = _options.NumEnvs;
        ResampleExploration(slot, rng);
        SdeActions(observation, 1, slot, action);
    }

    private bool _sdeDrawn;

    /// <summary>θ_ε = σ_θ ⊙ E for environment slot <paramref name="slot"/>, E ~ N(0, I) from <paramref name="rng"/> (row-major [H, d]).</summary>
    private void ResampleExploration(int slot, Rng rng)
    {
        int matrix = _sdeStd.Length;
        _sdeActor!.StdValues(_sdeStd);
        var m = _exploration.AsSpan(slot * matrix, matrix);
        for (int k = 0; k < matrix; k++) m[k] = _sdeStd[k] * (float)rng.NextNormal();
    }

    /// <summary>The gSDE noise matrix environment <paramref name="slot"/> explores with now (row-major [H, d]).</summary>
    public ReadOnlySpan<float> ExplorationMatrix(int slot)
    {
        int matrix = _sdeStd.Length;
        return _exploration.AsSpan(slot * matrix, matrix);
    }

    /// <summary>a_i = unscale(tanh(μ(s_i) + h(s_i)·θ_ε of slot <paramref name="firstSlot"/> + i)).</summary>
    private void SdeActions(ReadOnlySpan<float> observations, int count, int firstSlot, Span<float> actions)
    {
        var actor = _sdeActor!;
        int size = count * _actionSize, f = actor.FeatureSize, d = _actionSize, matrix = f * d;
        if (_act.Length < size) _act = new float[size];
        var scaled = _act.AsSpan(0, size);
        _actGraph.Reset();
        using (_actGraph.NoGrad())
        {
            var x = _actGraph.Input(observations[..(count * _observationSize)], new Shape(count, _observationSize));
            var (mean, h) = actor.Distribution(_actGraph, x);
            ReadOnlySpan<float> mu = mean.Data, features = h.Data;
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<float> m = _exploration.AsSpan((firstSlot + i) * matrix, matrix), hi = features.Slice(i * f, f);
                for (int j = 0; j < d; j++)
                {
                    double u = mu[i * d + j];
                    for (int p = 0; p < f; p++) u += hi[p] * m[p * d + j];
                    scaled[i * d + j] = (float)Math.Tanh(u);
                }
            }
        }
        _scaler.Unscale(scaled, actions[..size]);
    }

    /// <summary>a = unscale(tanh(μ + σ ε)) with ε ~ N(0, I) from <paramref name="rng"/>, or unscale(tanh μ) without one.</summary>
    private void Actions(ReadOnlySpan<float> observations, int count, Span<float> actions, Rng? rng)
    {
        if (_sdeActor is not null)
        {
            GreedySde(observations, count, actions);
            return;
        }
        int size = count * _actionSize;
        if (_act.Length < size) _act = new float[size];
        var scaled = _act.AsSpan(0, size);
        _actGraph.Reset();
        using (_actGraph.NoGrad())
        {
            var x = _actGraph.Input(observations[..(count * _observationSize)], new Shape(count, _observationSize));
            var (mean, logStd) = _actor!.Distribution(_actGraph, x);
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

    private void GreedySde(ReadOnlySpan<float> observations, int count, Span<float> actions)
    {
        int size = count * _actionSize;
        if (_act.Length < size) _act = new float[size];
        _actGraph.Reset();
        using (_actGraph.NoGrad())
        {
            var x = _actGraph.Input(observations[..(count * _observationSize)], new Shape(count, _observationSize));
            _sdeActor!.Forward(_actGraph, x).Data.CopyTo(_act);
        }
        _scaler.Unscale(_act.AsSpan(0, size), actions[..size]);
    }

    /// <inheritdoc/>
    public void OnEnvironmentSteps(long steps, long previousSteps) => _vectorSteps = steps / _options.NumEnvs;

    /// <summary>Nothing beyond the checkpoint's tensors: the update counter is one of them ("counters.updates").</summary>
    public void WriteState(BinaryWriter writer) { }

    /// <inheritdoc/>
    public void ReadState(BinaryReader reader) { }

    /// <inheritdoc/>
    public void Train(ReplayBatch batch, Span<float> tdErrors, in UpdateContext context)
    {
        int n = batch.Size, d = _actionSize;
        var obsShape = new Shape(n, _observationSize);
        var actShape = new Shape(n, d);
        if (_targets.Length < n) (_targets, _scaled, _noise, _nextNoise) = (new float[n], new float[n * d], new float[n * d], new float[n * d]);
        var rng = context.Rng;
        // Without gSDE, ε [n, d] for π(·|s) then ε' for π(·|s'); with it, one standard-normal E [H, d] for both (SB3's reset_noise).
        int noiseSize = _sdeActor is null ? n * d : _sdeStd.Length;
        if (_noise.Length < noiseSize) _noise = new float[noiseSize];
        for (int k = 0; k < noiseSize; k++) _noise[k] = (float)rng.NextNormal();
        if (_sdeActor is null)
            for (int k = 0; k < n * d; k++) _nextNoise[k] = (float)rng.NextNormal();
        var y = _targets.AsSpan(0, n);
        var g = _graph;
        g.Reset();
        var s = g.Input(batch.Observations, obsShape);
        var (aPi, logPi) = SampleActions(g, s, _noise, n);

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
            var (aNext, logNext) = SampleActions(g, next, _sdeActor is null ? _nextNoise : _noise, n);
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
        long updates = _updates.Increment();
        if (updates % _options.TargetUpdateInterval == 0) CriticTarget.PolyakFrom(Critic, (float)_options.Tau);

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

    /// <summary>ã = tanh(u) and log π(ã|s) for the rows of <paramref name="observations"/>: ε [n, d] per row, or gSDE's E [H, d] shared.</summary>
    private (Tensor Action, Tensor LogProb) SampleActions(Graph g, Tensor observations, float[] noise, int n)
    {
        if (_sdeActor is null) return _actor!.Sample(g, observations, g.Input(noise.AsSpan(0, n * _actionSize), new Shape(n, _actionSize)));
        return _sdeActor.Sample(g, observations, g.Input(noise.AsSpan(0, _sdeStd.Length), new Shape(_sdeActor.FeatureSize, _actionSize)));
    }
}
