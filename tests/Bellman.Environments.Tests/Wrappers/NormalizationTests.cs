using Xunit;
using Bellman.Core.Random;
using Bellman.Environments.Wrappers;

namespace Bellman.Environments.Tests.Wrappers;

/// <summary>
/// Expected values were computed by hand-following gymnasium/wrappers/utils.py (RunningMeanStd) and the
/// wrappers' step code in Python: float64 for rewards; float32 for observations, each operation rounded to
/// float32 as NumPy does for a float32 array and a Python-float count.
/// </summary>
public sealed class NormalizationTests
{
    [Fact]
    public void ObservationNormalisationMatchesHandComputedFloat32Statistics()
    {
        var env = new NormalizeObservation(new ScriptedEnv([2f, -1f, 0.5f], [0, 0], [false, false]));
        float first = env.Reset()[0];
        Assert.Equal(0x3c129439u, BitConverter.SingleToUInt32Bits(first)); // 0.0089464718...
        Assert.Equal(1.9997999668121338f, env.Statistics.Mean[0]);
        Assert.Equal(0.0004999099764972925f, env.Statistics.Var[0]);
        Assert.Equal(1.0001, env.Statistics.Count);

        env.Step(0);
        Assert.Equal(0xbf7fffa0, BitConverter.SingleToUInt32Bits(env.Observation[0])); // -0.99999428
        Assert.Equal(0.4999748468399048f, env.Statistics.Mean[0]);
        Assert.Equal(2.249950408935547f, env.Statistics.Var[0]);

        env.Step(0);
        Assert.Equal(0x3765d82bu, BitConverter.SingleToUInt32Bits(env.Observation[0])); // 1.3699794e-05
        Assert.Equal(1.4999918937683105f, env.Statistics.Var[0]);
        Assert.Equal(3.0001, env.Statistics.Count, 12);
    }

    [Fact]
    public void ObservationSpaceBecomesUnboundedBox()
    {
        var env = new NormalizeObservation(new CounterEnv());
        Assert.Equal("Box(-inf, inf, (2,), float32)", env.ObservationSpace.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new NormalizeObservation(new CounterEnv(), epsilon: 0));
    }

    [Fact]
    public void RewardNormalisationMatchesHandComputedDiscountedReturnStatistics()
    {
        // Rewards 1, 2, 3 (terminal), then 4 after a reset; gamma 0.5. The discounted return is zeroed on the
        // terminal step itself (R = γR(1−terminated) + r) and not by Reset, as in Gymnasium.
        var env = new NormalizeReward(new ScriptedEnv([0, 0, 0, 0, 0], [1, 2, 3, 4], [false, false, true, false]), gamma: 0.5);
        env.Reset();
        double[] expectedReturn = [1.0, 2.5, 3.0, 5.5];
        double[] expectedMean = [0.9999000099990001, 1.7499125043747812, 2.1665944468517715, 2.999925001874953];
        double[] expectedVar = [0.00019997000399950008, 0.5626749835949532, 0.7223879522227543, 2.6251843647660222];
        double[] expectedReward = [70.71421321062337, 2.6662519637921394, 3.5296854487502594, 2.4687669002835317];
        for (int t = 0; t < 4; t++)
        {
            if (t == 3) env.Reset();
            var r = env.Step(0);
            Assert.Equal(expectedReturn[t], env.DiscountedReturn);
            Assert.Equal(expectedMean[t], env.Statistics.Mean[0]);
            Assert.Equal(expectedVar[t], env.Statistics.Var[0]);
            Assert.Equal(expectedReward[t], r.Reward);
        }
    }

