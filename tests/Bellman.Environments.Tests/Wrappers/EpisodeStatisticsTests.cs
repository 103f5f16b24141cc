using Xunit;
using Bellman.Environments.Wrappers;

namespace Bellman.Environments.Tests.Wrappers;

public sealed class EpisodeStatisticsTests
{
    [Fact]
    public void SumsRewardsAndCountsStepsPerEpisode()
    {
        var env = new EpisodeStatistics(new ScriptedEnv([0, 0, 0, 0, 0], [1, 2.5, -0.5, 4], [false, false, true, false]));
        env.Reset();
        env.Step(0);
        env.Step(0);
        Assert.False(env.EpisodeEnded);
        Assert.Null(env.LastEpisode);
        Assert.Equal(3.5, env.EpisodeReturn);
        Assert.Equal(2, env.EpisodeLength);

        env.Step(0);
        Assert.True(env.EpisodeEnded);
        Assert.Equal(new EpisodeStats(3.0, 3), env.LastEpisode);
        Assert.Equal(1, env.EpisodeCount);

        env.Reset();
        Assert.False(env.EpisodeEnded);
        env.Step(0);
        Assert.Equal(4.0, env.EpisodeReturn);
        Assert.Equal(1, env.EpisodeLength);
        Assert.Equal(new EpisodeStats(3.0, 3), env.LastEpisode);
    }

    [Fact]
    public void TruncationByTimeLimitEndsAnEpisode()
    {
        var inner = new CounterEnv();
        var env = new EpisodeStatistics(new TimeLimit(inner, 4));
        env.Reset(seed: 7);
        double sum = 0;
        for (int t = 0; t < 4; t++) sum += env.Step(t % 2).Reward;
        Assert.True(env.EpisodeEnded);
        Assert.Equal(new EpisodeStats(sum, 4), env.LastEpisode);
    }
}
