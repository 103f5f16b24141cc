using Bellman.Algorithms.Configuration;
using Bellman.Nn.Optimizers;

namespace Bellman.Algorithms.ValueBased;

/// <summary>
/// Built-in DQN presets. Each environment's default preset starts from rl-baselines3-zoo's tuned
/// hyperparameters (hyperparams/dqn.yml); the others reproduce CleanRL's defaults and the lecture's
/// ablations so that users can see what each piece buys.
/// </summary>
public static class DqnPresets
{
    private static readonly DqnOptions ZooCartPole = new()
    {
        TotalSteps = 50_000, LearningRate = 2.3e-3, BatchSize = 64, BufferSize = 100_000, LearningStarts = 1_000, Gamma = 0.99,
        TargetUpdateInterval = 10, TrainFrequency = 256, GradientSteps = 128, ExplorationFraction = 0.16, ExplorationFinalEps = 0.04,
        NetArch = [256, 256], EvalFrequency = 5_000,
    };

    /// <summary>
    /// MinAtar's reference DQN (Young &amp; Tian 2019, examples/dqn.py): Conv(C→16, 3×3) → ReLU → Linear(→128) → ReLU →
    /// Linear(→|A|); batch 32, replay 100k, 5M frames, 5,000 random frames then ε 1.0 → 0.1 over the first 100k frames
    /// (MinAtar starts the ramp after the random frames; here it starts at frame 0), γ 0.99, Huber loss, centred
    /// RMSprop(lr 2.5e-4, α 0.95, ε 0.01), no gradient clipping, target copy every 1,000 updates, one update per frame.
    /// </summary>
    public static DqnOptions MinAtarReference { get; } = new()
    {
        TotalSteps = 5_000_000, BatchSize = 32, BufferSize = 100_000, LearningStarts = 5_000, TrainFrequency = 1, GradientSteps = 1,
        ExplorationInitialEps = 1.0, ExplorationFinalEps = 0.1, ExplorationFraction = 100_000.0 / 5_000_000, Gamma = 0.99, Loss = TdLoss.Huber,
        Optimizer = OptimizerKind.Rmsprop, LearningRate = 2.5e-4, RmsPropAlpha = 0.95, OptimizerEps = 0.01, RmsPropCentered = true, MaxGradNorm = 0,
        TargetUpdateInterval = 1_000, Policy = Networks.PolicyKind.Cnn, CnnFilters = [16], CnnKernelSize = 3, CnnStride = 1, NetArch = [128],
        EvalFrequency = 100_000, EvalEpisodes = 10,
    };

    /// <summary>
    /// The lecture's "what each piece buys" on MinAtar: the reference preset (<see cref="MinAtarReference"/>) with one
    /// piece removed or added, as MinAtar's examples/dqn.py does with its <c>--replayoff</c> and <c>--targetoff</c> flags.
    /// Each differs from the reference only in the keys named here; use them with <c>--env MinAtar/GAME-v1 --preset NAME</c>.
    /// </summary>
    public static IReadOnlyList<Preset<DqnOptions>> MinAtarAblations { get; } =
    [
        // replay = false: each step's transition is the batch (n_envs = 1: a batch of one), one update per step, and
        // learning_starts does not apply (there is nothing to fill) - online Q-learning with a target network.
        new("minatar-no-replay", "MinAtar/Breakout-v1", "MinAtar reference DQN without experience replay: online Q-learning, the batch is the step's one transition (MinAtar's --replayoff)",
            MinAtarReference with { Replay = false }),
        // target_network = false: the TD target bootstraps from the online network itself (φ' = φ at every update).
        new("minatar-no-target", "MinAtar/Breakout-v1", "MinAtar reference DQN without a target network: targets from the online network at every update (MinAtar's --targetoff)",
            MinAtarReference with { TargetNetwork = false }),
        new("minatar-double", "MinAtar/Breakout-v1", "MinAtar reference DQN with double Q-learning targets (van Hasselt et al. 2016)",
            MinAtarReference with { DoubleQ = true }),
    ];

    private static IEnumerable<Preset<DqnOptions>> MinAtar() =>
        from game in new[] { "Breakout", "SpaceInvaders", "Freeway", "Asterix", "Seaquest" }
        from version in new[] { "v1", "v0" }
        select new Preset<DqnOptions>($"MinAtar/{game}-{version}", $"MinAtar/{game}-{version}", "MinAtar's reference DQN (examples/dqn.py; see DqnPresets.MinAtarReference)", MinAtarReference);

