using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Continuous;

namespace Bellman.Algorithms.ValueBased;

/// <summary>
/// Options of NAF (normalized advantage functions): the off-policy loop's keys and NAF's own. The loop's
/// defaults are those of Stable-Baselines3's continuous-action algorithms (batch 256, one gradient step
/// per environment step, 256-256 network).
/// </summary>
public sealed record NafOptions : GaussianExplorationOptions
{
    /// <summary>SB3's continuous-control loop defaults.</summary>
    public NafOptions()
    {
        LearningStarts = 1_000;
        NetArch = [256, 256];
    }

    /// <summary>Gradient-norm clip (≤ 0 disables).</summary>
    [Option("max_grad_norm", "gradient norm clip (0 disables)")] public double MaxGradNorm { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Require(MaxGradNorm >= 0, "max_grad_norm", MaxGradNorm, "must be non-negative");
    }
}
