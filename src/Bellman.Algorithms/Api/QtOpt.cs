using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Environments;

namespace Bellman;

/// <summary>
/// QT-Opt (Kalashnikov et al. 2018): Q-learning for bounded Box actions that maximises the critic
/// Q(s, a) by the cross-entropy method, with clipped double Q over two target networks, as a library object:
/// <code>
/// using var model = new QtOpt("Pendulum-v1", QtOptPresets.For("Pendulum-v1"));
/// model.Learn();
/// model.Save("pendulum-qt-opt");
/// </code>
/// </summary>
public sealed class QtOpt : OffPolicyAlgorithm<QtOptOptions>
{
    /// <summary>The catalogue name.</summary>
    public const string AlgorithmName = QtOptAgent.Name;

    /// <summary>QT-Opt on <paramref name="environment"/> (an id, a factory or an instance) with <paramref name="options"/>.</summary>
    public QtOpt(EnvironmentSource environment, QtOptOptions? options = null, int seed = 0)
        : base(AlgorithmName, environment, options ?? new QtOptOptions(), seed, (obs, act, o, init) => new QtOptAgent(obs, act, o, init)) { }

    /// <summary>QT-Opt on a user's environment made by <paramref name="environment"/>.</summary>
    public QtOpt(Func<IEnvironment> environment, QtOptOptions? options = null, int seed = 0) : this(EnvironmentSource.FromFactory(environment), options, seed) { }

    /// <summary>The agent (Q_θ, Q_θ̄1, Q_θ̄2, optimizer).</summary>
    public QtOptAgent QtOptAgent => (QtOptAgent)OffPolicyAgent;

    /// <summary>Loads a QT-Opt checkpoint (see <see cref="Algorithm.Load"/>).</summary>
    public static new QtOpt Load(string path, EnvironmentSource? environment = null) => Algorithm.Load(path, environment) as QtOpt
        ?? throw new InvalidDataException($"{path} does not hold a {AlgorithmName} agent; load it with Algorithm.Load.");
}
