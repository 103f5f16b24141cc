using Bellman.Algorithms.Replay;
using Bellman.Core.Random;

namespace Bellman.Algorithms.Tests.Replay;

public class ReplayBufferTests
{
    private static float[] Obs(float v) => [v, -v];

    [Fact]
    public void WrapsAroundKeepingTheNewestTransitions()
    {
        var buffer = new ReplayBuffer(capacity: 5, observationSize: 2, actionSize: 1, discreteActions: true);
        for (int t = 0; t < 12; t++) buffer.Add(Obs(t), t % 3, t, Obs(t + 1), false, false);
        Assert.Equal(5, buffer.Count);
        Assert.Equal(12, buffer.TotalAdded);
        var batch = new ReplayBatch(400, 2, 1);
        buffer.Sample(new Rng(1), batch, gamma: 0.9);
        var seen = new HashSet<float>();
        for (int i = 0; i < batch.Size; i++)
        {
            float s = batch.Observations[2 * i];
            seen.Add(s);
            Assert.Equal(s, batch.Returns[i]);                   // reward t stored with s = t
            Assert.Equal(s + 1, batch.NextObservations[2 * i]);   // s' = s_{t+1}
            Assert.Equal(-(s + 1), batch.NextObservations[2 * i + 1]);
            Assert.Equal((int)s % 3, batch.DiscreteActions[i]);
            Assert.Equal(0.9f, batch.Discounts[i]);
        }
        Assert.Equal(new HashSet<float> { 7, 8, 9, 10, 11 }, seen);
    }

    [Fact]
    public void SamplesUniformly()
    {
        var buffer = new ReplayBuffer(10, 1, 1, true);
        for (int t = 0; t < 10; t++) buffer.Add([t], 0, 0, [t + 1], false, false);
        var counts = new int[10];
        var batch = new ReplayBatch(100, 1, 1);
        var rng = new Rng(3);
        for (int k = 0; k < 500; k++)
        {
            buffer.Sample(rng, batch, 0.99);
            for (int i = 0; i < batch.Size; i++) counts[(int)batch.Observations[i]]++;
        }
        double expected = 50_000 / 10.0;
        double chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.True(chi2 < 27.88, $"chi-square {chi2} over 9 dof exceeds the 0.001 critical value");
    }

    [Fact]
    public void EpisodeEndsKeepTheTrueFinalObservation()
    {
        var buffer = new ReplayBuffer(8, 2, 1, true);
        // episode 1: 0 -> 1 -> 2 (truncated, final obs 2); episode 2 starts at 100 -> 101 (terminated, final obs 101)
        buffer.Add(Obs(0), 0, 1, Obs(1), false, false);
        buffer.Add(Obs(1), 0, 1, Obs(2), false, true);
        buffer.Add(Obs(100), 0, 1, Obs(101), true, false);
        buffer.Add(Obs(200), 0, 1, Obs(201), false, false);
        var batch = new ReplayBatch(200, 2, 1);
        buffer.Sample(new Rng(5), batch, 0.5);
        for (int i = 0; i < batch.Size; i++)
        {
            float s = batch.Observations[2 * i], next = batch.NextObservations[2 * i];
            switch (s)
            {
                case 0: Assert.Equal(1, next); Assert.Equal(0.5f, batch.Discounts[i]); break;
                case 1: Assert.Equal(2, next); Assert.Equal(0.5f, batch.Discounts[i]); break;     // truncation bootstraps from the final obs
                case 100: Assert.Equal(101, next); Assert.Equal(0f, batch.Discounts[i]); break;   // termination does not bootstrap
                case 200: Assert.Equal(201, next); break;
                default: Assert.Fail($"unexpected s {s}"); break;
            }
        }
    }

