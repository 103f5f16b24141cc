using Bellman.Algorithms.Configuration;

namespace Bellman.Algorithms.Continuous;

/// <summary>
/// rl-baselines3-zoo's tuned hyperparameters (hyperparams/ddpg.yml, td3.yml, sac.yml) for Pendulum-v1 and
/// MountainCarContinuous-v0; keys the zoo leaves out keep Stable-Baselines3's defaults.
/// </summary>
public static class ContinuousPresets
{
    private const string PendulumId = "Pendulum-v1";
    private const string MountainCarId = "MountainCarContinuous-v0";

    /// <summary>DDPG presets.</summary>
    public static IReadOnlyList<Preset<DdpgOptions>> Ddpg { get; } =
    [
        new(PendulumId, PendulumId, "rl-baselines3-zoo ddpg.yml", new DdpgOptions
        {
            TotalSteps = 20_000, Gamma = 0.98, BufferSize = 200_000, LearningStarts = 10_000, ActionNoise = ActionNoiseKind.Normal, NoiseStd = 0.1,
            GradientSteps = 1, TrainFrequency = 1, LearningRate = 1e-3, NetArch = [400, 300],
        }),
        new(MountainCarId, MountainCarId, "rl-baselines3-zoo ddpg.yml (Ornstein-Uhlenbeck noise, sigma 0.5)", new DdpgOptions
        {
            TotalSteps = 300_000, ActionNoise = ActionNoiseKind.OrnsteinUhlenbeck, NoiseStd = 0.5, GradientSteps = 1, TrainFrequency = 1,
            LearningRate = 1e-3, BatchSize = 256, NetArch = [400, 300], EvalFrequency = 25_000,
        }),
    ];

    /// <summary>TD3 presets.</summary>
    public static IReadOnlyList<Preset<Td3Options>> Td3 { get; } =
    [
        new(PendulumId, PendulumId, "rl-baselines3-zoo td3.yml", new Td3Options
        {
            TotalSteps = 20_000, Gamma = 0.98, BufferSize = 200_000, LearningStarts = 10_000, ActionNoise = ActionNoiseKind.Normal, NoiseStd = 0.1,
            GradientSteps = 1, TrainFrequency = 1, LearningRate = 1e-3, NetArch = [400, 300],
        }),
        new(MountainCarId, MountainCarId, "rl-baselines3-zoo td3.yml (Ornstein-Uhlenbeck noise, sigma 0.5)", new Td3Options
        {
            TotalSteps = 300_000, ActionNoise = ActionNoiseKind.OrnsteinUhlenbeck, NoiseStd = 0.5, GradientSteps = 1, TrainFrequency = 1,
            LearningRate = 1e-3, BatchSize = 256, NetArch = [400, 300], EvalFrequency = 25_000,
        }),
    ];

    /// <summary>SAC presets.</summary>
    public static IReadOnlyList<Preset<SacOptions>> Sac { get; } =
    [
        new(PendulumId, PendulumId, "rl-baselines3-zoo sac.yml", new SacOptions { TotalSteps = 20_000, LearningRate = 1e-3 }),
        new(MountainCarId, MountainCarId, "rl-baselines3-zoo sac.yml (gSDE, log_std_init -3.67)", new SacOptions
        {
            TotalSteps = 50_000, LearningRate = 3e-4, BufferSize = 50_000, BatchSize = 512, EntCoef = EntropyCoefficient.Fixed(0.1), TrainFrequency = 32,
            GradientSteps = 32, Gamma = 0.9999, Tau = 0.01, LearningStarts = 0, UseSde = true, LogStdInit = -3.67, NetArch = [64, 64], EvalFrequency = 10_000,
        }),
    ];
}
