using Bellman.Distributed.Replay;

namespace Bellman.Distributed.Tests.Replay;

public class ReplayShardTests
{
    private const int ObsSize = 3;

    // Row i of a batch: observation (start + i, 0, 0), action i mod 2, return start + i, initial priority priorities[i].
    internal static TransitionBatch Batch(float start, params float[] priorities)
    {
        int n = priorities.Length;
        var obs = new float[n * ObsSize];
        var next = new float[n * ObsSize];
        for (int i = 0; i < n; i++)
        {
            obs[i * ObsSize] = start + i;
            next[i * ObsSize] = start + i + 0.5f;
        }
        return new TransitionBatch
        {
            ObservationSize = ObsSize, Observations = obs, NextObservations = next, Actions = [.. Enumerable.Range(0, n).Select(i => i % 2)],
            Returns = [.. Enumerable.Range(0, n).Select(i => start + i)], Discounts = [.. Enumerable.Repeat(0.99f, n)], Priorities = priorities, EnvironmentSteps = n,
        };
    }

    [Fact]
    public void Sampling_across_two_shards_is_proportional_to_priority()
    {
        // α = 1: p^α = |δ| + ε. Seven rows over two shards, total 16.5.
        var a = new ReplayShard(8, ObsSize, 2, alpha: 1, epsilon: 1e-9);
        var b = new ReplayShard(8, ObsSize, 2, alpha: 1, epsilon: 1e-9);
        a.Insert(Batch(0, 1, 2, 3, 4));
        b.Insert(Batch(100, 5, 1, 0.5f));
        double[] expected = [1, 2, 3, 4, 5, 1, 0.5];
        double total = expected.Sum();
        var counts = new long[7];
        var rng = new Rng(7);
        const int batches = 2000, size = 32;
        for (int k = 0; k < batches; k++)
        {
            var masses = ShardSampler.Split([a.TotalPriority, b.TotalPriority], size, rng);
            // Stratified: shard A gets B · T_A / T rows, give or take one.
            Assert.InRange(masses[0].Length, Math.Floor(size * 10 / total) - 1, Math.Ceiling(size * 10 / total) + 1);
            foreach (var key in a.SampleAt(masses[0]).Keys) counts[key]++;
            foreach (var key in b.SampleAt(masses[1]).Keys) counts[4 + key]++;
        }
        double n = batches * size, chi2 = 0;
        for (int i = 0; i < 7; i++)
        {
            double e = n * expected[i] / total;
            chi2 += (counts[i] - e) * (counts[i] - e) / e;
        }
        // 6 degrees of freedom: P(χ² > 22.46) = 0.001.
        Assert.True(chi2 < 22.46, $"chi-square {chi2:0.##} with counts {string.Join(", ", counts)}");
    }

    [Fact]
    public void Split_gives_every_row_to_the_only_shard_with_mass()
    {
        var masses = ShardSampler.Split([0, 5, 0], 16, new Rng(1));
        Assert.Empty(masses[0]);
        Assert.Equal(16, masses[1].Length);
        Assert.Empty(masses[2]);
        Assert.All(masses[1], m => Assert.InRange(m, 0, 5));
    }

    [Fact]
    public void Importance_weights_match_hand_computed_values()
    {
        // N = 4, T = 10, p_min = 1, β = 0.5: w = (4 p / 10)^-0.5 / (0.4)^-0.5 = sqrt(1 / p).
        var w = new float[3];
        ShardSampler.Weights([1, 4, 0.25], total: 10, minPriority: 1, rows: 4, beta: 0.5, w);
        Assert.Equal(1f, w[0], 6);
        Assert.Equal(0.5f, w[1], 6);
        Assert.Equal(1f, w[2], 6); // below p_min (arrived after sampling): capped at 1
    }

