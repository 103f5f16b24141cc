using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Networks;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.ActorCritic;

/// <summary>
/// Built-in presets of the on-policy algorithms. A2C's environment presets are rl-baselines3-zoo's
/// (hyperparams/a2c.yml) on top of SB3's A2C defaults; the zoo's Acrobot preset also normalises
/// observations (VecNormalize), which Bellman does not do yet.
/// </summary>
public static class OnPolicyPresets
{
    /// <summary>
    /// A2C on MinAtar's images: MinAtar's reference network (Conv(C→16, 3×3) → ReLU → Linear(→128) → ReLU) as one
    /// trunk shared by the policy and value heads (as Stable-Baselines3's CnnPolicy shares its features extractor;
    /// two networks would run the convolution twice per step), and rl-baselines3-zoo's Atari A2C settings
    /// (a2c.yml atari: 16 envs, 5-step rollouts, ent_coef 0.01, vf_coef 0.25, RMSprop 7e-4, clip 0.5), 5M frames.
    /// Orthogonal initialisation applies to the Linear layers; the convolution keeps PyTorch's default.
    /// </summary>
    public static A2cOptions MinAtarA2c { get; } = new()
    {
        NumEnvs = 16, NSteps = 5, TotalSteps = 5_000_000, Policy = PolicyKind.Cnn, CnnFilters = [16], CnnKernelSize = 3, CnnStride = 1,
        NetArch = [128], Activation = Activation.ReLU, Shared = true, EntCoef = 0.01, VfCoef = 0.25, EvalFrequency = 100_000,
    };

    /// <summary>A2C presets.</summary>
    public static IReadOnlyList<Preset<A2cOptions>> A2c { get; } =
    [
        new("CartPole-v1", "CartPole-v1", "rl-baselines3-zoo a2c.yml (8 envs, 500k steps, ent_coef 0) on SB3 A2C defaults",
            new A2cOptions { NumEnvs = 8, TotalSteps = 500_000, EntCoef = 0.0, EvalFrequency = 25_000 }),
        new("Acrobot-v1", "Acrobot-v1", "rl-baselines3-zoo a2c.yml (16 envs, 500k steps, ent_coef 0; without the zoo's observation normalisation)",
            new A2cOptions { NumEnvs = 16, TotalSteps = 500_000, EntCoef = 0.0, EvalFrequency = 25_000 }),
        new("a2c-shared", "CartPole-v1", "the CartPole preset with the lecture's shared-trunk architecture",
            new A2cOptions { NumEnvs = 8, TotalSteps = 500_000, Shared = true, EvalFrequency = 25_000 }),
        new("minatar-a2c", "MinAtar/Breakout-v1", "A2C with MinAtar's reference CNN as a shared trunk; rl-baselines3-zoo's Atari A2C settings (16 envs, ent_coef 0.01, vf_coef 0.25); see OnPolicyPresets.MinAtarA2c",
            MinAtarA2c),
    ];

    /// <summary>REINFORCE presets.</summary>
    public static IReadOnlyList<Preset<ReinforceOptions>> Reinforce { get; } =
    [
        new("CartPole-v1", "CartPole-v1", "REINFORCE with reward-to-go and a learned V(s) baseline; Adam 5e-3, 8 x 500-step batches",
            new ReinforceOptions { TotalSteps = 400_000, EvalFrequency = 20_000 }),
        new("reinforce-average", "CartPole-v1", "REINFORCE with the average-return baseline",
            new ReinforceOptions { TotalSteps = 400_000, Baseline = BaselineKind.Average, EvalFrequency = 20_000 }),
        new("reinforce-none", "CartPole-v1", "REINFORCE without a baseline",
            new ReinforceOptions { TotalSteps = 400_000, Baseline = BaselineKind.None, EvalFrequency = 20_000 }),
    ];

    /// <summary>Actor-critic presets.</summary>
    public static IReadOnlyList<Preset<ActorCriticOptions>> ActorCritic { get; } =
    [
        new("CartPole-v1", "CartPole-v1", "the lecture's batch actor-critic: 200-step batches, critic fitted to sampled reward sums",
            new ActorCriticOptions { TotalSteps = 200_000, EvalFrequency = 20_000 }),
        new("online", "CartPole-v1", "the lecture's online actor-critic: one transition, one critic step toward r + gamma V(s'), one policy step",
            new ActorCriticOptions { TotalSteps = 100_000, NSteps = 1, CriticSteps = 1, BootstrapTargets = true, LearningRate = 1e-4, CriticLearningRate = 1e-3, EvalFrequency = 10_000 }),
    ];

    /// <summary>
    /// MinAtar's AC(λ) network and settings: Conv(C→16, 3×3, stride 1) → SiLU → Linear(1024→128) → dSiLU, shared by a
    /// softmax policy head and a value head; the <see cref="AcLambdaOptions"/> defaults; 5M frames, greedy evaluation every 100k.
    /// </summary>
    public static AcLambdaOptions MinAtarAcLambda { get; } = new()
    {
        TotalSteps = 5_000_000, Policy = PolicyKind.Cnn, CnnFilters = [16], CnnKernelSize = 3, CnnStride = 1, EvalFrequency = 100_000,
    };

    /// <summary>AC(λ) presets: MinAtar's <c>examples/AC_lambda.py</c> on each game (its network and settings, 5M frames).</summary>
    public static IReadOnlyList<Preset<AcLambdaOptions>> AcLambda { get; } =
    [
        .. from game in new[] { "Breakout", "SpaceInvaders", "Freeway", "Asterix", "Seaquest" }
           from version in new[] { "v1", "v0" }
           select new Preset<AcLambdaOptions>($"MinAtar/{game}-{version}", $"MinAtar/{game}-{version}",
               "MinAtar's AC(lambda) (examples/AC_lambda.py): Conv(C->16, 3x3) -> SiLU -> Linear(->128) -> dSiLU, policy and value heads, 5M frames",
               MinAtarAcLambda),
    ];
}
