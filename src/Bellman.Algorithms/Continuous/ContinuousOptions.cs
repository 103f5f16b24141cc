using System.Globalization;
using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Training;

namespace Bellman.Algorithms.Continuous;

/// <summary>
/// The keys every continuous-action agent (DDPG, TD3, SAC, NAF, QT-Opt) shares: Adam's learning rate and
/// the Polyak coefficient τ of its target networks, with the loop defaults of Stable-Baselines3's
/// continuous-control algorithms (batch 256, one gradient step per environment step). Derived records
/// set their own defaults for these in their constructors.
/// </summary>
public abstract record ContinuousControlOptions : OffPolicyOptions
{
    /// <summary>SB3's continuous-control loop defaults.</summary>
    protected ContinuousControlOptions()
    {
        BatchSize = 256;
        TrainFrequency = 1;
    }

    /// <summary>The learning rate of every Adam of the agent (actor, critics, entropy coefficient).</summary>
    [Option("learning_rate", "Adam learning rate (every network of the agent, and SAC's entropy coefficient)")] public double LearningRate { get; init; } = 1e-3;
    /// <summary>Polyak coefficient τ of the target networks.</summary>
    [Option("tau", "Polyak coefficient of the target networks")] public double Tau { get; init; } = 0.005;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning_rate", LearningRate, "must be a positive number");
        Require(Tau > 0 && Tau <= 1, "tau", Tau, "must be in (0, 1]");
    }

    /// <summary>The check of the actor-critic agents, whose networks are MLPs only.</summary>
    protected void RequireMlp() =>
        Require(Policy == Networks.PolicyKind.Mlp, "policy", Policy, "must be mlp for continuous-action algorithms (cnn is not supported yet)");
}

/// <summary>
/// The exploration key NAF and QT-Opt share: σ of the Gaussian noise added to the greedy action, in the
/// scaled action space [−1, 1].
/// </summary>
public abstract record GaussianExplorationOptions : ContinuousControlOptions
{
    /// <summary>σ of the Gaussian exploration noise on the greedy action, in the scaled space [−1, 1].</summary>
    [Option("exploration_noise", "std of the Gaussian noise added to the greedy action, in the scaled action space [-1, 1]")] public double ExplorationNoise { get; init; } = 0.1;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Require(ExplorationNoise >= 0 && double.IsFinite(ExplorationNoise), "exploration_noise", ExplorationNoise, "must be a non-negative number");
    }
}

/// <summary>
/// The keys DDPG and TD3 share, with Stable-Baselines3's defaults (lr 1e-3, τ 0.005, batch 256, one
/// gradient step per environment step, net [400, 300], no exploration noise unless one is chosen).
/// </summary>
public abstract record DeterministicPolicyOptions : ContinuousControlOptions
{
    /// <summary>SB3's defaults for the loop keys.</summary>
    protected DeterministicPolicyOptions()
    {
        NetArch = [400, 300];
    }

    /// <summary>The exploration noise (the zoo's noise_type).</summary>
    [Option("action_noise", "exploration noise added in the scaled action space: none, normal or ornstein_uhlenbeck")] public ActionNoiseKind ActionNoise { get; init; } = ActionNoiseKind.None;
    /// <summary>σ of the exploration noise (the zoo's noise_std), in the scaled space [−1, 1].</summary>
    [Option("noise_std", "standard deviation (sigma) of the exploration noise, in the scaled space [-1, 1]")] public double NoiseStd { get; init; } = 0.1;
    /// <summary>θ of Ornstein–Uhlenbeck noise.</summary>
    [Option("noise_theta", "mean reversion theta of Ornstein-Uhlenbeck noise")] public double NoiseTheta { get; init; } = 0.15;
    /// <summary>dt of Ornstein–Uhlenbeck noise.</summary>
    [Option("noise_dt", "time step dt of Ornstein-Uhlenbeck noise")] public double NoiseDt { get; init; } = 1e-2;

    /// <summary>Number of critics (TD3: 2, DDPG: 1).</summary>
    public abstract int CriticCount { get; }

    /// <summary>Critic updates per actor and target update (TD3: policy_delay, DDPG: 1).</summary>
    public abstract int ActorDelay { get; }

    /// <summary>σ of the target-policy smoothing noise (TD3), 0 for none.</summary>
    public abstract double TargetNoise { get; }

