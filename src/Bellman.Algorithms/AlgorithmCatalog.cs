using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;

namespace Bellman.Algorithms;

/// <summary>A preset of any algorithm.</summary>
/// <param name="Name">Its name (an environment id for the environment's default preset).</param>
/// <param name="EnvId">The environment it is made for.</param>
/// <param name="Description">Where it comes from.</param>
/// <param name="Options">The options.</param>
public sealed record PresetInfo(string Name, string EnvId, string Description, ITrainingOptions Options);

/// <summary>One option key: its name, type, default and description.</summary>
/// <param name="Key">The key.</param>
/// <param name="Type">A readable type (integer, number, bool, list of integers, or the choices).</param>
/// <param name="Default">The default value as text.</param>
/// <param name="Description">What it does.</param>
public sealed record OptionInfo(string Key, string Type, string Default, string Description);

/// <summary>What the catalogue knows of a trainable algorithm, independent of its options type.</summary>
public abstract class AlgorithmInfo
{
    /// <summary>The name on the command line and in checkpoints (<c>dqn</c>).</summary>
    public abstract string Name { get; }

    /// <summary>A one-line description.</summary>
    public abstract string Description { get; }

    /// <summary>The defaults (used when an environment has no preset).</summary>
    public abstract ITrainingOptions Defaults { get; }

    /// <summary>The built-in presets.</summary>
    public abstract IReadOnlyList<PresetInfo> Presets { get; }

    /// <summary>Every option key with its type, default and description.</summary>
    public abstract IReadOnlyList<OptionInfo> Options { get; }

    /// <summary>The preset named <paramref name="name"/> (case-insensitive), or null.</summary>
    public PresetInfo? FindPreset(string name) => Presets.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The default preset of <paramref name="envId"/> (the preset named after it), or null.</summary>
    public PresetInfo? DefaultPreset(string envId) => Presets.FirstOrDefault(p => p.Name == envId);

    /// <summary><paramref name="start"/> with <paramref name="values"/> applied; unknown keys and bad values fail naming <paramref name="source"/>.</summary>
    public abstract ITrainingOptions Bind(ITrainingOptions start, IReadOnlyDictionary<string, string> values, string source);

    /// <summary>Builds the algorithm.</summary>
    public abstract Algorithm Create(EnvironmentSource environment, ITrainingOptions options, int seed);
}

/// <summary>An algorithm with a typed options record.</summary>
/// <typeparam name="TOptions">The options record (keys via <see cref="OptionAttribute"/>).</typeparam>
public sealed class AlgorithmInfo<TOptions>(string name, string description, TOptions defaults, IReadOnlyList<Preset<TOptions>> presets,
    Func<EnvironmentSource, TOptions, int, Algorithm> create) : AlgorithmInfo where TOptions : class, ITrainingOptions
{
    /// <inheritdoc/>
    public override string Name => name;

    /// <inheritdoc/>
    public override string Description => description;

    /// <inheritdoc/>
    public override ITrainingOptions Defaults => defaults;

    /// <inheritdoc/>
    public override IReadOnlyList<PresetInfo> Presets { get; } = [.. presets.Select(p => new PresetInfo(p.Name, p.EnvId, p.Description, p.Options))];

    /// <inheritdoc/>
    public override IReadOnlyList<OptionInfo> Options { get; } =
        [.. OptionBinder.Keys<TOptions>().Zip(OptionBinder.Describe(defaults), (k, d) => new OptionInfo(k.Key, OptionBinder.TypeName(k.Type), d.Value, k.Description))];

    /// <inheritdoc/>
    public override ITrainingOptions Bind(ITrainingOptions start, IReadOnlyDictionary<string, string> values, string source) =>
        OptionBinder.Apply((TOptions)start, values, source);

    /// <inheritdoc/>
    public override Algorithm Create(EnvironmentSource environment, ITrainingOptions options, int seed) => create(environment, (TOptions)options, seed);
}

