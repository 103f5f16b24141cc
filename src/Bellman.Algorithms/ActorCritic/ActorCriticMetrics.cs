using Bellman.Algorithms.Training;

namespace Bellman.Algorithms.ActorCritic;

/// <summary>The keyed values the on-policy update rules record (Stable-Baselines3's train/ keys).</summary>
public static class ActorCriticMetrics
{
    /// <summary>With a critic: policy_loss, value_loss, entropy and the mean V̂(s).</summary>
    public static IReadOnlyList<MetricDefinition> WithCritic { get; } =
    [
        new("policy_loss", "pi loss"),
        new("value_loss", "v loss"),
        new("entropy", "entropy"),
        new("v", "V"),
    ];

    /// <summary>Without a critic (REINFORCE without a learned baseline): policy_loss and entropy.</summary>
    public static IReadOnlyList<MetricDefinition> ActorOnly { get; } = [new("policy_loss", "pi loss"), new("entropy", "entropy")];

    /// <summary>Records one update with a critic.</summary>
    public static void Record(UpdateMetrics metrics, double policyLoss, double valueLoss, double entropy, double meanValue)
    {
        metrics.Add("policy_loss", policyLoss);
        metrics.Add("value_loss", valueLoss);
        metrics.Add("entropy", entropy);
        metrics.Add("v", meanValue);
    }

    /// <summary>Records one update without a critic.</summary>
    public static void Record(UpdateMetrics metrics, double policyLoss, double entropy)
    {
        metrics.Add("policy_loss", policyLoss);
        metrics.Add("entropy", entropy);
    }
}
