using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Continuous;

namespace Bellman.Algorithms.ValueBased;

/// <summary>
/// Options of QT-Opt: the off-policy loop's keys and QT-Opt's own (the cross-entropy method's samples,
/// elites and iterations, the two target networks, exploration). Loop defaults as
/// <see cref="NafOptions"/>, but a 64-64 critic and batch 64 because every gradient step runs the
/// cross-entropy method over the whole batch.
/// </summary>
public sealed record QtOptOptions : GaussianExplorationOptions
{
    /// <summary>Continuous-control loop defaults.</summary>
    public QtOptOptions()
    {
        BatchSize = 64;
        LearningStarts = 1_000;
        NetArch = [64, 64];
    }

    /// <summary>Environment steps between copies of the first target network into the lagged second one.</summary>
    [Option("target_lag_interval", "environment steps between copies of the Polyak target into the lagged second target")] public int TargetLagInterval { get; init; } = 1_000;
    /// <summary>CEM candidates per state per iteration.</summary>
    [Option("cem_samples", "cross-entropy method: candidate actions per state per iteration")] public int CemSamples { get; init; } = 64;
    /// <summary>CEM elites kept per iteration.</summary>
    [Option("cem_elites", "cross-entropy method: elites the Gaussian is refitted to")] public int CemElites { get; init; } = 6;
    /// <summary>CEM iterations.</summary>
    [Option("cem_iterations", "cross-entropy method: iterations")] public int CemIterations { get; init; } = 2;
    /// <summary>Probability of a uniformly random action when acting (the paper's ε).</summary>
    [Option("exploration_eps", "probability of a uniformly random action when acting")] public double ExplorationEps { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Require(TargetLagInterval > 0, "target_lag_interval", TargetLagInterval, "must be positive");
        Require(CemSamples > 0, "cem_samples", CemSamples, "must be positive");
        Require(CemElites > 0 && CemElites <= CemSamples, "cem_elites", CemElites, $"must be in [1, cem_samples = {CemSamples}]");
        Require(CemIterations > 0, "cem_iterations", CemIterations, "must be positive");
        Require(ExplorationEps is >= 0 and <= 1, "exploration_eps", ExplorationEps, "must be in [0, 1]");
    }
}
