namespace Bellman.Algorithms.ActorCritic;

/// <summary>
/// Return and advantage estimators over one environment's time series t = 0 … T−1 (a rollout row).
/// Flags per step: <c>terminated[t]</c> — s_{t+1} is terminal, its value is 0; <c>ended[t]</c> — the
/// episode ended after step t (terminated or truncated), so nothing after t belongs to it. A truncated
/// step (ended, not terminated) is cut by a time limit or the rollout, not by the MDP: its successor
/// still has value V(s_{t+1}), read from <c>nextValues[t]</c> (the value of the true final observation).
/// </summary>
public static class Returns
{
    /// <summary>
    /// Discounted reward-to-go, the lecture's Monte Carlo estimate Q̂_t = Σ_{t'=t}^{T_ep} γ^{t'−t} r_{t'},
    /// summed up to the end of t's episode (stopping at every <paramref name="ended"/> step); the last
    /// step continues with <paramref name="tail"/> if its episode has not ended (0: cut it off).
    /// </summary>
    public static void RewardToGo(ReadOnlySpan<float> rewards, ReadOnlySpan<bool> ended, float gamma, float tail, Span<float> destination)
    {
        Check(rewards.Length, ended.Length, destination.Length);
        float next = tail;
        for (int t = rewards.Length - 1; t >= 0; t--)
        {
            if (ended[t]) next = 0;
            next = rewards[t] + gamma * next;
            destination[t] = next;
        }
    }

    /// <summary>
    /// Marks the steps whose episode ended inside the series (their reward-to-go is a complete Monte Carlo
    /// return): every step up to the last <paramref name="ended"/> one. Returns how many there are.
    /// </summary>
    public static int CompleteEpisodes(ReadOnlySpan<bool> ended, Span<bool> destination)
    {
        Check(ended.Length, destination.Length, destination.Length);
        int last = ended.LastIndexOf(true);
        destination[..(last + 1)].Fill(true);
        destination[(last + 1)..].Clear();
        return last + 1;
    }

    /// <summary>
    /// Bootstrapped returns to the end of the series (A2C's n-step returns, n = steps left in the rollout):
    /// G_t = r_t + γ·(0 if terminated_t; V(s_{t+1}) = nextValues[t] if ended_t or t = T−1; G_{t+1} otherwise).
    /// </summary>
    public static void NStepReturns(ReadOnlySpan<float> rewards, ReadOnlySpan<float> nextValues, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> ended, float gamma, Span<float> destination)
    {
        int n = rewards.Length;
        Check(n, nextValues.Length, destination.Length);
        Check(n, terminated.Length, ended.Length);
        for (int t = n - 1; t >= 0; t--)
        {
            float next = terminated[t] ? 0f : ended[t] || t == n - 1 ? nextValues[t] : destination[t + 1];
            destination[t] = rewards[t] + gamma * next;
        }
    }

    /// <summary>
    /// Generalized advantage estimation (Schulman et al. 2016):
    /// δ_t = r_t + γ (1 − terminated_t) V(s_{t+1}) − V(s_t),  Â_t = δ_t + γλ (1 − ended_t) Â_{t+1},
    /// with V(s_t) = <paramref name="values"/>[t] and V(s_{t+1}) = <paramref name="nextValues"/>[t].
    /// λ = 0 gives the lecture's one-step Â = r + γV̂(s') − V̂(s); λ = 1 gives the n-step returns minus V(s_t).
    /// </summary>
    public static void Gae(ReadOnlySpan<float> rewards, ReadOnlySpan<float> values, ReadOnlySpan<float> nextValues, ReadOnlySpan<bool> terminated,
        ReadOnlySpan<bool> ended, float gamma, float lambda, Span<float> advantages)
    {
        int n = rewards.Length;
        Check(n, values.Length, nextValues.Length);
        Check(n, terminated.Length, ended.Length);
        Check(n, advantages.Length, n);
        float next = 0;
        for (int t = n - 1; t >= 0; t--)
        {
            float delta = rewards[t] + (terminated[t] ? 0f : gamma * nextValues[t]) - values[t];
            next = delta + (ended[t] ? 0f : gamma * lambda * next);
            advantages[t] = next;
        }
    }

    /// <summary>
    /// Advantage normalisation in place: x ← (x − mean) / (std + 1e-8), std with Bessel's correction as
    /// PyTorch's (and SB3's); fewer than two values are left unchanged.
    /// </summary>
    public static void Normalize(Span<float> values)
    {
        int n = values.Length;
        if (n < 2) return;
        double mean = 0;
        foreach (float v in values) mean += v;
        mean /= n;
        double ss = 0;
        foreach (float v in values) ss += (v - mean) * (v - mean);
        float std = (float)Math.Sqrt(ss / (n - 1));
        float m = (float)mean, inv = 1f / (std + 1e-8f);
        for (int i = 0; i < n; i++) values[i] = (values[i] - m) * inv;
    }

    private static void Check(int a, int b, int c)
    {
        if (a != b || a != c) throw new ArgumentException($"Span lengths differ: {a}, {b}, {c}.");
    }
}
