using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Training;
using Bellman.Core.Environments;

namespace Bellman;

/// <summary>
/// TD3 (Fujimoto et al. 2018) for Box actions, as a library object:
/// <code>
/// using var model = new Td3("Pendulum-v1", ContinuousPresets.Td3[0].Options);
/// model.Learn();
/// model.Predict(observation, action);
/// </code>
/// </summary>
public sealed class Td3 : OffPolicyAlgorithm<Td3Options>
{
    /// <summary>The catalogue name.</summary>
    public const string AlgorithmName = "td3";

    /// <summary>TD3 on <paramref name="environment"/> with <paramref name="options"/> (default: SB3's defaults).</summary>
    public Td3(EnvironmentSource environment, Td3Options? options = null, int seed = 0)
        : base(AlgorithmName, environment, options ?? new Td3Options(), seed, (obs, act, o, init) => new Td3Agent(obs, act, o, init, AlgorithmName)) { }

    /// <summary>TD3 on a user's environment made by <paramref name="environment"/>.</summary>
    public Td3(Func<IEnvironment> environment, Td3Options? options = null, int seed = 0) : this(EnvironmentSource.FromFactory(environment), options, seed) { }

    /// <summary>The agent (actor, two critics, targets, optimizers).</summary>
    public Td3Agent Td3Agent => (Td3Agent)OffPolicyAgent;

    /// <summary>Loads a TD3 checkpoint (see <see cref="Algorithm.Load"/>).</summary>
    public static new Td3 Load(string path, EnvironmentSource? environment = null) => Algorithm.Load(path, environment) as Td3
        ?? throw new InvalidDataException($"{path} does not hold a {AlgorithmName} agent; load it with Algorithm.Load.");
}