/// <summary>
/// Every trainable algorithm, by name. Adding an algorithm to the library and the CLI is its options
/// record, its update rule and one line here.
/// </summary>
public static class AlgorithmCatalog
{
    /// <summary>All algorithms.</summary>
    public static IReadOnlyList<AlgorithmInfo> All { get; } =
    [
        new AlgorithmInfo<DqnOptions>(Dqn.AlgorithmName, "Deep Q-learning (double Q, dueling, prioritized replay, n-step) for discrete actions.",
            new DqnOptions(), DqnPresets.All, (env, o, seed) => new Dqn(env, o, seed)),
        new AlgorithmInfo<FqiOptions>(FittedQIteration.AlgorithmName, "Fitted Q-iteration (batch): collect N transitions, K times recompute targets, S regression steps each.",
            new FqiOptions(), FittedQIteration.Presets, (env, o, seed) => new FittedQIteration(env, o, seed)),
        new AlgorithmInfo<ReinforceOptions>(Reinforce.AlgorithmName, "REINFORCE: reward-to-go policy gradient with no, average or learned-V baseline.",
            new ReinforceOptions(), OnPolicyPresets.Reinforce, (env, o, seed) => new Reinforce(env, o, seed)),
        new AlgorithmInfo<ActorCriticOptions>(Bellman.ActorCritic.AlgorithmName, "The lecture's batch actor-critic (fit V, A = r + gamma V(s') - V(s), policy step); preset 'online' is the online algorithm.",
            new ActorCriticOptions(), OnPolicyPresets.ActorCritic, (env, o, seed) => new Bellman.ActorCritic(env, o, seed)),
        new AlgorithmInfo<A2cOptions>(A2c.AlgorithmName, "A2C: synchronous advantage actor-critic with n-step or GAE advantages, entropy bonus and gradient clipping (discrete or Box actions).",
            new A2cOptions(), OnPolicyPresets.A2c, (env, o, seed) => new A2c(env, o, seed)),
        new AlgorithmInfo<AcLambdaOptions>(AcLambda.AlgorithmName, "AC(lambda): MinAtar's online actor-critic with one eligibility trace over a shared network and RMSprop on the trace update (discrete actions).",
            new AcLambdaOptions(), OnPolicyPresets.AcLambda, (env, o, seed) => new AcLambda(env, o, seed)),
        new AlgorithmInfo<DdpgOptions>(Ddpg.AlgorithmName, "DDPG: deterministic actor maximising a critic Q(s, a), Polyak targets, Gaussian or Ornstein-Uhlenbeck exploration (Box actions).",
            new DdpgOptions(), ContinuousPresets.Ddpg, (env, o, seed) => new Ddpg(env, o, seed)),
        new AlgorithmInfo<Td3Options>(Td3.AlgorithmName, "TD3: DDPG with two critics (min target), target-policy smoothing and delayed actor updates (Box actions).",
            new Td3Options(), ContinuousPresets.Td3, (env, o, seed) => new Td3(env, o, seed)),
        new AlgorithmInfo<SacOptions>(Sac.AlgorithmName, "SAC: soft actor-critic with a tanh-squashed Gaussian actor, two critics and automatic entropy tuning (Box actions).",
            new SacOptions(), ContinuousPresets.Sac, (env, o, seed) => new Sac(env, o, seed)),
        new AlgorithmInfo<NafOptions>(Naf.AlgorithmName, "NAF: Q-learning for bounded Box actions with a quadratic advantage, Q = V(s) - 1/2 (a - mu(s))^T L L^T (a - mu(s)); the greedy action is mu(s).", new NafOptions(), NafPresets.All, (env, o, seed) => new Naf(env, o, seed)),
        new AlgorithmInfo<QtOptOptions>(QtOpt.AlgorithmName, "QT-Opt: Q-learning for bounded Box actions; max_a Q(s, a) by the cross-entropy method (batched), clipped double Q over a Polyak and a lagged target.", new QtOptOptions(), QtOptPresets.All, (env, o, seed) => new QtOpt(env, o, seed)),
    ];

    /// <summary>The algorithm named <paramref name="name"/>, or null.</summary>
    public static AlgorithmInfo? Find(string name) => All.FirstOrDefault(a => a.Name == name);
}
