using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using static Bellman.Algorithms.Tests.Continuous.ContinuousTestKit;

namespace Bellman.Algorithms.Tests.Continuous;

/// <summary>
/// The agents' own gradient-step counters travel with their checkpoints: TD3's critic-update count (the phase of the
/// delayed actor and target updates) and SAC's (the phase of target_update_interval). An agent saved after an odd
/// number of updates, loaded into a fresh agent and trained on the same batches with the same generator gives the
/// same bits as the agent that was never interrupted.
/// </summary>
public sealed class CounterCheckpointTests
{
    private static readonly Box Observations = new(-8f, 8f, 3), Actions = new(-2f, 2f, 1);

    private static ReplayBatch Batch(Rng rng, int n = 16)
    {
        var batch = new ReplayBatch(n, 3, 1);
        for (int i = 0; i < n; i++)
            batch.Set(i, [(float)rng.Uniform(-1, 1), (float)rng.Uniform(-1, 1), (float)rng.Uniform(-8, 8)], [(float)rng.Uniform(-2, 2)], 0,
                -rng.Uniform(0, 16), 0.98f, [(float)rng.Uniform(-1, 1), (float)rng.Uniform(-1, 1), (float)rng.Uniform(-8, 8)]);
        return batch;
    }

    private static void Continue(IOffPolicyAgent agent, int steps, int seed)
    {
        var data = new Rng((ulong)seed);
        var update = new Rng((ulong)seed + 1);
        var td = new float[16];
        var metrics = new UpdateMetrics(agent.Metrics);
        for (int k = 0; k < steps; k++) agent.Train(Batch(data), td, new UpdateContext(0.5, update, metrics));
    }

    private static float[] All(IAgent agent) => [.. agent.Networks.SelectMany(n => Values(n.Module))];

    public static TheoryData<string> Agents => new() { "td3", "sac" };

    private static IOffPolicyAgent Make(string name) => name switch
    {
        "td3" => new Td3Agent(Observations, Actions, new Td3Options { NetArch = [8, 8], BatchSize = 16, PolicyDelay = 2 }, new Rng(4), "td3"),
        _ => new SacAgent(Observations, Actions, new SacOptions { NetArch = [8, 8], BatchSize = 16, TargetUpdateInterval = 2 }, new Rng(4)),
    };

    private static long Updates(IOffPolicyAgent agent) => agent is Td3Agent t ? t.Updates : ((SacAgent)agent).Updates;

    [Theory]
    [MemberData(nameof(Agents))]
    public void AnAgentSavedAtAnOddUpdateCountContinuesBitForBit(string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"bellman-counter-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var uninterrupted = Make(name);
            Continue(uninterrupted, 3, seed: 10);
            Assert.Equal(3, Updates(uninterrupted));
            string prefix = Path.Combine(dir, "agent");
            AgentCheckpoint.Save(prefix, uninterrupted.Networks, uninterrupted.Optimizers, new { });

            var resumed = Make(name);
            AgentCheckpoint.Load(prefix, resumed.Networks, resumed.Optimizers);
            Assert.Equal(3, Updates(resumed));
            Assert.Equal(All(uninterrupted), All(resumed));

            Continue(uninterrupted, 3, seed: 20);
            Continue(resumed, 3, seed: 20);
            Assert.Equal(6, Updates(resumed));
            Assert.Equal(All(uninterrupted), All(resumed));

            // Without the counter the delayed updates fall on the other parity, and the bits differ.
            var fresh = Make(name);
            AgentCheckpoint.Load(prefix, fresh.Networks, fresh.Optimizers);
            var counter = (UpdateCounter)fresh.Networks.Single(n => n.Name == "counters").Module;
            counter.Parameters()[0].Data.AsSpan().Clear();
            Continue(fresh, 3, seed: 20);
            Assert.NotEqual(All(uninterrupted), All(fresh));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ALoadedTd3KeepsItsCriticUpdateCount()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"bellman-counter-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var options = new Td3Options { TotalSteps = 331, LearningStarts = 300, BatchSize = 16, NetArch = [8, 8], EvalFrequency = 0 };
            using var run = new Td3("Pendulum-v1", options, seed: 2);
            run.Learn();
            Assert.Equal(31, run.Td3Agent.Updates);
            string path = Path.Combine(dir, "td3");
            run.Save(path);
            using var loaded = Td3.Load(path);
            Assert.Equal(31, loaded.Td3Agent.Updates);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TheCounterIsExactPastTwoToThe24()
    {
        var counter = new UpdateCounter();
        counter.Parameters()[0].Data[1] = 16_777_215f;
        Assert.Equal(16_777_216, counter.Increment());
        Assert.Equal(16_777_217, counter.Increment());
        Assert.Equal(1f, counter.Parameters()[0].Data[0]);
    }
}