    [Fact]
    public void A_priority_update_for_an_overwritten_row_is_ignored()
    {
        var shard = new ReplayShard(4, ObsSize, 2, alpha: 1, epsilon: 1e-9);
        shard.Insert(Batch(0, 1, 1, 1, 1));
        var sampled = shard.SampleAt([0.5]); // key 0
        Assert.Equal(0, sampled.Keys[0]);
        shard.Insert(Batch(10, 7, 7, 7, 7)); // keys 4..7 overwrite slots 0..3
        Assert.Equal(0, shard.UpdatePriorities(sampled.Keys, [100f]));
        Assert.Equal(1, shard.StaleUpdates);
        Assert.Null(shard.PriorityOf(0));
        Assert.Equal(7, shard.PriorityOf(4)!.Value, 6);
        Assert.Equal(28, shard.TotalPriority, 6);
        // A live key is updated.
        Assert.Equal(1, shard.UpdatePriorities([5], [2f]));
        Assert.Equal(2, shard.PriorityOf(5)!.Value, 6);
    }

    [Fact]
    public void Sampled_rows_are_the_stored_rows()
    {
        var shard = new ReplayShard(8, ObsSize, 2, alpha: 1, epsilon: 1e-9);
        shard.Insert(Batch(0, 1, 1, 1));
        var s = shard.SampleAt([2.5]); // third row
        Assert.Equal(2, s.Keys[0]);
        Assert.Equal([2f, 0, 0], s.Rows.Observations);
        Assert.Equal([2.5f, 0, 0], s.Rows.NextObservations);
        Assert.Equal(0, s.Rows.Actions[0]);
        Assert.Equal(2f, s.Rows.Returns[0]);
        Assert.Equal(0.99f, s.Rows.Discounts[0]);
    }

    [Theory]
    [InlineData("observation size")]
    [InlineData("nan reward")]
    [InlineData("action")]
    [InlineData("too many rows")]
    public void A_malformed_batch_is_refused_and_leaves_the_shard_unchanged(string fault)
    {
        var shard = new ReplayShard(8, ObsSize, 2, alpha: 1, epsilon: 1e-9, maxBatchRows: 16);
        shard.Insert(Batch(0, 1, 2, 3));
        var before = shard.Stats();
        var rowsBefore = shard.SampleAt([0.5, 2.5, 5.5]);
        var good = Batch(50, 9, 9);
        var bad = fault switch
        {
            "observation size" => good with { ObservationSize = ObsSize + 1 },
            "nan reward" => good with { Returns = [1f, float.NaN] },
            "action" => good with { Actions = [0, 2] },
            _ => Batch(50, [.. Enumerable.Repeat(1f, 17)]),
        };
        var result = shard.Insert(bad);
        Assert.Equal(InsertStatus.Refused, result.Status);
        Assert.False(string.IsNullOrEmpty(result.Reason));
        var after = shard.Stats();
        Assert.Equal(before.Size, after.Size);
        Assert.Equal(before.TotalPriority, after.TotalPriority);
        Assert.Equal(before.Inserted, after.Inserted);
        Assert.Equal(1, after.Refused);
        var rowsAfter = shard.SampleAt([0.5, 2.5, 5.5]);
        Assert.Equal(rowsBefore.Keys, rowsAfter.Keys);
        Assert.Equal(rowsBefore.Rows.Observations, rowsAfter.Rows.Observations);
        Assert.Equal(rowsBefore.Rows.Returns, rowsAfter.Rows.Returns);
    }

    [Fact]
    public void The_validator_names_the_problem()
    {
        Assert.Contains("observation size 4, expected 3", BatchValidator.Problem(Batch(0, 1) with { ObservationSize = 4 }, 3, 2, 64));
        Assert.Contains("not finite", BatchValidator.Problem(Batch(0, 1) with { Returns = [float.NaN] }, 3, 2, 64));
        Assert.Null(BatchValidator.Problem(Batch(0, 1, 2), 3, 2, 64));
    }
}
