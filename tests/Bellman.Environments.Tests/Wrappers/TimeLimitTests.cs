using Xunit;
using Bellman.Core.Environments;
using Bellman.Environments.Wrappers;

namespace Bellman.Environments.Tests.Wrappers;

public sealed class TimeLimitTests
{
    [Fact]
    public void TruncatesExactlyAtTheLimitAndCountsSteps()
    {
        var env = new TimeLimit(new CounterEnv(), 3);
        env.Reset(seed: 1);
        int[] actions = [1, 0, 1];
        for (int t = 0; t < 3; t++)
        {
            var r = env.Step(actions[t]);
            Assert.False(r.Terminated);
            Assert.Equal(t == 2, r.Truncated);
            Assert.Equal(t + 1, env.ElapsedSteps);
        }
    }

    [Fact]
    public void SteppingAfterTruncationThrowsUntilReset()
    {
        var env = new TimeLimit(new CounterEnv(), 2);
        env.Reset(seed: 3);
        env.Step(1);
        Assert.True(env.Step(0).Truncated);
        var e = Assert.Throws<EpisodeEndedException>(() => env.Step(1));
        Assert.Contains("time limit of 2 steps", e.Message);
        env.Reset();
        Assert.Equal(0, env.ElapsedSteps);
        Assert.False(env.Step(1).NeedsReset);
    }

    [Fact]
    public void TerminationAtTheLimitReportsBothFlagsAsGymnasium()
    {
        // Gymnasium's TimeLimit sets truncated whenever the count reaches the limit, even on a terminal step;
        // learners give Terminated precedence (no bootstrap).
        var env = new TimeLimit(new ScriptedEnv([0, 1, 2], [0, 0], [false, true]), 2);
        env.Reset();
        Assert.False(env.Step(0).NeedsReset);
        var last = env.Step(0);
        Assert.True(last.Terminated);
        Assert.True(last.Truncated);
        var e = Assert.Throws<EpisodeEndedException>(() => env.Step(0));
        Assert.Contains("terminated", e.Message);
    }

    [Fact]
    public void TerminationBeforeTheLimitIsNotTruncation()
    {
        var env = new TimeLimit(new ScriptedEnv([0, 1], [0], [true]), 10);
        env.Reset();
        var r = env.Step(0);
        Assert.True(r.Terminated);
        Assert.False(r.Truncated);
    }

    [Fact]
    public void RejectsNonPositiveLimitAndForwardsSpecAndUnwrapped()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeLimit(new CounterEnv(), 0));
        var inner = new CounterEnv();
        var env = new EpisodeStatistics(new TimeLimit(inner, 5));
        env.Spec = new EnvSpec("Counter-v0", 5);
        Assert.Same(inner, env.Unwrapped);
        Assert.Equal("Counter-v0", inner.Spec!.Id);
        Assert.Equal("Counter-v0", env.Name);
        Assert.Equal(5, env.Find<TimeLimit>()!.MaxEpisodeSteps);
        Assert.Null(inner.Find<TimeLimit>());
    }
}
