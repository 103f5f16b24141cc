namespace Bellman.Algorithms.ValueBased;

/// <summary>
/// Bootstrapped targets for Q-learning, as pure functions over spans. With a replay batch's
/// <c>Returns</c> (r, or the n-step sum) and <c>Discounts</c> (γ^n, or 0 when the episode terminated):
/// y = R + D · max_a' Q_φ'(s', a') for DQN, and y = R + D · Q_φ'(s', argmax_a' Q_φ(s', a')) for double DQN.
/// </summary>
public static class TdTargets
{
    /// <summary>y_i = returns_i + discounts_i · max_a nextQ[i, a] (classic DQN with a target network).</summary>
    public static void MaxTargets(ReadOnlySpan<float> returns, ReadOnlySpan<float> discounts, ReadOnlySpan<float> nextQ, int actionCount, Span<float> destination)
    {
        Check(returns, discounts, nextQ, actionCount, destination);
        for (int i = 0; i < destination.Length; i++)
        {
            var row = nextQ.Slice(i * actionCount, actionCount);
            float max = row[0];
            for (int a = 1; a < actionCount; a++) max = MathF.Max(max, row[a]);
            destination[i] = discounts[i] == 0 ? returns[i] : returns[i] + discounts[i] * max;
        }
    }

    /// <summary>Double DQN: y_i = returns_i + discounts_i · targetQ[i, argmax_a onlineQ[i, a]].</summary>
    public static void DoubleTargets(ReadOnlySpan<float> returns, ReadOnlySpan<float> discounts, ReadOnlySpan<float> onlineNextQ, ReadOnlySpan<float> targetNextQ, int actionCount, Span<float> destination)
    {
        Check(returns, discounts, targetNextQ, actionCount, destination);
        if (onlineNextQ.Length != targetNextQ.Length) throw new ArgumentException($"Online Q has {onlineNextQ.Length} values, target Q has {targetNextQ.Length}.");
        for (int i = 0; i < destination.Length; i++)
        {
            int best = Exploration.Explore.Greedy(onlineNextQ.Slice(i * actionCount, actionCount));
            destination[i] = discounts[i] == 0 ? returns[i] : returns[i] + discounts[i] * targetNextQ[i * actionCount + best];
        }
    }

    /// <summary>State-value targets y_i = returns_i + discounts_i · V(s'_i) (TD(0) / bootstrapped critic targets).</summary>
    public static void ValueTargets(ReadOnlySpan<float> returns, ReadOnlySpan<float> discounts, ReadOnlySpan<float> nextV, Span<float> destination)
    {
        if (returns.Length != destination.Length || discounts.Length != destination.Length || nextV.Length != destination.Length)
            throw new ArgumentException($"Lengths differ: returns {returns.Length}, discounts {discounts.Length}, nextV {nextV.Length}, destination {destination.Length}.");
        for (int i = 0; i < destination.Length; i++)
            destination[i] = discounts[i] == 0 ? returns[i] : returns[i] + discounts[i] * nextV[i];
    }

    private static void Check(ReadOnlySpan<float> returns, ReadOnlySpan<float> discounts, ReadOnlySpan<float> nextQ, int actionCount, Span<float> destination)
    {
        if (actionCount <= 0) throw new ArgumentOutOfRangeException(nameof(actionCount), actionCount, "actionCount must be positive.");
        if (returns.Length != destination.Length || discounts.Length != destination.Length || nextQ.Length != destination.Length * actionCount)
            throw new ArgumentException($"Lengths differ: returns {returns.Length}, discounts {discounts.Length}, nextQ {nextQ.Length} (expected {destination.Length}×{actionCount}), destination {destination.Length}.");
    }
}
