using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Training;
using Bellman.Core.Environments;

namespace Bellman;

/// <summary>A2C: synchronous advantage actor-critic with n-step or GAE advantages (discrete or Box actions).</summary>
public sealed class A2c : OnPolicyAlgorithm<A2cOptions>
{
    /// <summary>The catalogue name.</summary>
    public const string AlgorithmName = "a2c";

    /// <summary>A2C on <paramref name="environment"/> with <paramref name="options"/> (default: SB3's A2C defaults).</summary>
    public A2c(EnvironmentSource environment, A2cOptions? options = null, int seed = 0)
        : base(AlgorithmName, environment, options ?? new A2cOptions(), seed, (obs, act, o, init) => new A2cUpdate(obs, act, o, init)) { }

    /// <summary>A2c on a user's environment made by <paramref name="environment"/> (one instance per parallel copy, one to evaluate).</summary>
    public A2c(Func<IEnvironment> environment, A2cOptions? options = null, int seed = 0) : this(EnvironmentSource.FromFactory(environment), options, seed) { }

    /// <summary>Loads an A2C checkpoint.</summary>
    public static new A2c Load(string path, EnvironmentSource? environment = null) => Algorithm.Load(path, environment) as A2c
        ?? throw new InvalidDataException($"{path} does not hold an {AlgorithmName} agent; load it with Algorithm.Load.");
}

/// <summary>REINFORCE: reward-to-go policy gradient with no, average or learned-V baseline.</summary>
public sealed class Reinforce : OnPolicyAlgorithm<ReinforceOptions>
{
    /// <summary>The catalogue name.</summary>
    public const string AlgorithmName = "reinforce";

    /// <summary>REINFORCE on <paramref name="environment"/>.</summary>
    public Reinforce(EnvironmentSource environment, ReinforceOptions? options = null, int seed = 0)
        : base(AlgorithmName, environment, options ?? new ReinforceOptions(), seed, (obs, act, o, init) => new ReinforceUpdate(obs, act, o, init)) { }

    /// <summary>Reinforce on a user's environment made by <paramref name="environment"/> (one instance per parallel copy, one to evaluate).</summary>
    public Reinforce(Func<IEnvironment> environment, ReinforceOptions? options = null, int seed = 0) : this(EnvironmentSource.FromFactory(environment), options, seed) { }

    /// <summary>Loads a REINFORCE checkpoint.</summary>
    public static new Reinforce Load(string path, EnvironmentSource? environment = null) => Algorithm.Load(path, environment) as Reinforce
        ?? throw new InvalidDataException($"{path} does not hold a {AlgorithmName} agent; load it with Algorithm.Load.");
}

/// <summary>The lecture's batch (and online) actor-critic.</summary>
public sealed class ActorCritic : OnPolicyAlgorithm<ActorCriticOptions>
{
    /// <summary>The catalogue name.</summary>
    public const string AlgorithmName = "actor-critic";

    /// <summary>Batch actor-critic on <paramref name="environment"/>.</summary>
    public ActorCritic(EnvironmentSource environment, ActorCriticOptions? options = null, int seed = 0)
        : base(AlgorithmName, environment, options ?? new ActorCriticOptions(), seed, (obs, act, o, init) => new BatchActorCriticUpdate(obs, act, o, init)) { }

    /// <summary>ActorCritic on a user's environment made by <paramref name="environment"/> (one instance per parallel copy, one to evaluate).</summary>
    public ActorCritic(Func<IEnvironment> environment, ActorCriticOptions? options = null, int seed = 0) : this(EnvironmentSource.FromFactory(environment), options, seed) { }

    /// <summary>Loads an actor-critic checkpoint.</summary>
    public static new ActorCritic Load(string path, EnvironmentSource? environment = null) => Algorithm.Load(path, environment) as ActorCritic
        ?? throw new InvalidDataException($"{path} does not hold an {AlgorithmName} agent; load it with Algorithm.Load.");
}

/// <summary>Online actor-critic with eligibility traces (MinAtar's AC(λ)).</summary>
public sealed class AcLambda : OnPolicyAlgorithm<AcLambdaOptions>
{
    /// <summary>The catalogue name.</summary>
    public const string AlgorithmName = "ac-lambda";

    /// <summary>AC(λ) on <paramref name="environment"/> with <paramref name="options"/> (default: MinAtar's settings).</summary>
    public AcLambda(EnvironmentSource environment, AcLambdaOptions? options = null, int seed = 0)
        : base(AlgorithmName, environment, options ?? new AcLambdaOptions(), seed, (obs, act, o, init) => new AcLambdaUpdate(obs, act, o, init)) { }

    /// <summary>AC(λ) on a user's environment made by <paramref name="environment"/>.</summary>
    public AcLambda(Func<IEnvironment> environment, AcLambdaOptions? options = null, int seed = 0) : this(EnvironmentSource.FromFactory(environment), options, seed) { }

    /// <summary>Loads an AC(λ) checkpoint.</summary>
    public static new AcLambda Load(string path, EnvironmentSource? environment = null) => Algorithm.Load(path, environment) as AcLambda
        ?? throw new InvalidDataException($"{path} does not hold an {AlgorithmName} agent; load it with Algorithm.Load.");
}
