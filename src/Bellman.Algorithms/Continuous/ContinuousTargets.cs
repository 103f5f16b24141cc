using Bellman.Core.Random;

namespace Bellman.Algorithms.Continuous;

/// <summary>The target math of DDPG, TD3 and SAC as pure functions over spans (tested against hand-computed numbers).</summary>
public static class ContinuousTargets
{
    /// <summary>
    /// y_j = R_j + D_j · Q'_j, where R is the (n-step) return and D = γ^m(1 − terminated) the batch's
    /// discount: DDPG's r + γ Q_φ'(s', μ_θ'(s')) and TD3's r + γ min_i Q_φi'(s', ã).
    /// </summary>
    public static void Bootstrap(ReadOnlySpan<float> returns, ReadOnlySpan<float> discounts, ReadOnlySpan<float> nextQ, Span<float> destination)
    {
        for (int j = 0; j < destination.Length; j++) destination[j] = returns[j] + discounts[j] * nextQ[j];
    }

    /// <summary>
    /// SAC's soft target y_j = R_j + D_j (min_i Q_φi'(s'_j, a'_j) − α log π(a'_j|s'_j)) with a' ~ π(·|s').
    /// </summary>
    public static void Soft(ReadOnlySpan<float> returns, ReadOnlySpan<float> discounts, ReadOnlySpan<float> nextMinQ, ReadOnlySpan<float> nextLogProb, float alpha, Span<float> destination)
    {
        for (int j = 0; j < destination.Length; j++) destination[j] = returns[j] + discounts[j] * (nextMinQ[j] - alpha * nextLogProb[j]);
    }

    /// <summary>
    /// TD3's target-policy smoothing, in place on the scaled target actions μ_θ'(s'):
    /// ã = clip(μ_θ'(s') + clip(ε, −c, c), −1, 1) with ε ~ N(0, σ²) drawn from <paramref name="rng"/>
    /// (σ = 0 leaves the actions unchanged and draws nothing).
    /// </summary>
    public static void SmoothTargetActions(Span<float> actions, double sigma, double clip, Rng rng)
    {
        if (sigma <= 0) return;
        for (int k = 0; k < actions.Length; k++)
        {
            double eps = Math.Clamp(sigma * rng.NextNormal(), -clip, clip);
            actions[k] = Math.Clamp(actions[k] + (float)eps, -1f, 1f);
        }
    }

    /// <summary>Adds <paramref name="noise"/> to the scaled <paramref name="actions"/> and clips to [−1, 1] (SB3's exploration).</summary>
    public static void AddNoiseAndClip(Span<float> actions, ReadOnlySpan<float> noise)
    {
        for (int k = 0; k < actions.Length; k++) actions[k] = Math.Clamp(actions[k] + noise[k], -1f, 1f);
    }
}