    /// <summary>The clip c of the smoothing noise.</summary>
    public abstract double TargetNoiseLimit { get; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Require(NoiseStd >= 0 && double.IsFinite(NoiseStd), "noise_std", NoiseStd, "must be non-negative");
        Require(NoiseTheta >= 0, "noise_theta", NoiseTheta, "must be non-negative");
        Require(NoiseDt > 0, "noise_dt", NoiseDt, "must be positive");
        RequireMlp();
    }
}

/// <summary>DDPG's options: the shared keys only (one critic, no delay, no target smoothing).</summary>
public sealed record DdpgOptions : DeterministicPolicyOptions
{
    /// <inheritdoc/>
    public override int CriticCount => 1;

    /// <inheritdoc/>
    public override int ActorDelay => 1;

    /// <inheritdoc/>
    public override double TargetNoise => 0;

    /// <inheritdoc/>
    public override double TargetNoiseLimit => 0;
}

/// <summary>TD3's options: the shared keys and the three changes of Fujimoto et al. (SB3's defaults).</summary>
public sealed record Td3Options : DeterministicPolicyOptions
{
    /// <summary>Critic updates per actor/target update.</summary>
    [Option("policy_delay", "critic updates per actor and target update")] public int PolicyDelay { get; init; } = 2;
    /// <summary>σ of the target-policy smoothing noise.</summary>
    [Option("target_policy_noise", "std of the Gaussian noise added to the target action (scaled space)")] public double TargetPolicyNoise { get; init; } = 0.2;
    /// <summary>Clip of the target-policy smoothing noise.</summary>
    [Option("target_noise_clip", "clip of the target-policy noise")] public double TargetNoiseClip { get; init; } = 0.5;
    /// <summary>Number of critics.</summary>
    [Option("n_critics", "number of critics (the target takes their minimum)")] public int Critics { get; init; } = 2;

    /// <inheritdoc/>
    public override int CriticCount => Critics;

    /// <inheritdoc/>
    public override int ActorDelay => PolicyDelay;

    /// <inheritdoc/>
    public override double TargetNoise => TargetPolicyNoise;

    /// <inheritdoc/>
    public override double TargetNoiseLimit => TargetNoiseClip;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Require(PolicyDelay >= 1, "policy_delay", PolicyDelay, "must be at least 1");
        Require(TargetPolicyNoise >= 0, "target_policy_noise", TargetPolicyNoise, "must be non-negative");
        Require(TargetNoiseClip >= 0, "target_noise_clip", TargetNoiseClip, "must be non-negative");
        Require(Critics >= 1, "n_critics", Critics, "must be at least 1");
    }
}

/// <summary>
/// SAC's entropy coefficient α: <c>auto</c> (learned, starting at 1), <c>auto_0.1</c> (learned, starting at
/// 0.1) or a fixed number, as SB3's <c>ent_coef</c>.
/// </summary>
/// <param name="Learned">Whether log α is learned toward the target entropy.</param>
/// <param name="Value">The fixed α, or the initial α when learned.</param>
public readonly record struct EntropyCoefficient(bool Learned, double Value) : IOptionValue<EntropyCoefficient>
{
    /// <summary>SB3's default: learned, starting at α = 1.</summary>
    public static EntropyCoefficient Auto => new(true, 1.0);

    /// <summary>A fixed α.</summary>
    public static EntropyCoefficient Fixed(double alpha) => new(false, alpha);

    /// <inheritdoc/>
    public static string TypeDescription => "auto, auto_<initial> or a number";

    /// <inheritdoc/>
    public static EntropyCoefficient Parse(string s, IFormatProvider? provider) =>
        TryParse(s, provider, out var value) ? value : throw new FormatException($"'{s}' is not auto, auto_<initial value> or a positive number");

    /// <inheritdoc/>
    public static bool TryParse(string? s, IFormatProvider? provider, out EntropyCoefficient result)
    {
        result = default;
        if (s is null) return false;
        string t = s.Trim().Trim('"', '\'');
        if (t.Equals("auto", StringComparison.OrdinalIgnoreCase)) { result = Auto; return true; }
        bool learned = t.StartsWith("auto_", StringComparison.OrdinalIgnoreCase);
        if (learned) t = t["auto_".Length..];
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v > 0) || !double.IsFinite(v)) return false;
        result = new EntropyCoefficient(learned, v);
        return true;
    }

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) =>
        Learned ? (Value == 1.0 ? "auto" : "auto_" + Value.ToString("R", CultureInfo.InvariantCulture)) : Value.ToString("R", CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override string ToString() => ToString(null, CultureInfo.InvariantCulture);
}

