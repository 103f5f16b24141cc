using Bellman.Core.Schedules;
using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Nn.Layers;
using Bellman.Nn.Optimizers;

namespace Bellman.Algorithms.ActorCritic;

/// <summary>What REINFORCE subtracts from the reward-to-go.</summary>
public enum BaselineKind
{
    /// <summary>Nothing: ∇J ≈ Σ ∇log π Q̂.</summary>
    None,
    /// <summary>The batch's mean reward-to-go b = (1/N) Σ Q̂ (unbiased up to the batch coupling).</summary>
    Average,
    /// <summary>A learned V̂_φ(s) fitted to the Monte Carlo returns.</summary>
    Value,
}

/// <summary>
/// Options shared by every on-policy algorithm (keys and defaults as Stable-Baselines3's A2C, so published
/// hyperparameters carry over).
/// </summary>
public abstract record OnPolicyOptions : TrainingOptions
{
    /// <summary>Sets the on-policy defaults: 100k steps, evaluations every 10k.</summary>
    protected OnPolicyOptions()
    {
        TotalSteps = 100_000;
        EvalFrequency = 10_000;
    }

    /// <summary>Steps per environment per rollout.</summary>
    [Option("n_steps", "steps per environment per rollout (batch = n_envs * n_steps)")] public int NSteps { get; init; } = 5;
    /// <summary>The learning rate.</summary>
    [Option("learning_rate", "optimizer learning rate")] public double LearningRate { get; init; } = 7e-4;
    /// <summary>Anneal the learning rate linearly to 0.</summary>
    [Option("lr_linear_decay", "decay the learning rate linearly to 0 (the zoo's lin_ schedules)")] public bool LearningRateLinearDecay { get; init; }
    /// <summary>The learning rate over training: constant, or linear decay to 0 (<c>lr_linear_decay</c>).</summary>
    public Schedule LearningRateSchedule => LearningRateLinearDecay ? Schedule.LinearDecay(LearningRate) : Schedule.Constant(LearningRate);

    /// <summary>Entropy bonus coefficient.</summary>
    [Option("ent_coef", "entropy bonus coefficient")] public double EntCoef { get; init; }
    /// <summary>Gradient-norm clip (0 disables).</summary>
    [Option("max_grad_norm", "gradient norm clip (0 disables)")] public double MaxGradNorm { get; init; } = 0.5;
    /// <summary>Normalise advantages per batch.</summary>
    [Option("normalize_advantage", "normalise advantages to mean 0, std 1 per batch")] public bool NormalizeAdvantage { get; init; }
    /// <summary>Hidden activation.</summary>
    [Option("activation", "tanh, relu, sigmoid, silu or dsilu")] public Activation Activation { get; init; } = Activation.Tanh;
    /// <summary>One shared trunk with two heads instead of two networks.</summary>
    [Option("shared", "one shared trunk with policy and value heads (false: two networks)")] public bool Shared { get; init; }
    /// <summary>Orthogonal initialisation.</summary>
    [Option("ortho_init", "orthogonal initialisation (gains sqrt 2, 0.01, 1)")] public bool OrthoInit { get; init; } = true;
    /// <summary>Initial log σ of a Gaussian policy.</summary>
    [Option("log_std_init", "initial log std of a Gaussian policy (Box actions)")] public double LogStdInit { get; init; }
    /// <summary>The optimizer.</summary>
    [Option("optimizer", "rmsprop, adam or sgd")] public OptimizerKind Optimizer { get; init; } = OptimizerKind.Rmsprop;
    /// <summary>RMSprop's smoothing constant α.</summary>
    [Option("rms_prop_alpha", "RMSprop smoothing constant alpha")] public double RmsPropAlpha { get; init; } = 0.99;
    /// <summary>The optimizer's ε.</summary>
    [Option("optimizer_eps", "optimizer epsilon")] public double OptimizerEps { get; init; } = 1e-5;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Require(NSteps > 0, "n_steps", NSteps, "must be positive");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning_rate", LearningRate, "must be a positive number");
        Require(EntCoef >= 0, "ent_coef", EntCoef, "must be non-negative");
        Require(MaxGradNorm >= 0, "max_grad_norm", MaxGradNorm, "must be non-negative (0 disables clipping)");
        Require(NetArch.Length > 0 || !Shared, "net_arch", NetArch, "needs at least one layer when shared = true");
        Require(Activation is Activation.Tanh or Activation.ReLU or Activation.Sigmoid or Activation.SiLU or Activation.DSiLU, "activation", Activation,
            "must be tanh, relu, sigmoid, silu or dsilu");
        Require(double.IsFinite(LogStdInit), "log_std_init", LogStdInit, "must be finite");
        Require(RmsPropAlpha is >= 0 and <= 1, "rms_prop_alpha", RmsPropAlpha, "must be in [0, 1]");
        Require(OptimizerEps > 0, "optimizer_eps", OptimizerEps, "must be positive");
    }
}

