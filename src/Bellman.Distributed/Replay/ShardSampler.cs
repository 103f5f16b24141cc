
namespace Bellman.Distributed.Replay;

/// <summary>
/// Prioritized sampling over several shards as if they were one sum tree. The total mass T = Σ_s T_s of
/// the shards is cut into B equal segments and one point u_j = (j + U_j) · T / B is drawn in each
/// (stratified, as in <see cref="Bellman.Algorithms.Replay.PrioritizedReplayBuffer"/>); the point falls in
/// shard s when it lies in [C_{s−1}, C_s) of the cumulative totals, and that shard is asked for the row at
/// u_j − C_{s−1}. Shard s thus receives about B · T_s / T rows, and row i is drawn with probability
/// P(i) = p_i^α / T over all shards. The importance weights are w_i = (N · P(i))^(−β) / max_j w_j with N
/// the rows held over all shards and max_j w_j = (N · p_min / T)^(−β) from the smallest priority held.
/// </summary>
public static class ShardSampler
{
    /// <summary>The masses to ask each shard for (local to the shard), for a batch of <paramref name="batchSize"/> rows.</summary>
    public static double[][] Split(ReadOnlySpan<double> totals, int batchSize, Rng rng)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be positive.");
        double total = 0;
        foreach (double t in totals)
        {
            if (!(t >= 0) || double.IsInfinity(t)) throw new ArgumentException($"Shard total {t} is not a finite non-negative number.", nameof(totals));
            total += t;
        }
        if (!(total > 0)) throw new InvalidOperationException("Cannot sample: every shard's total priority is zero.");
        var lists = new List<double>[totals.Length];
        for (int s = 0; s < lists.Length; s++) lists[s] = [];
        double segment = total / batchSize;
        int shard = 0;
        double start = 0;
        for (int j = 0; j < batchSize; j++)
        {
            double u = segment * (j + rng.NextDouble());
            // Points increase with j, so the shard pointer only moves forward; skip empty shards.
            while (shard < totals.Length - 1 && (u >= start + totals[shard] || totals[shard] <= 0))
            {
                start += totals[shard];
                shard++;
            }
            lists[shard].Add(Math.Min(u - start, totals[shard]));
        }
        var result = new double[totals.Length][];
        for (int s = 0; s < result.Length; s++) result[s] = [.. lists[s]];
        return result;
    }

    /// <summary>
    /// w_i = (N · p_i / T)^(−β) / (N · p_min / T)^(−β) for rows of priority <paramref name="priorities"/> (p^α),
    /// written to <paramref name="destination"/>.
    /// </summary>
    public static void Weights(ReadOnlySpan<double> priorities, double total, double minPriority, long rows, double beta, Span<float> destination)
    {
        if (priorities.Length != destination.Length) throw new ArgumentException($"{priorities.Length} priorities but {destination.Length} weights.");
        if (!(total > 0) || !(minPriority > 0) || rows <= 0) throw new ArgumentException($"Weights need a positive total ({total}), minimum ({minPriority}) and row count ({rows}).");
        double maxWeight = Math.Pow(rows * (minPriority / total), -beta);
        for (int i = 0; i < priorities.Length; i++)
        {
            // A row sampled just before a smaller priority arrived elsewhere can sit below p_min: cap at 1.
            double p = Math.Max(priorities[i], minPriority);
            destination[i] = (float)(Math.Pow(rows * (p / total), -beta) / maxWeight);
        }
    }
}
