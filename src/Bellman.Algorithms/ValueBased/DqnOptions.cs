using Bellman.Core.Schedules;
using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Training;
using Bellman.Nn.Optimizers;

namespace Bellman.Algorithms.ValueBased;

/// <summary>The loss that regresses Q(s, a) onto the TD target.</summary>
public enum TdLoss
{
    /// <summary>Huber (smooth L1, δ = 1), as DQN's clipped error.</summary>
    Huber,
    /// <summary>Squared error.</summary>
    Mse,
}

/// <summary>How a discrete-action agent explores.</summary>
public enum ExplorationKind
{
    /// <summary>ε-greedy with ε annealed linearly.</summary>
    EpsilonGreedy,
    /// <summary>Boltzmann: softmax over Q / temperature, with the temperature annealed linearly.</summary>
    Boltzmann,
}

/// <summary>
/// Options of DQN and its family: the off-policy loop's keys (<see cref="OffPolicyOptions"/>) and DQN's
/// own. Keys and defaults follow Stable-Baselines3 / rl-baselines3-zoo so that published hyperparameters
/// carry over; every key can be set from a preset, a YAML file or <c>--set</c>.
/// </summary>
public sealed record DqnOptions : OffPolicyOptions
{
    /// <summary>The optimizer's learning rate.</summary>
    [Option("learning_rate", "optimizer learning rate")] public double LearningRate { get; init; } = 1e-4;
    /// <summary>Anneal the learning rate linearly to 0 over training.</summary>
    [Option("lr_linear_decay", "decay the learning rate linearly to 0")] public bool LearningRateLinearDecay { get; init; }
    /// <summary>The learning rate over training: constant, or linear decay to 0 (<c>lr_linear_decay</c>).</summary>
    public Schedule LearningRateSchedule => LearningRateLinearDecay ? Schedule.LinearDecay(LearningRate) : Schedule.Constant(LearningRate);

    /// <summary>Bootstrap from a target network φ' (false: from φ itself, the lecture's moving target).</summary>
    [Option("target_network", "bootstrap from a target network (false: from the online network itself)")] public bool TargetNetwork { get; init; } = true;
    /// <summary>Environment steps between target-network updates.</summary>
    [Option("target_update_interval", "environment steps between target updates")] public int TargetUpdateInterval { get; init; } = 10_000;
    /// <summary>Polyak coefficient τ (1 = hard copy).</summary>
    [Option("tau", "target update coefficient (1 = hard copy)")] public double Tau { get; init; } = 1.0;
    /// <summary>Exploration scheme.</summary>
    [Option("exploration", "epsilon_greedy or boltzmann")] public ExplorationKind Exploration { get; init; } = ExplorationKind.EpsilonGreedy;
    /// <summary>Fraction of training over which ε (or the temperature) is annealed.</summary>
    [Option("exploration_fraction", "fraction of training over which exploration is annealed")] public double ExplorationFraction { get; init; } = 0.1;
    /// <summary>Initial ε.</summary>
    [Option("exploration_initial_eps", "initial epsilon")] public double ExplorationInitialEps { get; init; } = 1.0;
    /// <summary>Final ε.</summary>
    [Option("exploration_final_eps", "final epsilon")] public double ExplorationFinalEps { get; init; } = 0.05;
    /// <summary>Initial Boltzmann temperature.</summary>
    [Option("temperature_initial", "initial Boltzmann temperature")] public double TemperatureInitial { get; init; } = 1.0;
    /// <summary>Final Boltzmann temperature.</summary>
    [Option("temperature_final", "final Boltzmann temperature")] public double TemperatureFinal { get; init; } = 0.01;
    /// <summary>Double Q-learning targets.</summary>
    [Option("double_q", "double Q-learning targets")] public bool DoubleQ { get; init; }
    /// <summary>Dueling value/advantage heads.</summary>
    [Option("dueling", "dueling network heads")] public bool Dueling { get; init; }
    /// <summary>The TD loss.</summary>
    [Option("loss", "huber or mse")] public TdLoss Loss { get; init; } = TdLoss.Huber;
    /// <summary>Gradient-norm clip (≤ 0 disables).</summary>
    [Option("max_grad_norm", "gradient norm clip (0 disables)")] public double MaxGradNorm { get; init; } = 10;
    /// <summary>The optimizer.</summary>
    [Option("optimizer", "adam, rmsprop or sgd")] public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>The optimizer's ε.</summary>
    [Option("optimizer_eps", "optimizer epsilon")] public double OptimizerEps { get; init; } = 1e-8;
    /// <summary>RMSprop's smoothing constant α.</summary>
    [Option("rms_prop_alpha", "RMSprop smoothing constant alpha")] public double RmsPropAlpha { get; init; } = 0.99;
    /// <summary>Centred RMSprop (as the Nature DQN and MinAtar use).</summary>
    [Option("rms_prop_centered", "centred RMSprop")] public bool RmsPropCentered { get; init; } = true;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning_rate", LearningRate, "must be a positive number");
        Require(TargetUpdateInterval > 0, "target_update_interval", TargetUpdateInterval, "must be positive");
        Require(Tau > 0 && Tau <= 1, "tau", Tau, "must be in (0, 1]");
        Require(ExplorationFraction >= 0 && ExplorationFraction <= 1, "exploration_fraction", ExplorationFraction, "must be in [0, 1]");
        Require(ExplorationInitialEps is >= 0 and <= 1, "exploration_initial_eps", ExplorationInitialEps, "must be in [0, 1]");
        Require(ExplorationFinalEps is >= 0 and <= 1, "exploration_final_eps", ExplorationFinalEps, "must be in [0, 1]");
        Require(TemperatureInitial > 0, "temperature_initial", TemperatureInitial, "must be positive");
        Require(TemperatureFinal > 0, "temperature_final", TemperatureFinal, "must be positive");
        Require(!Dueling || NetArch.Length > 0, "net_arch", NetArch, "needs at least one layer for dueling heads");
        Require(MaxGradNorm >= 0, "max_grad_norm", MaxGradNorm, "must be non-negative");
        Require(OptimizerEps > 0, "optimizer_eps", OptimizerEps, "must be positive");
        Require(RmsPropAlpha is >= 0 and <= 1, "rms_prop_alpha", RmsPropAlpha, "must be in [0, 1]");
    }
}