/// <summary>A2C options (SB3's A2C defaults: RMSprop lr 7e-4 α 0.99 ε 1e-5, 5-step rollouts, GAE λ = 1, vf_coef 0.5, clip 0.5).</summary>
public sealed record A2cOptions : OnPolicyOptions
{
    /// <summary>GAE λ (1: n-step returns; 0: one-step TD advantages).</summary>
    [Option("gae_lambda", "GAE lambda (1 = n-step returns, 0 = one-step TD)")] public double GaeLambda { get; init; } = 1.0;
    /// <summary>Value loss coefficient.</summary>
    [Option("vf_coef", "value loss coefficient")] public double VfCoef { get; init; } = 0.5;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Require(GaeLambda is >= 0 and <= 1, "gae_lambda", GaeLambda, "must be in [0, 1]");
        Require(VfCoef >= 0, "vf_coef", VfCoef, "must be non-negative");
    }
}

/// <summary>REINFORCE options: Monte Carlo reward-to-go with an optional baseline.</summary>
public sealed record ReinforceOptions : OnPolicyOptions
{
    /// <summary>Creates the defaults: Adam, 8 × 500-step rollouts, no clipping.</summary>
    public ReinforceOptions()
    {
        NumEnvs = 8;
        NSteps = 500;
        LearningRate = 5e-3;
        Optimizer = OptimizerKind.Adam;
        OptimizerEps = 1e-8;
        MaxGradNorm = 0;
    }

    /// <summary>The baseline.</summary>
    [Option("baseline", "none, average or value (a learned V(s))")] public BaselineKind Baseline { get; init; } = BaselineKind.Value;
    /// <summary>Value loss coefficient (baseline = value).</summary>
    [Option("vf_coef", "value loss coefficient (baseline = value)")] public double VfCoef { get; init; } = 0.5;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Require(VfCoef >= 0, "vf_coef", VfCoef, "must be non-negative");
        Require(Baseline == BaselineKind.Value || !Shared, "shared", Shared, "needs baseline = value (there is no critic to share a trunk with)");
    }
}

/// <summary>Batch actor-critic options; n_steps = 1, critic_steps = 1, bootstrap_targets = true is the online algorithm.</summary>
public sealed record ActorCriticOptions : OnPolicyOptions
{
    /// <summary>Creates the defaults: Adam, batch mode with 1 × 200-step rollouts.</summary>
    public ActorCriticOptions()
    {
        NSteps = 200;
        LearningRate = 1e-3;
        Optimizer = OptimizerKind.Adam;
        OptimizerEps = 1e-8;
        MaxGradNorm = 0;
    }

