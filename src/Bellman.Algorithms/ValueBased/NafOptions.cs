using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Training;

namespace Bellman.Algorithms.ValueBased;

/// <summary>
/// Options of NAF (normalized advantage functions): the off-policy loop's keys and NAF's own. The loop's
/// defaults are those of Stable-Baselines3's continuous-action algorithms (batch 256, one gradient step
/// per environment step, 256-256 network).
/// </summary>
public sealed record NafOptions : OffPolicyOptions
{
    /// <summary>SB3's continuous-control loop defaults.</summary>
    public NafOptions()
    {
        BatchSize = 256;
        TrainFrequency = 1;
        LearningStarts = 1_000;
        NetArch = [256, 256];
    }

    /// <summary>Adam's learning rate.</summary>
    [Option("learning_rate", "Adam learning rate")] public double LearningRate { get; init; } = 1e-3;
    /// <summary>Polyak coefficient τ of the target network, applied after every gradient step.</summary>
    [Option("tau", "target network Polyak coefficient, after every gradient step")] public double Tau { get; init; } = 0.005;
    /// <summary>σ of the Gaussian exploration noise on μ(s), in the scaled action space [−1, 1].</summary>
    [Option("exploration_noise", "std of the Gaussian noise added to mu(s), in the scaled action space [-1, 1]")] public double ExplorationNoise { get; init; } = 0.1;
    /// <summary>Gradient-norm clip (≤ 0 disables).</summary>
    [Option("max_grad_norm", "gradient norm clip (0 disables)")] public double MaxGradNorm { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning_rate", LearningRate, "must be a positive number");
        Require(Tau > 0 && Tau <= 1, "tau", Tau, "must be in (0, 1]");
        Require(ExplorationNoise >= 0 && double.IsFinite(ExplorationNoise), "exploration_noise", ExplorationNoise, "must be a non-negative number");
        Require(MaxGradNorm >= 0, "max_grad_norm", MaxGradNorm, "must be non-negative");
    }
}
