using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Environments;

namespace Bellman;

/// <summary>
/// NAF (normalized advantage functions, Gu et al. 2016): Q-learning for bounded Box actions with a
/// quadratic advantage, so the greedy action is the network's μ(s), as a library object:
/// <code>
/// using var model = new Naf("Pendulum-v1", NafPresets.For("Pendulum-v1"));
/// model.Learn();
/// model.Save("pendulum-naf");
/// </code>
/// </summary>
public sealed class Naf : OffPolicyAlgorithm<NafOptions>
{
    /// <summary>The catalogue name.</summary>
    public const string AlgorithmName = NafAgent.Name;

    /// <summary>NAF on <paramref name="environment"/> (an id, a factory or an instance) with <paramref name="options"/>.</summary>
    public Naf(EnvironmentSource environment, NafOptions? options = null, int seed = 0)
        : base(AlgorithmName, environment, options ?? new NafOptions(), seed, (obs, act, o, init) => new NafAgent(obs, act, o, init)) { }

    /// <summary>NAF on a user's environment made by <paramref name="environment"/>.</summary>
    public Naf(Func<IEnvironment> environment, NafOptions? options = null, int seed = 0) : this(EnvironmentSource.FromFactory(environment), options, seed) { }

    /// <summary>The agent (Q_φ, Q_φ', optimizer).</summary>
    public NafAgent NafAgent => (NafAgent)OffPolicyAgent;

    /// <summary>Loads a NAF checkpoint (see <see cref="Algorithm.Load"/>).</summary>
    public static new Naf Load(string path, EnvironmentSource? environment = null) => Algorithm.Load(path, environment) as Naf
        ?? throw new InvalidDataException($"{path} does not hold a {AlgorithmName} agent; load it with Algorithm.Load.");
}
