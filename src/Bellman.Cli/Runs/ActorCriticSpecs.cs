using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Training;
using Bellman.Core.Environments;

namespace Bellman.Cli.Runs;

/// <summary>The on-policy algorithms share their run and agent construction; each brings its options and presets.</summary>
/// <typeparam name="TOptions">The algorithm's options record.</typeparam>
public abstract class OnPolicySpec<TOptions> : AlgorithmSpec<TOptions> where TOptions : OnPolicyOptions, new()
{
    /// <inheritdoc/>
    public override TOptions Defaults => new();

    /// <inheritdoc/>
    public override string ExplorationLabel => "entropy";

    /// <inheritdoc/>
    public override string ValueLabel => "V";

    /// <inheritdoc/>
    public override ITrainingRun CreateRun(string envId, IReadOnlyDictionary<string, string> envOptions, TOptions options, int seed, IMetricsSink sink, RunState? resumeFrom) =>
        new OnPolicyRun(envId, envOptions, options, seed, sink, resumeFrom);

    /// <inheritdoc/>
    public override IAgent CreateAgent(IEnvironment env, TOptions options) => OnPolicyRun.CreateAgent(env, options);
}

/// <summary>REINFORCE.</summary>
public sealed class ReinforceSpec : OnPolicySpec<ReinforceOptions>
{
    /// <inheritdoc/>
    public override string Name => "reinforce";

    /// <inheritdoc/>
    public override string Description => "REINFORCE: reward-to-go policy gradient with no, average or learned-V baseline.";

    /// <inheritdoc/>
    public override IReadOnlyList<Preset<ReinforceOptions>> Presets => OnPolicyPresets.Reinforce;
}

/// <summary>The lecture's batch (and online) actor-critic.</summary>
public sealed class ActorCriticSpec : OnPolicySpec<ActorCriticOptions>
{
    /// <inheritdoc/>
    public override string Name => "actor-critic";

    /// <inheritdoc/>
    public override string Description => "Batch actor-critic (fit V, A = r + gamma V(s') - V(s), policy step); preset 'online' is the online algorithm.";

    /// <inheritdoc/>
    public override IReadOnlyList<Preset<ActorCriticOptions>> Presets => OnPolicyPresets.ActorCritic;
}

/// <summary>A2C.</summary>
public sealed class A2cSpec : OnPolicySpec<A2cOptions>
{
    /// <inheritdoc/>
    public override string Name => "a2c";

    /// <inheritdoc/>
    public override string Description => "A2C: synchronous advantage actor-critic with n-step or GAE advantages, entropy bonus and gradient clipping.";

    /// <inheritdoc/>
    public override IReadOnlyList<Preset<A2cOptions>> Presets => OnPolicyPresets.A2c;
}
