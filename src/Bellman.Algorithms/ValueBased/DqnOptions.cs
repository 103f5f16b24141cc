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
/// Options of DQN and its family. Keys and defaults follow Stable-Baselines3 / rl-baselines3-zoo so that
/// published hyperparameters carry over; every key can be set from a preset, a YAML file or <c>--set</c>.
/// </summary>
public sealed record DqnOptions : ITrainingOptions
{
    /// <summary>Total environment steps.</summary>
    [Option("total_steps", "environment steps to train for")] public long TotalSteps { get; init; } = 50_000;
    /// <summary>The optimizer's learning rate.</summary>
    [Option("learning_rate", "optimizer learning rate")] public double LearningRate { get; init; } = 1e-4;
    /// <summary>Anneal the learning rate linearly to 0 over training.</summary>
    [Option("lr_linear_decay", "decay the learning rate linearly to 0")] public bool LearningRateLinearDecay { get; init; }
    /// <summary>Replay capacity.</summary>
    [Option("buffer_size", "replay buffer capacity (transitions)")] public int BufferSize { get; init; } = 1_000_000;
    /// <summary>Steps collected before learning starts.</summary>
    [Option("learning_starts", "steps collected before the first gradient step")] public int LearningStarts { get; init; } = 100;
    /// <summary>Minibatch size.</summary>
    [Option("batch_size", "minibatch size")] public int BatchSize { get; init; } = 32;
    /// <summary>The discount γ.</summary>
    [Option("gamma", "discount factor")] public double Gamma { get; init; } = 0.99;
    /// <summary>Environment steps between training phases.</summary>
    [Option("train_freq", "environment steps between training phases")] public int TrainFrequency { get; init; } = 4;
    /// <summary>Gradient steps per training phase (−1: as many as environment steps collected).</summary>
    [Option("gradient_steps", "gradient steps per training phase (-1: one per environment step collected)")] public int GradientSteps { get; init; } = 1;
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
    /// <summary>Hidden layer sizes.</summary>
    [Option("net_arch", "hidden layer sizes")] public int[] NetArch { get; init; } = [64, 64];
    /// <summary>Double Q-learning targets.</summary>
    [Option("double_q", "double Q-learning targets")] public bool DoubleQ { get; init; }
    /// <summary>Dueling value/advantage heads.</summary>
    [Option("dueling", "dueling network heads")] public bool Dueling { get; init; }
    /// <summary>n-step returns.</summary>
    [Option("n_steps", "n-step returns (1 = one-step TD)")] public int NSteps { get; init; } = 1;
    /// <summary>Prioritized replay.</summary>
    [Option("prioritized", "proportional prioritized replay")] public bool Prioritized { get; init; }
    /// <summary>Priority exponent α.</summary>
    [Option("per_alpha", "prioritized replay exponent alpha")] public double PerAlpha { get; init; } = 0.6;
    /// <summary>Initial importance-sampling exponent β (annealed to 1).</summary>
    [Option("per_beta", "initial importance-sampling exponent beta (annealed to 1)")] public double PerBeta { get; init; } = 0.4;
    /// <summary>Priority floor ε.</summary>
    [Option("per_eps", "priority floor added to |TD error|")] public double PerEps { get; init; } = 1e-6;
    /// <summary>The TD loss.</summary>
    [Option("loss", "huber or mse")] public TdLoss Loss { get; init; } = TdLoss.Huber;
    /// <summary>Gradient-norm clip (≤ 0 disables).</summary>
    [Option("max_grad_norm", "gradient norm clip (0 disables)")] public double MaxGradNorm { get; init; } = 10;
    /// <summary>The optimizer.</summary>
    [Option("optimizer", "adam, rmsprop or sgd")] public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>The optimizer's ε.</summary>
    [Option("optimizer_eps", "optimizer epsilon")] public double OptimizerEps { get; init; } = 1e-8;
    /// <summary>Use a replay buffer and a target network (false: the lecture's online Q-learning baseline, one transition, one step).</summary>
    [Option("replay", "use replay and a target network (false: online Q-learning, one transition per step)")] public bool Replay { get; init; } = true;
    /// <summary>Number of parallel environments.</summary>
    [Option("n_envs", "parallel environments")] public int NumEnvs { get; init; } = 1;
    /// <summary>Environment steps between evaluations.</summary>
    [Option("eval_freq", "environment steps between greedy evaluations (0 disables)")] public int EvalFrequency { get; init; } = 5_000;
    /// <summary>Episodes per evaluation.</summary>
    [Option("eval_episodes", "episodes per evaluation")] public int EvalEpisodes { get; init; } = 10;