    /// <summary>The default options for <paramref name="envId"/>: its zoo preset, or SB3's defaults when it has none.</summary>
    public static DqnOptions For(string envId) => All.DefaultFor(envId)?.Options ?? new DqnOptions();

    /// <summary>The preset named <paramref name="name"/> (case-insensitive); an unknown name is an error listing the presets.</summary>
    public static DqnOptions Get(string name) => All.Find(name)?.Options
        ?? throw new ArgumentException($"Unknown DQN preset '{name}'; the presets are {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));

    /// <summary>Every preset, default presets first.</summary>
    public static IReadOnlyList<Preset<DqnOptions>> All { get; } =
    [
        new Preset<DqnOptions>("CartPole-v1", "CartPole-v1", "rl-baselines3-zoo dqn.yml", ZooCartPole),
        new Preset<DqnOptions>("Acrobot-v1", "Acrobot-v1", "rl-baselines3-zoo dqn.yml", new DqnOptions
        {
            TotalSteps = 100_000, LearningRate = 6.3e-4, BatchSize = 128, BufferSize = 50_000, LearningStarts = 0, Gamma = 0.99,
            TargetUpdateInterval = 250, TrainFrequency = 4, GradientSteps = -1, ExplorationFraction = 0.12, ExplorationFinalEps = 0.1,
            NetArch = [256, 256], EvalFrequency = 10_000,
        }),
        new Preset<DqnOptions>("MountainCar-v0", "MountainCar-v0", "rl-baselines3-zoo dqn.yml", new DqnOptions
        {
            TotalSteps = 120_000, LearningRate = 4e-3, BatchSize = 128, BufferSize = 10_000, LearningStarts = 1_000, Gamma = 0.98,
            TargetUpdateInterval = 600, TrainFrequency = 16, GradientSteps = 8, ExplorationFraction = 0.2, ExplorationFinalEps = 0.07,
            NetArch = [256, 256], EvalFrequency = 10_000,
        }),
        new Preset<DqnOptions>("cleanrl", "CartPole-v1", "CleanRL dqn.py defaults (MSE loss, no clipping, 120-84 network)", new DqnOptions
        {
            TotalSteps = 500_000, LearningRate = 2.5e-4, BufferSize = 10_000, Gamma = 0.99, Tau = 1.0, TargetUpdateInterval = 500,
            BatchSize = 128, ExplorationInitialEps = 1, ExplorationFinalEps = 0.05, ExplorationFraction = 0.5, LearningStarts = 10_000,
            TrainFrequency = 10, GradientSteps = 1, NetArch = [120, 84], Loss = TdLoss.Mse, MaxGradNorm = 0, EvalFrequency = 25_000,
        }),
        new Preset<DqnOptions>("online", "CartPole-v1", "the lecture's online Q-iteration: one transition, one gradient step, no replay, no target network", ZooCartPole with
        {
            Replay = false, TargetNetwork = false, LearningRate = 1e-3, NetArch = [64, 64], LearningStarts = 0, TrainFrequency = 1, GradientSteps = 1,
        }),
        new Preset<DqnOptions>("cartpole-nstep", "CartPole-v1", "Bellman's tuning: double Q, 3-step returns, one gradient step per environment step, 128-128 (stays at 500 in our runs, at twice the zoo's compute)", new DqnOptions
        {
            TotalSteps = 50_000, NetArch = [128, 128], LearningRate = 1e-3, TrainFrequency = 1, GradientSteps = 1, BatchSize = 128,
            BufferSize = 100_000, TargetUpdateInterval = 1_000, LearningStarts = 1_000, ExplorationFraction = 0.1, ExplorationFinalEps = 0.01,
            NSteps = 3, DoubleQ = true, EvalFrequency = 5_000,
        }),
        .. MinAtar(),
        .. MinAtarAblations,
        new Preset<DqnOptions>("rainbow-lite", "CartPole-v1", "the zoo CartPole preset with double Q, dueling heads, prioritized replay and 3-step returns", ZooCartPole with
        {
            DoubleQ = true, Dueling = true, Prioritized = true, NSteps = 3,
        }),
    ];
}
