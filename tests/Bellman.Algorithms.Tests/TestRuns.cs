using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Training;

namespace Bellman.Algorithms.Tests;

/// <summary>Builds algorithms from options the way the catalogue does, for tests.</summary>
internal static class TestRuns
{
    /// <summary>The catalogue's algorithm for <paramref name="options"/>' type, on a registered environment.</summary>
    public static Algorithm Make(ITrainingOptions options, string env = "CartPole-v1", IReadOnlyDictionary<string, string>? envOptions = null, int seed = 0) =>
        AlgorithmCatalog.All.First(a => a.Defaults.GetType() == options.GetType()).Create(EnvironmentSource.FromId(env, envOptions), options, seed);

    /// <summary>The actor-critic agent of an on-policy algorithm.</summary>
    public static ActorCriticAgent ActorCritic(this Algorithm algorithm) => (ActorCriticAgent)algorithm.Agent;
}
