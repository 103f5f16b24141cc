using Bellman.Algorithms.Replay;
using Bellman.Core.Random;

namespace Bellman.Algorithms.Tests.Replay;

public class PrioritizedReplayTests
{
    [Fact]
    public void SumTreeSamplesProportionallyToPriorities()
    {
        var tree = new SumTree(5);
        double[] p = [1, 0, 2, 3, 4];
        for (int i = 0; i < p.Length; i++) tree[i] = p[i];
        Assert.Equal(10, tree.Total);
        Assert.Equal(1, tree.MinPositive);
        var rng = new Rng(11);
        var counts = new int[5];
        const int draws = 100_000;
        for (int k = 0; k < draws; k++) counts[tree.Find(rng.NextDouble() * tree.Total)]++;
        Assert.Equal(0, counts[1]);
        double chi2 = 0;
        foreach (int i in new[] { 0, 2, 3, 4 })
        {
            double expected = draws * p[i] / 10;
            chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
        }
        Assert.True(chi2 < 16.27, $"chi-square {chi2} over 3 dof exceeds the 0.001 critical value");
    }

    [Fact]
    public void SumTreeUpdatesKeepTotals()
    {
        var tree = new SumTree(7);
        for (int i = 0; i < 7; i++) tree[i] = i + 1;
        tree[3] = 0.5;
        Assert.Equal(28 - 4 + 0.5, tree.Total, 12);
        Assert.Equal(0.5, tree.MinPositive);
        Assert.Equal(3, tree.Find(1 + 2 + 3 + 0.25));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree[7] = 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => tree[0] = double.NaN);
    }

    [Fact]
    public void SamplesByPriorityWithImportanceWeights()
    {
        var buffer = new PrioritizedReplayBuffer(4, 1, 1, true, alpha: 1.0, epsilon: 1e-9);
        for (int t = 0; t < 4; t++) buffer.Add([t], 0, 0, [t + 1], false, false);
        buffer.UpdatePriorities([0, 1, 2, 3], [1f, 1f, 2f, 4f]);
        var batch = new ReplayBatch(8, 1, 1);
        var counts = new int[4];
        var rng = new Rng(6);
        for (int k = 0; k < 5000; k++)
        {
            buffer.Sample(rng, batch, 0.9, nSteps: 1, beta: 0.5);
            for (int i = 0; i < batch.Size; i++)
            {
                int s = (int)batch.Observations[i];
                counts[s]++;
                // P = (1, 1, 2, 4) / 8; w ∝ (4 P)^-0.5, normalised by the largest weight (that of P = 1/8).
                double pr = new[] { 1, 1, 2, 4 }[s] / 8.0;
                double w = Math.Pow(4 * pr, -0.5) / Math.Pow(4 * (1 / 8.0), -0.5);
                Assert.Equal((float)w, batch.Weights[i], 5);
                Assert.Equal(s, batch.Indices[i]);
            }
        }
        double total = counts.Sum();
        Assert.InRange(counts[3] / total, 0.49, 0.51);
        Assert.InRange(counts[2] / total, 0.24, 0.26);
    }

    [Fact]
    public void NewTransitionsGetTheMaximumPriority()
    {
        var buffer = new PrioritizedReplayBuffer(4, 1, 1, true, alpha: 0.5);
        buffer.Add([0], 0, 0, [1], false, false);
        buffer.UpdatePriorities([0], [8.999999f]);
        buffer.Add([1], 0, 0, [2], false, false);
        Assert.Equal(buffer.PriorityOf(0), buffer.PriorityOf(1), 9);
        Assert.Equal(3.0, buffer.PriorityOf(1), 5);
        Assert.Equal(0.0, buffer.PriorityOf(2));
    }
}
