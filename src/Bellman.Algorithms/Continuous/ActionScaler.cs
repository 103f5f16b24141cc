using Bellman.Core.Spaces;

namespace Bellman.Algorithms.Continuous;

/// <summary>
/// Maps actions between a bounded <see cref="Box"/> and the scaled space [−1, 1]^d where the actors of
/// DDPG, TD3 and SAC work, exactly as Stable-Baselines3's <c>scale_action</c> / <c>unscale_action</c>:
/// scaled = 2 (a − low) / (high − low) − 1 and a = low + ½ (scaled + 1)(high − low). Exploration noise is
/// added in the scaled space and clipped to [−1, 1] before unscaling, so the zoo's noise scales mean the
/// same thing here.
/// </summary>
public sealed class ActionScaler
{
    private readonly float[] _low;
    private readonly float[] _high;

    /// <summary>Algorithms that act in Box spaces (named in errors about action spaces).</summary>
    public const string ContinuousAlgorithms = "ddpg, td3 or sac";

    /// <summary>
    /// The scaler for <paramref name="actionSpace"/>; fails naming <paramref name="algorithm"/> and the
    /// algorithms that fit when the space is not a Box or has an infinite bound.
    /// </summary>
    public ActionScaler(Space actionSpace, string algorithm)
    {
        var box = Require(actionSpace, algorithm);
        _low = box.Low.ToArray();
        _high = box.High.ToArray();
    }

    /// <summary>The number of action dimensions d.</summary>
    public int Size => _low.Length;

    /// <summary>The Box with finite bounds that <paramref name="algorithm"/> needs, or a clear error.</summary>
    public static Box Require(Space actionSpace, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(actionSpace);
        if (actionSpace is not Box box)
            throw new ArgumentException($"{algorithm} needs a Box (continuous) action space, got {actionSpace}; for discrete actions use dqn, a2c, reinforce or actor-critic.", nameof(actionSpace));
        if (!box.IsBounded)
            throw new ArgumentException($"{algorithm} needs finite action bounds to squash its actions into them, but the action space {actionSpace} has an infinite bound; wrap the environment in RescaleAction or ClipAction with finite bounds.", nameof(actionSpace));
        return box;
    }

    /// <summary>scaled_j = 2 (a_j − low_j) / (high_j − low_j) − 1, row by row over <paramref name="actions"/>.</summary>
    public void Scale(ReadOnlySpan<float> actions, Span<float> destination)
    {
        int d = _low.Length;
        for (int i = 0; i < actions.Length; i++)
        {
            int j = i % d;
            destination[i] = 2f * ((actions[i] - _low[j]) / (_high[j] - _low[j])) - 1f;
        }
    }

    /// <summary>a_j = low_j + ½ (scaled_j + 1)(high_j − low_j), row by row over <paramref name="scaled"/>.</summary>
    public void Unscale(ReadOnlySpan<float> scaled, Span<float> destination)
    {
        int d = _low.Length;
        for (int i = 0; i < scaled.Length; i++)
        {
            int j = i % d;
            destination[i] = _low[j] + 0.5f * (scaled[i] + 1f) * (_high[j] - _low[j]);
        }
    }

    /// <summary><see cref="Scale"/>, then clipped to [−1, 1] (stored actions that sit a rounding error outside the box).</summary>
    public void ScaleClipped(ReadOnlySpan<float> actions, Span<float> destination)
    {
        Scale(actions, destination);
        for (int i = 0; i < actions.Length; i++) destination[i] = Math.Clamp(destination[i], -1f, 1f);
    }

    /// <summary>u ← clip(u + σ ε, −1, 1) in the scaled space with ε ~ N(0, I) from <paramref name="rng"/> (σ ≤ 0: unchanged, no draws).</summary>
    public static void AddGaussianNoise(Span<float> scaled, double sigma, Rng rng)
    {
        if (sigma <= 0) return;
        for (int k = 0; k < scaled.Length; k++) scaled[k] = Math.Clamp(scaled[k] + (float)(sigma * rng.NextNormal()), -1f, 1f);
    }
}
