using Bellman.Algorithms.Training;
using Bellman.Core.Environments;
using Bellman.Algorithms.ValueBased;

namespace Bellman;

/// <summary>
/// Deep Q-learning and its family (double Q, dueling heads, prioritized replay, n-step returns) for
/// discrete actions, as a library object:
/// <code>
/// using var model = new Dqn("CartPole-v1", DqnPresets.For("CartPole-v1"));
/// model.Learn(50_000);
/// model.Save("cartpole");
/// int action = Dqn.Load("cartpole").Predict(observation);
/// </code>
/// </summary>
public sealed class Dqn : OffPolicyAlgorithm<DqnOptions>
{
    /// <summary>The catalogue name.</summary>
    public const string AlgorithmName = "dqn";

    /// <summary>DQN on <paramref name="environment"/> (an id, a factory or an instance) with <paramref name="options"/> (default: SB3's defaults).</summary>
    public Dqn(EnvironmentSource environment, DqnOptions? options = null, int seed = 0)
        : base(AlgorithmName, environment, options ?? new DqnOptions(), seed, (obs, act, o, init) => new DqnAgent(obs, act, o, init)) { }

    /// <summary>Dqn on a user's environment made by <paramref name="environment"/> (one instance per parallel copy, one to evaluate).</summary>
    public Dqn(Func<IEnvironment> environment, DqnOptions? options = null, int seed = 0) : this(EnvironmentSource.FromFactory(environment), options, seed) { }

    /// <summary>The agent (Q_φ, Q_φ', optimizer).</summary>
    public DqnAgent DqnAgent => (DqnAgent)OffPolicyAgent;

    /// <summary>Loads a DQN checkpoint (see <see cref="Algorithm.Load"/>).</summary>
    public static new Dqn Load(string path, EnvironmentSource? environment = null) => Algorithm.Load(path, environment) as Dqn
        ?? throw new InvalidDataException($"{path} does not hold a {AlgorithmName} agent; load it with Algorithm.Load.");
}