    [Fact]
    public void RunningStatisticsConvergeToSampleMeanAndPopulationVariance()
    {
        var rms = new RunningMeanStd<double>(2);
        var rng = new Rng(11);
        var xs = new double[2000];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = rng.Normal(3, 2);
            rms.Update([xs[i], -xs[i] * 0.5]);
        }
        double mean = xs.Average();
        double var = xs.Select(x => (x - mean) * (x - mean)).Average();
        // The pseudo-count 1e-4 at mean 0, variance 1 perturbs the result by O(1e-4 / n).
        Assert.Equal(mean, rms.Mean[0], 1e-6);
        Assert.Equal(var, rms.Var[0], 1e-5);
        Assert.Equal(-0.5 * mean, rms.Mean[1], 1e-6);
        Assert.Equal(0.25 * var, rms.Var[1], 1e-5);

        var batched = new RunningMeanStd<double>(1);
        batched.UpdateBatch(xs, xs.Length);
        Assert.Equal(mean, batched.Mean[0], 1e-6);
        Assert.Equal(var, batched.Var[0], 1e-5);
    }

    [Fact]
    public void FrozenStatisticsDoNotChange()
    {
        var env = new NormalizeReward(new CounterEnv());
        env.Reset(seed: 2);
        env.Step(1);
        env.UpdateRunningMean = false;
        var before = env.GetState();
        var r = env.Step(1);
        var after = env.GetState();
        Assert.Equal(before.ReturnStatistics.Mean, after.ReturnStatistics.Mean);
        Assert.Equal(before.ReturnStatistics.Count, after.ReturnStatistics.Count);
        Assert.NotEqual(before.DiscountedReturn, after.DiscountedReturn); // the return still runs
        Assert.Equal(r.Reward, (after.DiscountedReturn - 0.99 * before.DiscountedReturn) / Math.Sqrt(after.ReturnStatistics.Var[0] + 1e-8), 12);
    }

    [Fact]
    public void RewardStateRoundTripContinuesIdentically()
    {
        var a = new NormalizeReward(new CounterEnv(), gamma: 0.9);
        Run(a, seed: 1, steps: 50);
        var saved = a.GetState();
        var continued = Run(a, seed: 2, steps: 30);

        var b = new NormalizeReward(new CounterEnv(), gamma: 0.9);
        b.SetState(saved);
        Assert.Equal(continued, Run(b, seed: 2, steps: 30));

        var fresh = new NormalizeReward(new CounterEnv(), gamma: 0.9);
        Assert.NotEqual(continued, Run(fresh, seed: 2, steps: 30));
    }

    [Fact]
    public void ObservationStateRoundTripContinuesIdentically()
    {
        var a = new NormalizeObservation(new CounterEnv());
        Run(a, seed: 1, steps: 50);
        var saved = a.GetState();
        Assert.Equal(2, saved.Mean.Length);
        var continued = Observe(a, seed: 2, steps: 30);

        var b = new NormalizeObservation(new CounterEnv());
        b.SetState(saved);
        Assert.Equal(continued, Observe(b, seed: 2, steps: 30));
        Assert.NotEqual(continued, Observe(new NormalizeObservation(new CounterEnv()), seed: 2, steps: 30));

        Assert.Throws<ArgumentException>(() => b.SetState(saved with { Mean = [0.0] }));
    }

    private static double[] Run(Bellman.Core.Environments.IEnvironment env, int seed, int steps)
    {
        var rng = new Rng(seed);
        var rewards = new double[steps];
        env.Reset(seed);
        for (int t = 0; t < steps; t++)
        {
            var r = env.Step(rng.NextInt(2));
            rewards[t] = r.Reward;
            if (r.NeedsReset) env.Reset();
        }
        return rewards;
    }

    private static float[] Observe(Bellman.Core.Environments.IEnvironment env, int seed, int steps)
    {
        var rng = new Rng(seed);
        var obs = new List<float>(env.Reset(seed).ToArray());
        for (int t = 0; t < steps; t++)
        {
            var r = env.Step(rng.NextInt(2));
            obs.AddRange(env.Observation.ToArray());
            if (r.NeedsReset) obs.AddRange(env.Reset().ToArray());
        }
        return [.. obs];
    }
}
