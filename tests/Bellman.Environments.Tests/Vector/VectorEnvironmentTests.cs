using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Environments.Vector;
using Bellman.Environments.Wrappers;
using Xunit;

namespace Bellman.Environments.Tests.Vector;

public sealed class VectorEnvironmentTests
{
    // Episodes end by termination (position 5 or -3) and by truncation at 6 steps.
    private static IEnvironment MakeCounter() => new TimeLimit(new CounterEnv(), 6);

    private static Func<IEnvironment>[] Factories(int n) => Enumerable.Repeat<Func<IEnvironment>>(MakeCounter, n).ToArray();

    [Fact]
    public void ResetSeedsEnvironmentIWithSeedPlusI()
    {
        using var vec = new SyncVectorEnvironment(Factories(4));
        var obs = vec.Reset(seed: 100).ToArray();
        for (int i = 0; i < 4; i++)
        {
            var single = MakeCounter().Reset(100 + i).ToArray();
            Assert.Equal(single, obs.AsSpan(i * 2, 2).ToArray());
        }
        Assert.Equal(2, vec.ObservationSize);
        Assert.Equal(1, vec.ActionSize);
    }

    [Fact]
    public void SameStepAutoresetMatchesSingleEnvironmentsStepByStep()
    {
        const int n = 3, steps = 400;
        using var vec = new SyncVectorEnvironment(Factories(n));
        vec.Reset(seed: 5);
        var singles = new IEnvironment[n];
        for (int i = 0; i < n; i++)
        {
            singles[i] = MakeCounter();
            singles[i].Reset(5 + i);
        }
        var rng = new Rng(9);
        var actions = new int[n];
        var returns = new double[n];
        var lengths = new int[n];
        int terminations = 0, truncations = 0;
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < n; i++) actions[i] = rng.NextInt(2);
            vec.Step(actions);
            for (int i = 0; i < n; i++)
            {
                var r = singles[i].Step(actions[i]);
                returns[i] += r.Reward;
                lengths[i]++;
                Assert.Equal(r.Reward, vec.Rewards[i]);
                Assert.Equal(r.Terminated, vec.Terminated[i]);
                Assert.Equal(r.Truncated, vec.Truncated[i]);
                Assert.Equal(r.NeedsReset, vec.EndedThisStep[i]);
                if (r.NeedsReset)
                {
                    terminations += r.Terminated ? 1 : 0;
                    truncations += r.Truncated ? 1 : 0;
                    Assert.Equal(singles[i].Observation.ToArray(), vec.FinalObservations.Slice(i * 2, 2).ToArray());
                    Assert.Equal(returns[i], vec.FinalReturns[i]);
                    Assert.Equal(lengths[i], vec.FinalLengths[i]);
                    returns[i] = 0;
                    lengths[i] = 0;
                    singles[i].Reset();
                }
                Assert.Equal(singles[i].Observation.ToArray(), vec.Observations.Slice(i * 2, 2).ToArray());
            }
        }
        Assert.True(terminations > 10 && truncations > 10, $"{terminations} terminations, {truncations} truncations");
    }

    [Theory]
    [InlineData(5, 2)]
    [InlineData(7, 3)]
    [InlineData(4, 4)]
    public void ThreadedEqualsSyncBitForBit(int n, int workers)
    {
        using var sync = new SyncVectorEnvironment(Factories(n));
        using var threaded = new ThreadedVectorEnvironment(Factories(n), workers);
        Assert.Equal(workers, threaded.Workers);
        Assert.Equal(sync.Reset(seed: 42).ToArray(), threaded.Reset(seed: 42).ToArray());
        var rng = new Rng(1);
        var actions = new int[n];
        int ended = 0;
        for (int t = 0; t < 2000; t++)
        {
            for (int i = 0; i < n; i++) actions[i] = rng.NextInt(2);
            sync.Step(actions);
            threaded.Step(actions);
            Assert.True(sync.Observations.SequenceEqual(threaded.Observations));
            Assert.True(sync.Rewards.SequenceEqual(threaded.Rewards));
            Assert.True(sync.Terminated.SequenceEqual(threaded.Terminated));
            Assert.True(sync.Truncated.SequenceEqual(threaded.Truncated));
            Assert.True(sync.EndedThisStep.SequenceEqual(threaded.EndedThisStep));
            for (int i = 0; i < n; i++)
            {
                if (!sync.EndedThisStep[i]) continue;
                ended++;
                Assert.True(sync.FinalObservations.Slice(i * 2, 2).SequenceEqual(threaded.FinalObservations.Slice(i * 2, 2)));
                Assert.Equal(sync.FinalReturns[i], threaded.FinalReturns[i]);
            }
        }
        Assert.True(ended > 500);
    }

    [Fact]
    public void FloatActionsReachEachEnvironmentRow()
    {
        using var vec = new ThreadedVectorEnvironment(() => new BoxEnv(), 3, workers: 2);
        vec.Reset(seed: 0);
        vec.Step([0.5f, -0.5f, 1f, 1.5f, -2f, 2f]);
        for (int i = 0; i < 3; i++)
        {
            var env = (BoxEnv)vec.Environments[i];
            Assert.Equal(vec.Observations.Slice(i * 3, 2).ToArray(), env.LastAction);
        }
        Assert.Equal(-0.5, vec.Rewards[0]);
        Assert.Equal(-8.0, vec.Rewards[2]);
    }

    [Fact]
    public void BadCallsGiveClearErrors()
    {
        using var vec = new ThreadedVectorEnvironment(Factories(3), workers: 2);
        Assert.Throws<EpisodeEndedException>(() => vec.Step([0, 1, 0]));
        vec.Reset(seed: 0);
        Assert.Throws<ArgumentException>(() => vec.Step([0, 1]));
        var e = Assert.Throws<InvalidActionException>(() => vec.Step([0, 1, 7]));
        Assert.StartsWith("Vector environment 2: ", e.Message);
        Assert.Contains("action 7", e.Message);
        Assert.Throws<EpisodeEndedException>(() => vec.Step([0, 1, 0]));
        vec.Reset(seed: 0);
        vec.Step([0, 1, 0]);

        Assert.Throws<ArgumentException>(() => new SyncVectorEnvironment([MakeCounter, () => new BoxEnv()]));
        Assert.Throws<ArgumentException>(() => new SyncVectorEnvironment([]));
    }

    [Fact]
    public void SyncStepAllocatesNothing()
    {
        using var vec = new SyncVectorEnvironment(Factories(8));
        vec.Reset(seed: 0);
        var actions = new int[8];
        var floats = new float[8];
        for (int t = 0; t < 100; t++)
        {
            vec.Step(actions);
            vec.Step(floats);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 1000; t++)
        {
            actions[t % 8] ^= 1;
            floats[(t + 3) % 8] = actions[t % 8];
            vec.Step(actions);
            vec.Step(floats);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void DisposeStopsWorkers()
    {
        var vec = new ThreadedVectorEnvironment(Factories(4), workers: 4);
        vec.Reset(seed: 1);
        vec.Step([1, 1, 1, 1]);
        vec.Dispose();
        vec.Dispose();
        Assert.Throws<ObjectDisposedException>(() => vec.Step([1, 1, 1, 1]));
    }
}