    [Fact]
    public void NStepReturnsMatchHandComputedEpisodes()
    {
        // Stream: s0 -r1-> s1 -r2-> s2 -r4-> s3 (terminated); s10 -r8-> s11 -r16-> s12 (truncated); s20 -r32-> s21 (newest)
        var buffer = new ReplayBuffer(16, 1, 1, true);
        buffer.Add([0], 0, 1, [1], false, false);
        buffer.Add([1], 0, 2, [2], false, false);
        buffer.Add([2], 0, 4, [3], true, false);
        buffer.Add([10], 0, 8, [11], false, false);
        buffer.Add([11], 0, 16, [12], false, true);
        buffer.Add([20], 0, 32, [21], false, false);
        const double g = 0.5;
        var expected = new Dictionary<float, (double Return, double Discount, float Next)>
        {
            [0] = (1 + g * 2 + g * g * 4, 0, 3),   // stops at termination: no bootstrap
            [1] = (2 + g * 4, 0, 3),
            [2] = (4, 0, 3),
            [10] = (8 + g * 16, g * g, 12),        // truncated after 2 steps: bootstrap from the final obs with γ²
            [11] = (16, g, 12),
            [20] = (32, g, 21),                    // newest transition: the n-step return is cut at the data's end
        };
        var batch = new ReplayBatch(300, 1, 1);
        buffer.Sample(new Rng(2), batch, g, nSteps: 3);
        var seen = new HashSet<float>();
        for (int i = 0; i < batch.Size; i++)
        {
            var e = expected[batch.Observations[i]];
            seen.Add(batch.Observations[i]);
            Assert.Equal((float)e.Return, batch.Returns[i]);
            Assert.Equal((float)e.Discount, batch.Discounts[i]);
            Assert.Equal(e.Next, batch.NextObservations[i]);
        }
        Assert.Equal(6, seen.Count);
    }

    [Fact]
    public void NStepStopsAtNSteps()
    {
        var buffer = new ReplayBuffer(16, 1, 1, true);
        for (int t = 0; t < 6; t++) buffer.Add([t], 0, 1, [t + 1], false, false);
        var batch = new ReplayBatch(200, 1, 1);
        buffer.Sample(new Rng(4), batch, 0.5, nSteps: 2);
        for (int i = 0; i < batch.Size; i++)
        {
            float s = batch.Observations[i];
            if (s < 5)
            {
                Assert.Equal(1.5f, batch.Returns[i]);
                Assert.Equal(0.25f, batch.Discounts[i]);
                Assert.Equal(s + 2, batch.NextObservations[i]);
            }
        }
    }

    [Fact]
    public void ParallelStreamsKeepTheirOwnSuccessors()
    {
        var buffer = new ReplayBuffer(8, 1, 2, discreteActions: false, numEnvs: 2);
        for (int t = 0; t < 6; t++)
        {
            buffer.Add([t], [t, 0], 0, [t + 1], false, false, env: 0);
            buffer.Add([100 + t], [t, 1], 0, [101 + t], false, false, env: 1);
        }
        Assert.Equal(8, buffer.Count);
        var batch = new ReplayBatch(100, 1, 2);
        buffer.Sample(new Rng(8), batch, 0.9, nSteps: 2);
        for (int i = 0; i < batch.Size; i++)
        {
            float s = batch.Observations[i];
            float env = batch.Actions[2 * i + 1];
            Assert.Equal(s >= 100 ? 1 : 0, env);
            Assert.True(s is >= 2 and <= 5 or >= 102 and <= 105, $"s {s} should have been overwritten");
            float last = s >= 100 ? 105 : 5;
            Assert.Equal(Math.Min(s + 2, last + 1), batch.NextObservations[i]);
        }
    }

    [Fact]
    public void StoresEachObservationOnceWithinTheMemoryBudget()
    {
        // 1M CartPole transitions: raw = s (16 B) + s' (16 B) + action (4 B) + reward (4 B) + two flags (2 B) = 42 B.
        var buffer = new ReplayBuffer(1_000_000, 4, 1, true);
        double raw = 1_000_000 * 42.0;
        Assert.True(buffer.AllocatedBytes <= 1.25 * raw, $"{buffer.AllocatedBytes} bytes is more than 1.25 × {raw}");
        // Many short episodes make the side ring of final observations grow, still bounded.
        var small = new ReplayBuffer(64, 4, 1, true);
        var o = new float[4];
        for (int t = 0; t < 1000; t++) small.Add(o, 0, 0, o, true, false);
        Assert.True(small.AllocatedBytes < 64 * 100, $"{small.AllocatedBytes} bytes");
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplayBuffer(0, 4, 1, true));
        var buffer = new ReplayBuffer(4, 2, 1, true);
        Assert.Throws<ArgumentException>(() => buffer.Add([1f], 0, 0, [1f, 2f], false, false));
        Assert.Throws<InvalidOperationException>(() => buffer.Sample(new Rng(1), new ReplayBatch(2, 2, 1), 0.9));
    }
}
