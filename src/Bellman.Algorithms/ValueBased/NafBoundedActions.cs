using Bellman.Core.Random;
using Bellman.Core.Spaces;

namespace Bellman.Algorithms.ValueBased;

/// <summary>
/// The bounded Box action space of NAF and QT-Opt: the agents work in the scaled space [−1, 1]^d and map
/// to the environment's units as Stable-Baselines3 does, a = low + ½ (u + 1)(high − low). Exploration
/// noise is added in the scaled space and clipped to it.
/// </summary>
public sealed class NafBoundedActions
{
    private readonly float[] _low, _high;

    /// <summary>Checks that <paramref name="actionSpace"/> is a Box with finite bounds; the errors name <paramref name="algorithm"/> and what fits instead.</summary>
    public NafBoundedActions(Space actionSpace, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(actionSpace);
        if (actionSpace is not Box box)
            throw new ArgumentException($"{algorithm} needs a Box (continuous) action space, got {actionSpace}; for discrete actions use dqn (or a2c).", nameof(actionSpace));
        if (!box.IsBounded)
            throw new ArgumentException($"{algorithm} needs finite action bounds (it maximises Q over the box), but the action space is {actionSpace}; wrap the environment to clip its actions to finite bounds.", nameof(actionSpace));
        _low = box.Low.ToArray();
        _high = box.High.ToArray();
    }

    /// <summary>d, the number of action components.</summary>
    public int Size => _low.Length;

    /// <summary>Environment units from scaled actions (rows of d, in place allowed).</summary>
    public void ToEnvironment(ReadOnlySpan<float> scaled, Span<float> destination)
    {
        for (int k = 0; k < scaled.Length; k++)
        {
            int j = k % _low.Length;
            destination[k] = _low[j] + 0.5f * (scaled[k] + 1f) * (_high[j] - _low[j]);
        }
    }

    /// <summary>Scaled actions in [−1, 1] from environment units (rows of d), clipped.</summary>
    public void ToScaled(ReadOnlySpan<float> actions, Span<float> destination)
    {
        for (int k = 0; k < actions.Length; k++)
        {
            int j = k % _low.Length;
            float u = 2f * (actions[k] - _low[j]) / (_high[j] - _low[j]) - 1f;
            destination[k] = Math.Clamp(u, -1f, 1f);
        }
    }

    /// <summary>u ← clip(u + σ ε, −1, 1) with ε ~ N(0, I) from <paramref name="rng"/> (σ = 0: unchanged, no draws).</summary>
    public static void AddGaussianNoise(Span<float> scaled, double sigma, Rng rng)
    {
        if (sigma <= 0) return;
        for (int k = 0; k < scaled.Length; k++) scaled[k] = Math.Clamp(scaled[k] + (float)(sigma * rng.NextNormal()), -1f, 1f);
    }
}
