using Bellman.Algorithms.ActorCritic;

namespace Bellman.Algorithms.Tests.ActorCritic;

public sealed class ReturnsTests
{
    private const float G = 0.5f;

    // One series: an episode of 3 steps that terminates (rewards 1, 2, 3), then an episode that runs
    // 2 more steps (rewards 4, 5) and is cut by the end of the rollout.
    private static readonly float[] R = [1, 2, 3, 4, 5];
    private static readonly bool[] Ended = [false, false, true, false, false];
    private static readonly bool[] Terminated = [false, false, true, false, false];

    [Fact]
    public void RewardToGoStopsAtEpisodeEnds()
    {
        var q = new float[5];
        Returns.RewardToGo(R, Ended, G, tail: 0f, q);
        // 3 = 3; 2 + .5·3 = 3.5; 1 + .5·3.5 = 2.75; 5; 4 + .5·5 = 6.5
        Assert.Equal([2.75f, 3.5f, 3f, 6.5f, 5f], q);
        Returns.RewardToGo(R, Ended, G, tail: 10f, q);
        // the open episode continues with 10: 5 + 5 = 10; 4 + 5 = 9; the closed one is unchanged
        Assert.Equal([2.75f, 3.5f, 3f, 9f, 10f], q);
        Returns.RewardToGo(R, Ended, 1f, 0f, q);
        Assert.Equal([6f, 5f, 3f, 9f, 5f], q);
    }

    [Fact]
    public void CompleteEpisodesAreTheStepsUpToTheLastEnd()
    {
        var valid = new bool[5];
        Assert.Equal(3, Returns.CompleteEpisodes(Ended, valid));
        Assert.Equal([true, true, true, false, false], valid);
        Assert.Equal(0, Returns.CompleteEpisodes(new bool[4], valid.AsSpan(0, 4)));
        Assert.Equal(5, Returns.CompleteEpisodes([false, false, false, false, true], valid));
    }

    [Fact]
    public void NStepReturnsBootstrapExceptAtTermination()
    {
        float[] next = [7, 7, 100, 7, 8]; // V(s_{t+1}); 100 after a termination must be ignored
        var g = new float[5];
        Returns.NStepReturns(R, next, Terminated, Ended, G, g);
        // t=4: 5 + .5·8 = 9; t=3: 4 + .5·9 = 8.5; t=2: 3 (terminal); t=1: 2 + 1.5 = 3.5; t=0: 1 + 1.75 = 2.75
        Assert.Equal([2.75f, 3.5f, 3f, 8.5f, 9f], g);
    }

    [Fact]
    public void TruncationBootstrapsFromTheFinalObservationAndTerminationDoesNot()
    {
        float[] r = [1, 1];
        float[] v = [0, 0];
        float[] next = [2, 6]; // V(s_1) after a truncated step = V(final observation) = 2
        var adv = new float[2];
        Returns.Gae(r, v, next, terminated: [false, false], ended: [true, false], G, 1f, adv);
        Assert.Equal([1 + G * 2, 1 + G * 6], adv);
        Returns.Gae(r, v, next, terminated: [true, false], ended: [true, false], G, 1f, adv);
        Assert.Equal([1f, 1 + G * 6], adv);
    }

    [Fact]
    public void GaeMatchesHandComputedDeltas()
    {
        float[] r = [1, 0, 2];
        float[] v = [0.5f, 1, 2];
        float[] next = [1, 2, 4];
        var adv = new float[3];
        const float lambda = 0.5f;
        Returns.Gae(r, v, next, [false, false, false], [false, false, false], G, lambda, adv);
        // δ = [1 + .5 − .5, 0 + 1 − 1, 2 + 2 − 2] = [1, 0, 2]; A2 = 2; A1 = 0 + .25·2 = .5; A0 = 1 + .25·.5 = 1.125
        Assert.Equal([1.125f, 0.5f, 2f], adv);
        // λ = 0: the lecture's one-step advantage r + γV(s') − V(s)
        Returns.Gae(r, v, next, [false, false, false], [false, false, false], G, 0f, adv);
        Assert.Equal([1f, 0f, 2f], adv);
    }

    [Fact]
    public void GaeWithLambdaOneIsTheNStepReturnMinusTheValue()
    {
        var rng = new Rng(5);
        for (int trial = 0; trial < 20; trial++)
        {
            int n = 1 + rng.NextInt(12);
            var r = new float[n]; var v = new float[n]; var next = new float[n]; var term = new bool[n]; var end = new bool[n];
            for (int t = 0; t < n; t++)
            {
                r[t] = (float)rng.NextNormal(); v[t] = (float)rng.NextNormal();
                end[t] = rng.Bernoulli(0.3); term[t] = end[t] && rng.Bernoulli(0.5);
            }
            for (int t = 0; t < n; t++) next[t] = end[t] || t == n - 1 ? (float)rng.NextNormal() : v[t + 1];
            var adv = new float[n]; var g = new float[n];
            Returns.Gae(r, v, next, term, end, 0.9f, 1f, adv);
            Returns.NStepReturns(r, next, term, end, 0.9f, g);
            for (int t = 0; t < n; t++) Assert.Equal(g[t] - v[t], adv[t], 4);
        }
    }

    [Fact]
    public void NormalizeGivesMeanZeroAndUnitSampleStd()
    {
        float[] x = [1, 2, 3, 4];
        Returns.Normalize(x);
        // mean 2.5, sample std √(5/3)
        float s = MathF.Sqrt(5f / 3f);
        Assert.Equal([-1.5f / s, -0.5f / s, 0.5f / s, 1.5f / s], x.Select(a => MathF.Round(a, 5)).ToArray(), (a, b) => MathF.Abs(a - MathF.Round(b, 5)) < 1e-5f);
        float[] one = [3];
        Returns.Normalize(one);
        Assert.Equal(3f, one[0]);
    }

    [Fact]
    public void MismatchedLengthsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => Returns.RewardToGo(R, Ended, G, 0, new float[4]));
        Assert.Throws<ArgumentException>(() => Returns.Gae(R, R, R, Terminated, Ended.AsSpan(0, 4), G, 1, new float[5]));
    }
}
