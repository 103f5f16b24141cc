using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Training;

namespace Bellman.Algorithms.ValueBased;

/// <summary>
/// Options of QT-Opt: the off-policy loop's keys and QT-Opt's own (the cross-entropy method's samples,
/// elites and iterations, the two target networks, exploration). Loop defaults as
/// <see cref="NafOptions"/>, but a 64-64 critic and batch 64 because every gradient step runs the
/// cross-entropy method over the whole batch.
/// </summary>
public sealed record QtOptOptions : OffPolicyOptions
{
    /// <summary>Continuous-control loop defaults.</summary>
    public QtOptOptions()
    {
        BatchSize = 64;
        TrainFrequency = 1;
        LearningStarts = 1_000;
        NetArch = [64, 64];
    }

    /// <summary>Adam's learning rate.</summary>
    [Option("learning_rate", "Adam learning rate")] public double LearningRate { get; init; } = 1e-3;
    /// <summary>Polyak coefficient τ of the first target network, after every gradient step.</summary>
    [Option("tau", "Polyak coefficient of the first target network, after every gradient step")] public double Tau { get; init; } = 0.005;
    /// <summary>Environment steps between copies of the first target network into the lagged second one.</summary>
    [Option("target_lag_interval", "environment steps between copies of the Polyak target into the lagged second target")] public int TargetLagInterval { get; init; } = 1_000;
    /// <summary>CEM candidates per state per iteration.</summary>
    [Option("cem_samples", "cross-entropy method: candidate actions per state per iteration")] public int CemSamples { get; init; } = 64;
    /// <summary>CEM elites kept per iteration.</summary>
    [Option("cem_elites", "cross-entropy method: elites the Gaussian is refitted to")] public int CemElites { get; init; } = 6;
    /// <summary>CEM iterations.</summary>
    [Option("cem_iterations", "cross-entropy method: iterations")] public int CemIterations { get; init; } = 2;
    /// <summary>σ of the Gaussian noise added to the CEM action when acting, in the scaled space [−1, 1].</summary>
    [Option("exploration_noise", "std of the Gaussian noise added to the CEM action, in the scaled action space [-1, 1]")] public double ExplorationNoise { get; init; } = 0.1;
    /// <summary>Probability of a uniformly random action when acting (the paper's ε).</summary>
    [Option("exploration_eps", "probability of a uniformly random action when acting")] public double ExplorationEps { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning_rate", LearningRate, "must be a positive number");
        Require(Tau > 0 && Tau <= 1, "tau", Tau, "must be in (0, 1]");
        Require(TargetLagInterval > 0, "target_lag_interval", TargetLagInterval, "must be positive");
        Require(CemSamples > 0, "cem_samples", CemSamples, "must be positive");
        Require(CemElites > 0 && CemElites <= CemSamples, "cem_elites", CemElites, $"must be in [1, cem_samples = {CemSamples}]");
        Require(CemIterations > 0, "cem_iterations", CemIterations, "must be positive");
        Require(ExplorationNoise >= 0 && double.IsFinite(ExplorationNoise), "exploration_noise", ExplorationNoise, "must be a non-negative number");
        Require(ExplorationEps is >= 0 and <= 1, "exploration_eps", ExplorationEps, "must be in [0, 1]");
    }
}