/// <summary>SAC's options (Haarnoja et al. 2018, 1812.05905), with SB3's defaults.</summary>
public sealed record SacOptions : ContinuousControlOptions
{
    /// <summary>SB3's defaults (learning rate 3e-4, net [256, 256]).</summary>
    public SacOptions()
    {
        LearningRate = 3e-4;
        NetArch = [256, 256];
    }

    /// <summary>α: learned (auto) or fixed.</summary>
    [Option("ent_coef", "entropy coefficient alpha: auto (learned from 1), auto_<initial> or a fixed number")] public EntropyCoefficient EntCoef { get; init; } = EntropyCoefficient.Auto;
    /// <summary>The target entropy of the α update (null: −|A|).</summary>
    [Option("target_entropy", "target entropy of the alpha update (null: minus the action dimension)")] public double? TargetEntropy { get; init; }
    /// <summary>Gradient steps between target updates.</summary>
    [Option("target_update_interval", "gradient steps between Polyak updates of the target critics")] public int TargetUpdateInterval { get; init; } = 1;
    /// <summary>Number of critics.</summary>
    [Option("n_critics", "number of critics (targets and actor take their minimum)")] public int Critics { get; init; } = 2;
    /// <summary>Explore with generalised state-dependent exploration (gSDE) instead of independent Gaussian noise.</summary>
    [Option("use_sde", "explore with generalised state-dependent exploration (gSDE, noise = features x theta_eps) as SB3's SAC")] public bool UseSde { get; init; }
    /// <summary>Steps between draws of gSDE's noise matrix; −1: only at the start of each rollout (every train_freq steps), as SB3.</summary>
    [Option("sde_sample_freq", "gSDE: steps between draws of the noise matrix (-1: only at the start of each rollout of train_freq steps)")] public int SdeSampleFreq { get; init; } = -1;
    /// <summary>Initial value of gSDE's log-deviations (SB3's SAC default −3).</summary>
    [Option("log_std_init", "gSDE: initial value of the log standard deviations of the noise matrix")] public double LogStdInit { get; init; } = -3;
    /// <summary>One σ per (feature, action) pair (true) or one per feature.</summary>
    [Option("full_std", "gSDE: one std per (feature, action) pair (false: one per feature)")] public bool FullStd { get; init; } = true;
    /// <summary>σ = expln(log σ) instead of exp (keeps σ from growing fast).</summary>
    [Option("use_expln", "gSDE: std = expln(log_std) (exp below 0, 1 + log1p above) instead of exp")] public bool UseExpln { get; init; }
    /// <summary>Whether gradients of the gSDE noise and variance reach the features (SB3's SAC: true).</summary>
    [Option("sde_learn_features", "gSDE: let the gradients of the noise and variance reach the actor's features (SB3's SAC: true)")] public bool SdeLearnFeatures { get; init; } = true;
    /// <summary>gSDE: the mean is clamped to [−clip_mean, clip_mean] (SB3's Hardtanh; 0: no clamp).</summary>
    [Option("clip_mean", "gSDE: clamp the Gaussian mean to [-clip_mean, clip_mean] (0: no clamp)")] public double ClipMean { get; init; } = 2.0;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Require(EntCoef.Value > 0 && double.IsFinite(EntCoef.Value), "ent_coef", EntCoef, "must be auto or a positive number");
        Require(TargetEntropy is null || double.IsFinite(TargetEntropy.Value), "target_entropy", TargetEntropy ?? 0, "must be a finite number or null");
        Require(TargetUpdateInterval >= 1, "target_update_interval", TargetUpdateInterval, "must be at least 1");
        Require(Critics >= 1, "n_critics", Critics, "must be at least 1");
        Require(SdeSampleFreq == -1 || SdeSampleFreq >= 1, "sde_sample_freq", SdeSampleFreq, "must be -1 (once per rollout) or at least 1");
        Require(double.IsFinite(LogStdInit), "log_std_init", LogStdInit, "must be a finite number");
        Require(ClipMean >= 0 && double.IsFinite(ClipMean), "clip_mean", ClipMean, "must be a non-negative number");
        Require(NetArch.Length > 0, "net_arch", NetArch, "needs at least one hidden layer");
        RequireMlp();
    }
}
