using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Training;
using Bellman.Core.Environments;

namespace Bellman;

/// <summary>
/// Soft actor-critic (Haarnoja et al. 2018) for Box actions, as a library object:
/// <code>
/// using var model = new Sac("Pendulum-v1", ContinuousPresets.Sac[0].Options);
/// model.Learn();
/// model.Predict(observation, action);
/// </code>
/// </summary>
public sealed class Sac : OffPolicyAlgorithm<SacOptions>
{
    /// <summary>The catalogue name.</summary>
    public const string AlgorithmName = "sac";

    /// <summary>SAC on <paramref name="environment"/> with <paramref name="options"/> (default: SB3's defaults).</summary>
    public Sac(EnvironmentSource environment, SacOptions? options = null, int seed = 0)
        : base(AlgorithmName, environment, options ?? new SacOptions(), seed, (obs, act, o, init) => new SacAgent(obs, act, o, init, AlgorithmName)) { }

    /// <summary>SAC on a user's environment made by <paramref name="environment"/>.</summary>
    public Sac(Func<IEnvironment> environment, SacOptions? options = null, int seed = 0) : this(EnvironmentSource.FromFactory(environment), options, seed) { }

    /// <summary>The agent (actor, critics, targets, log α, optimizers).</summary>
    public SacAgent SacAgent => (SacAgent)OffPolicyAgent;

    /// <summary>Loads a SAC checkpoint (see <see cref="Algorithm.Load"/>).</summary>
    public static new Sac Load(string path, EnvironmentSource? environment = null) => Algorithm.Load(path, environment) as Sac
        ?? throw new InvalidDataException($"{path} does not hold a {AlgorithmName} agent; load it with Algorithm.Load.");
}
