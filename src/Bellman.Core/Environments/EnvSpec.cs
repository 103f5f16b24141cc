namespace Bellman.Core.Environments;

/// <summary>
/// How a registered environment is made, as Gymnasium's <c>EnvSpec</c>: its id, its time limit, the
/// return at which it counts as solved, and the options it was made with.
/// </summary>
/// <param name="Id">The registered id, for example <c>CartPole-v1</c>.</param>
/// <param name="MaxEpisodeSteps">The time limit applied by the registry, or null for none.</param>
/// <param name="RewardThreshold">The mean return at which the task counts as solved, or null.</param>
public sealed record EnvSpec(string Id, int? MaxEpisodeSteps = null, double? RewardThreshold = null)
{
    /// <summary>The options the environment was made with (for example <c>map_name=8x8</c>).</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}
