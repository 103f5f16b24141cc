using Bellman.Algorithms.Replay;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Nn.Layers;
using Bellman.Nn.Optimizers;

namespace Bellman.Algorithms.Training;

/// <summary>Counters of a run, shared by the off-policy and on-policy loops, for checkpoints and resuming.</summary>
public sealed record RunState
{
    /// <summary>Environment steps so far.</summary>
    public long Step { get; init; }
    /// <summary>Episodes finished.</summary>
    public long Episodes { get; init; }
    /// <summary>Gradient steps so far.</summary>
    public long Updates { get; init; }
    /// <summary>The best evaluation mean so far (−∞ before the first).</summary>
    public double BestEvaluation { get; init; } = double.NegativeInfinity;
}

/// <summary>A trained (or training) agent: its spaces, networks and optimizers, and its policies.</summary>
public interface IAgent
{
    /// <summary>The observation space the agent was built for.</summary>
    Space ObservationSpace { get; }

    /// <summary>The action space the agent acts in.</summary>
    Space ActionSpace { get; }

    /// <summary>
    /// The learnable state by name, for checkpoints: networks ("q", "q_target") and bare parameters
    /// wrapped as a <see cref="ParameterSet"/> (SAC's "log_alpha").
    /// </summary>
    IReadOnlyList<(string Name, Module Module)> Networks { get; }

    /// <summary>The optimizers by name (for checkpoints).</summary>
    IReadOnlyList<(string Name, Optimizer Optimizer)> Optimizers { get; }

    /// <summary>The deterministic (greedy) action for one observation, for evaluation.</summary>
    void Greedy(ReadOnlySpan<float> observation, Span<float> action);

    /// <summary>A stochastic action for one observation, as the agent explores at the end of training.</summary>
    void Sample(ReadOnlySpan<float> observation, Span<float> action, Rng rng);
}

/// <summary>What an update rule receives besides its data: the run's progress, its generator and its metrics.</summary>
/// <param name="Progress">The fraction of the current budget elapsed, in [0, 1] (schedules).</param>
/// <param name="Rng">The run's update generator (SAC's a' ~ π(·|s'), TD3's target-policy noise).</param>
/// <param name="Metrics">Where the rule records its keyed values.</param>
public readonly record struct UpdateContext(double Progress, Rng Rng, UpdateMetrics Metrics);

/// <summary>
/// An algorithm's update rule as seen by the shared off-policy loop (<see cref="OffPolicyLoop"/>): how it
/// acts, how it learns from a replay batch, and which networks and optimizers make up its state. The
/// loop owns collection, replay and the schedule; the agent takes what it needs of a batch from the batch.
/// </summary>
public interface IOffPolicyAgent : IAgent
{
    /// <summary>The keyed values the agent records (columns of metrics.csv).</summary>
    IReadOnlyList<MetricDefinition> Metrics { get; }

    /// <summary>Exploratory actions for <paramref name="count"/> observations (rows of <paramref name="observations"/>).</summary>
    void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, double progress, Rng rng);

    /// <summary>Records the exploration figures (ε, temperature, noise scale) at <paramref name="progress"/>.</summary>
    void RecordExploration(double progress, UpdateMetrics metrics);

    /// <summary>One gradient step on <paramref name="batch"/>; writes |TD error| per row into <paramref name="tdErrors"/>.</summary>
    void Train(ReplayBatch batch, Span<float> tdErrors, in UpdateContext context);

    /// <summary>
    /// The networks <see cref="Act"/> reads. With <c>overlap_collection</c> a second instance of the agent acts, and
    /// takes these from the learner as each training phase starts (all of <see cref="IAgent.Networks"/> unless the
    /// agent names fewer).
    /// </summary>
    IEnumerable<Module> ActingNetworks => Networks.Select(n => n.Module);

    /// <summary>Called after every vector step with the number of environment steps so far (target-network updates).</summary>
    void OnEnvironmentSteps(long steps, long previousSteps);

    /// <summary>Called when the episode of environment <paramref name="env"/> ended (exploration noise resets).</summary>
    void OnEpisodeEnd(int env) { }

    /// <summary>
    /// Writes the agent's state that is neither a network nor an optimizer (update counters, noise processes)
    /// for an exact resume; nothing for an agent without such state.
    /// </summary>
    void WriteState(BinaryWriter writer) { }

    /// <summary>Reads what <see cref="WriteState"/> wrote.</summary>
    void ReadState(BinaryReader reader) { }
}