    /// <summary>Throws an <see cref="OptionException"/> naming the first invalid key.</summary>
    void ITrainingOptions.Validate() => Validate();

    /// <summary>Throws an <see cref="OptionException"/> naming the first invalid key.</summary>
    public DqnOptions Validate()
    {
        static void Require(bool ok, string key, object value, string rule)
        {
            if (!ok) throw new OptionException($"{key} = {OptionBinder.FormatValue(value)} is invalid: {rule}.");
        }
        Require(TotalSteps > 0, "total_steps", TotalSteps, "must be positive");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning_rate", LearningRate, "must be a positive number");
        Require(BufferSize > 0, "buffer_size", BufferSize, "must be positive");
        Require(BatchSize > 0, "batch_size", BatchSize, "must be positive");
        Require(!Replay || BatchSize <= BufferSize, "batch_size", BatchSize, $"must not exceed buffer_size ({BufferSize})");
        Require(LearningStarts >= 0, "learning_starts", LearningStarts, "must be non-negative");
        Require(Gamma >= 0 && Gamma <= 1, "gamma", Gamma, "must be in [0, 1]");
        Require(TrainFrequency > 0, "train_freq", TrainFrequency, "must be positive");
        Require(GradientSteps > 0 || GradientSteps == -1, "gradient_steps", GradientSteps, "must be positive or -1");
        Require(TargetUpdateInterval > 0, "target_update_interval", TargetUpdateInterval, "must be positive");
        Require(Tau > 0 && Tau <= 1, "tau", Tau, "must be in (0, 1]");
        Require(ExplorationFraction >= 0 && ExplorationFraction <= 1, "exploration_fraction", ExplorationFraction, "must be in [0, 1]");
        Require(ExplorationInitialEps is >= 0 and <= 1, "exploration_initial_eps", ExplorationInitialEps, "must be in [0, 1]");
        Require(ExplorationFinalEps is >= 0 and <= 1, "exploration_final_eps", ExplorationFinalEps, "must be in [0, 1]");
        Require(TemperatureInitial > 0, "temperature_initial", TemperatureInitial, "must be positive");
        Require(TemperatureFinal > 0, "temperature_final", TemperatureFinal, "must be positive");
        Require(NetArch.Length > 0 && NetArch.All(h => h > 0), "net_arch", NetArch, "needs at least one positive layer size");
        Require(NSteps >= 1, "n_steps", NSteps, "must be at least 1");
        Require(PerAlpha >= 0, "per_alpha", PerAlpha, "must be non-negative");
        Require(PerBeta is >= 0 and <= 1, "per_beta", PerBeta, "must be in [0, 1]");
        Require(PerEps > 0, "per_eps", PerEps, "must be positive");
        Require(MaxGradNorm >= 0, "max_grad_norm", MaxGradNorm, "must be non-negative");
        Require(OptimizerEps > 0, "optimizer_eps", OptimizerEps, "must be positive");
        Require(NumEnvs > 0, "n_envs", NumEnvs, "must be positive");
        Require(EvalFrequency >= 0, "eval_freq", EvalFrequency, "must be non-negative");
        Require(EvalEpisodes > 0, "eval_episodes", EvalEpisodes, "must be positive");
        return this;
    }
}
