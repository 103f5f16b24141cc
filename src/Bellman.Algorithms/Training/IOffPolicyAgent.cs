using Bellman.Algorithms.Replay;
using Bellman.Core.Random;

namespace Bellman.Algorithms.Training;

/// <summary>What one gradient step reports.</summary>
/// <param name="Loss">The critic (Q) loss.</param>
/// <param name="MeanQ">The mean of Q_φ(s, a) over the batch.</param>
public readonly record struct UpdateStats(double Loss, double MeanQ);

/// <summary>
/// An algorithm's update rule as seen by the shared off-policy loop (<see cref="OffPolicyLoop"/>): how it
/// acts, how it learns from a replay batch, and which networks and optimizers make up its state.
/// </summary>
public interface IOffPolicyAgent : IAgent
{
    /// <summary>Whether actions are discrete (stored as integers in the replay buffer).</summary>
    bool DiscreteActions { get; }

    /// <summary>Floats per action.</summary>
    int ActionSize { get; }

    /// <summary>The exploration parameter at <paramref name="progress"/> (ε, temperature or noise scale), for logs.</summary>
    double Exploration(double progress);

    /// <summary>Exploratory actions for <paramref name="count"/> observations (rows of <paramref name="observations"/>).</summary>
    void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, double progress, Rng rng);

    /// <summary>One gradient step on <paramref name="batch"/>; writes |TD error| per row into <paramref name="tdErrors"/>.</summary>
    UpdateStats Train(ReplayBatch batch, Span<float> tdErrors, double progress);

    /// <summary>Called after every vector step with the number of environment steps so far (target-network updates).</summary>
    void OnEnvironmentSteps(long steps, long previousSteps);
}
