using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Environments;

namespace Bellman.Cli.Runs;

/// <summary>What the CLI needs to know of a trainable algorithm, independent of its options type.</summary>
public abstract class AlgorithmSpec
{
    /// <summary>The name used on the command line and in run folders (<c>dqn</c>).</summary>
    public abstract string Name { get; }

    /// <summary>A one-line description.</summary>
    public abstract string Description { get; }

    /// <summary>How progress lines name the snapshot's exploration figure (ε for DQN, the policy entropy for actor-critics).</summary>
    public virtual string ExplorationLabel => "eps";

    /// <summary>How progress lines name the snapshot's mean value (Q for value-based methods, V for actor-critics).</summary>
    public virtual string ValueLabel => "Q";

    /// <summary>Presets as (name, environment, description, total steps).</summary>
    public abstract IEnumerable<(string Name, string EnvId, string Description, long TotalSteps)> PresetSummaries { get; }

    /// <summary>One preset's options as YAML, or null when there is no such preset.</summary>
    public abstract string? PresetYaml(string name);

    /// <summary>Builds an agent for <paramref name="env"/> from option strings (as saved in a checkpoint), for evaluation.</summary>
    public abstract IAgent CreateAgent(IEnvironment env, IReadOnlyDictionary<string, string> options, string source);
}

/// <summary>An algorithm with a typed options record.</summary>
/// <typeparam name="TOptions">The options record (keys via <see cref="OptionAttribute"/>).</typeparam>
public abstract class AlgorithmSpec<TOptions> : AlgorithmSpec where TOptions : class, ITrainingOptions
{
    /// <summary>The built-in presets.</summary>
    public abstract IReadOnlyList<Preset<TOptions>> Presets { get; }

    /// <summary>The options used when an environment has no preset.</summary>
    public abstract TOptions Defaults { get; }

    /// <summary>Assembles a run.</summary>
    public abstract ITrainingRun CreateRun(string envId, IReadOnlyDictionary<string, string> envOptions, TOptions options, int seed, IMetricsSink sink, RunState? resumeFrom);

    /// <summary>Builds an agent for an environment from typed options.</summary>
    public abstract IAgent CreateAgent(IEnvironment env, TOptions options);

    /// <inheritdoc/>
    public override IEnumerable<(string Name, string EnvId, string Description, long TotalSteps)> PresetSummaries =>
        Presets.Select(p => (p.Name, p.EnvId, p.Description, p.Options.TotalSteps));

    /// <inheritdoc/>
    public override string? PresetYaml(string name) => Presets.Find(name) is { } p ? OptionBinder.ToYaml(p.Options) : null;

    /// <inheritdoc/>
    public override IAgent CreateAgent(IEnvironment env, IReadOnlyDictionary<string, string> options, string source) =>
        CreateAgent(env, OptionBinder.Apply(Defaults, options, source));
}

/// <summary>DQN and its family.</summary>
public sealed class DqnSpec : AlgorithmSpec<DqnOptions>
{
    /// <inheritdoc/>
    public override string Name => "dqn";

    /// <inheritdoc/>
    public override string Description => "Deep Q-learning (double Q, dueling, prioritized replay, n-step) for discrete actions.";

    /// <inheritdoc/>
    public override IReadOnlyList<Preset<DqnOptions>> Presets => DqnPresets.All;

    /// <inheritdoc/>
    public override DqnOptions Defaults => new();

    /// <inheritdoc/>
    public override ITrainingRun CreateRun(string envId, IReadOnlyDictionary<string, string> envOptions, DqnOptions options, int seed, IMetricsSink sink, RunState? resumeFrom) =>
        new DqnRun(envId, envOptions, options, seed, sink, resumeFrom);

    /// <inheritdoc/>
    public override IAgent CreateAgent(IEnvironment env, DqnOptions options) => DqnRun.CreateAgent(env, options);
}

/// <summary>Fitted Q-iteration (batch, the lecture's N, K and S).</summary>
public sealed class FqiSpec : AlgorithmSpec<FqiOptions>
{
    /// <inheritdoc/>
    public override string Name => "fqi";

    /// <inheritdoc/>
    public override string Description => "Fitted Q-iteration: collect N transitions, K times recompute targets, S regression steps each.";

    /// <inheritdoc/>
    public override IReadOnlyList<Preset<FqiOptions>> Presets { get; } =
    [
        new("fqi-CartPole-v1", "CartPole-v1", "fitted Q-iteration on CartPole: 5 rounds of 10k transitions, K = 20, S = 100", new FqiOptions()),
    ];

    /// <inheritdoc/>
    public override FqiOptions Defaults => new();

    /// <inheritdoc/>
    public override ITrainingRun CreateRun(string envId, IReadOnlyDictionary<string, string> envOptions, FqiOptions options, int seed, IMetricsSink sink, RunState? resumeFrom) =>
        new FittedQIteration(envId, envOptions, options, seed, sink, resumeFrom);

    /// <inheritdoc/>
    public override IAgent CreateAgent(IEnvironment env, FqiOptions options) => FittedQIteration.CreateAgent(env, options, new Core.Random.Rng(0));
}

/// <summary>Every trainable algorithm the CLI knows.</summary>
public static class AlgorithmCatalog
{
    /// <summary>All algorithms.</summary>
    public static IReadOnlyList<AlgorithmSpec> All { get; } = [new DqnSpec(), new FqiSpec(), new ReinforceSpec(), new ActorCriticSpec(), new A2cSpec()];

    /// <summary>The algorithm named <paramref name="name"/>, or null.</summary>
    public static AlgorithmSpec? Find(string name) => All.FirstOrDefault(a => a.Name == name);
}
