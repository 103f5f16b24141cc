using Bellman.Algorithms.Training;
using Bellman.Environments;

namespace Bellman.Algorithms.Tests.Training;

public class EvaluationTests
{
    [Fact]
    public void RunsSeededEpisodesAndReportsMeanAndStd()
    {
        var env = EnvRegistry.Default.Make("CartPole-v1");
        // Push right when the pole leans right: a decent balancing rule.
        var a = Evaluation.Run(env, (obs, action) => action[0] = obs[2] > 0 ? 1 : 0, episodes: 4, seed: 10);
        var b = Evaluation.Run(env, (obs, action) => action[0] = obs[2] > 0 ? 1 : 0, episodes: 4, seed: 10);
        Assert.Equal(a.Returns, b.Returns);
        Assert.Equal(4, a.Returns.Count);
        Assert.Equal(a.Returns.Average(), a.MeanReturn, 12);
        Assert.True(a.MeanReturn > 25, $"{a.MeanReturn}");
    }

    [Fact]
    public void AnEpisodeWithoutATimeLimitIsCut()
    {
        // CliffWalking has no time limit; always moving Up from the start never ends an episode.
        var env = EnvRegistry.Default.Make("CliffWalking-v1");
        var r = Evaluation.Run(env, (_, action) => action[0] = 0, episodes: 2, seed: 0, maxEpisodeSteps: 50);
        Assert.Equal([-50.0, -50.0], r.Returns);
    }
}
