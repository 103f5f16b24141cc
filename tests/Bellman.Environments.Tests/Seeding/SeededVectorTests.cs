using Bellman.Environments.Vector;
using Xunit;

namespace Bellman.Environments.Tests.Seeding;

/// <summary>
/// A vector of CartPoles reset with seed k starts environment i at Gymnasium's <c>reset(seed=k+i)</c>, and
/// its same-step autoreset continues that environment's generator, so the first episode after an end starts
/// at Gymnasium's next unseeded <c>reset()</c>.
/// </summary>
public sealed class SeededVectorTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SubEnvironmentsStartAtGymnasiumsSeedPlusIAndAutoresetContinuesTheirGenerators(bool threaded)
    {
        var resets = GymSeeded.Load("resets_CartPole-v1").GetProperty("resets").EnumerateArray().ToArray();
        const int n = 5;
        var factories = Enumerable.Repeat<Func<Bellman.Core.Environments.IEnvironment>>(() => GymSeeded.Make("CartPole-v1", default), n).ToArray();
        using IVectorEnvironment vec = threaded ? new ThreadedVectorEnvironment(factories) : new SyncVectorEnvironment(factories);
        var obs = vec.Reset(seed: 0).ToArray();
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(i, resets[i].GetProperty("seed").GetInt32());
            Assert.Equal(GymSeeded.Numbers(resets[i].GetProperty("obs")), obs.Skip(4 * i).Take(4).Select(x => (double)x));
        }

        // Always push right: every pole falls within a few dozen steps; each restart is Gymnasium's next reset().
        var restarted = new bool[n];
        var actions = new int[n];
        Array.Fill(actions, 1);
        for (int t = 0; t < 200 && restarted.Contains(false); t++)
        {
            vec.Step(actions);
            for (int i = 0; i < n; i++)
            {
                if (!vec.EndedThisStep[i] || restarted[i]) continue;
                Assert.True(vec.Terminated[i]);
                var want = GymSeeded.Numbers(resets[i].GetProperty("then")[0].GetProperty("obs"));
                Assert.Equal(want, vec.Observations.Slice(4 * i, 4).ToArray().Select(x => (double)x));
                restarted[i] = true;
            }
        }
        Assert.DoesNotContain(false, restarted);
    }
}
