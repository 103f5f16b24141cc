using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Training;
using Bellman.Core.Environments;

namespace Bellman;

/// <summary>
/// DDPG (Lillicrap et al. 2016) for Box actions, as a library object:
/// <code>
/// using var model = new Ddpg("Pendulum-v1", ContinuousPresets.Ddpg[0].Options);
/// model.Learn();
/// model.Predict(observation, action);
/// </code>
/// </summary>
public sealed class Ddpg : OffPolicyAlgorithm<DdpgOptions>
{
    /// <summary>The catalogue name.</summary>
    public const string AlgorithmName = "ddpg";

    /// <summary>DDPG on <paramref name="environment"/> with <paramref name="options"/> (default: SB3's defaults).</summary>
    public Ddpg(EnvironmentSource environment, DdpgOptions? options = null, int seed = 0)
        : base(AlgorithmName, environment, options ?? new DdpgOptions(), seed, (obs, act, o, init) => new Td3Agent(obs, act, o, init, AlgorithmName)) { }

    /// <summary>DDPG on a user's environment made by <paramref name="environment"/>.</summary>
    public Ddpg(Func<IEnvironment> environment, DdpgOptions? options = null, int seed = 0) : this(EnvironmentSource.FromFactory(environment), options, seed) { }

    /// <summary>The agent (actor, critic, targets, optimizers).</summary>
    public Td3Agent Td3Agent => (Td3Agent)OffPolicyAgent;

    /// <summary>Loads a DDPG checkpoint (see <see cref="Algorithm.Load"/>).</summary>
    public static new Ddpg Load(string path, EnvironmentSource? environment = null) => Algorithm.Load(path, environment) as Ddpg
        ?? throw new InvalidDataException($"{path} does not hold a {AlgorithmName} agent; load it with Algorithm.Load.");
}