    /// <summary>Critic gradient steps per batch (step 2, fit V̂).</summary>
    [Option("critic_steps", "gradient steps fitting V to the targets per batch")] public int CriticSteps { get; init; } = 10;
    /// <summary>The critic's learning rate.</summary>
    [Option("critic_learning_rate", "critic optimizer learning rate")] public double CriticLearningRate { get; init; } = 1e-3;
    /// <summary>Fit V̂ to bootstrapped targets r + γV̂(s') (true) or to Monte Carlo reward sums (false).</summary>
    [Option("bootstrap_targets", "fit V to r + gamma V(s') (false: to the sampled reward sums)")] public bool BootstrapTargets { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Require(CriticSteps > 0, "critic_steps", CriticSteps, "must be positive");
        Require(CriticLearningRate > 0 && double.IsFinite(CriticLearningRate), "critic_learning_rate", CriticLearningRate, "must be a positive number");
    }
}

/// <summary>
/// AC(λ) options, MinAtar's <c>examples/AC_lambda.py</c> settings: α = 2^−11, λ 0.8, γ 0.99, entropy β 0.01, the
/// traces' RMSprop ρ 0.999 and ε 1e-4, ε = 1e-4 inside log π; one environment, one transition per update; a shared
/// trunk whose hidden layers use dSiLU and whose convolutions (policy = cnn) use SiLU; PyTorch's default initialisation.
/// </summary>
public sealed record AcLambdaOptions : OnPolicyOptions
{
    /// <summary>Creates MinAtar's defaults.</summary>
    public AcLambdaOptions()
    {
        NumEnvs = 1;
        NSteps = 1;
        LearningRate = 0.00048828125;
        EntCoef = 0.01;
        MaxGradNorm = 0;
        Optimizer = OptimizerKind.Sgd;
        Shared = true;
        NetArch = [128];
        Activation = Activation.DSiLU;
        CnnActivation = Activation.SiLU;
        OrthoInit = false;
    }

    /// <summary>The trace decay λ (e ← γλe + g).</summary>
    [Option("trace_lambda", "eligibility-trace decay lambda (e <- gamma lambda e + grad)")] public double TraceLambda { get; init; } = 0.8;

    /// <summary>ρ of the RMSprop over the ascent direction.</summary>
    [Option("rms_decay", "decay rho of the RMSprop over the trace update (MinAtar's GAMMA_RMS)")] public double RmsDecay { get; init; } = 0.999;

    /// <summary>ε added under the square root of the RMSprop's bias-corrected average.</summary>
    [Option("rms_eps", "epsilon under the square root of the RMSprop (MinAtar's EPS_RMS)")] public double RmsEps { get; init; } = 1e-4;

    /// <summary>ε added to π inside the logarithms (MinAtar's MIN_DENOM).</summary>
    [Option("prob_eps", "epsilon added to pi inside log pi (MinAtar's MIN_DENOM)")] public double ProbEps { get; init; } = 1e-4;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Require(NumEnvs == 1, "n_envs", NumEnvs, "must be 1: AC(lambda) learns online from one environment");
        Require(NSteps == 1, "n_steps", NSteps, "must be 1: AC(lambda) updates after every transition");
        Require(TraceLambda is >= 0 and <= 1, "trace_lambda", TraceLambda, "must be in [0, 1]");
        Require(RmsDecay is >= 0 and < 1, "rms_decay", RmsDecay, "must be in [0, 1)");
        Require(RmsEps > 0 && double.IsFinite(RmsEps), "rms_eps", RmsEps, "must be positive");
        Require(ProbEps > 0 && double.IsFinite(ProbEps), "prob_eps", ProbEps, "must be positive");
        Require(MaxGradNorm == 0, "max_grad_norm", MaxGradNorm, "must be 0: AC(lambda) does not clip (it steps along its trace)");
        Require(!NormalizeAdvantage, "normalize_advantage", NormalizeAdvantage, "does not apply to AC(lambda), which has no batch of advantages");
        Require(Optimizer == OptimizerKind.Sgd, "optimizer", Optimizer, "does not apply: AC(lambda) steps with its own RMSprop over the traces (rms_decay, rms_eps); leave it at sgd");
    }
}
