using Bellman.Distributed.Replay;
using Bellman.Distributed.Tests.Replay;

namespace Bellman.Distributed.Tests;

/// <summary>The hub's lock-step order, without networking: one batch at a time, actors in turn, fixed parameter fetches; and its state round trip.</summary>
public class LockstepHubTests
{
    private static ApexHub Hub(int actors, bool lockstep = true) => new(
        new ApexOptions { Shards = 2, BufferSize = 64, MinReplay = 4, SamplesPerInsert = 1, RateErrorBuffer = 64, BatchSize = 2, Lockstep = lockstep },
        new ActorConfig { Actors = actors, Lockstep = lockstep }, observationSize: 3, actionCount: 2, TextWriter.Null);

    private static TransitionBatch From(int actor, float start) => ReplayShardTests.Batch(start, 1, 2) with { ActorId = actor, ActorState = [(byte)actor, 7] };

    [Fact]
    public async Task A_batch_waits_until_the_learner_is_done_with_the_previous_one_and_actors_take_turns()
    {
        var hub = Hub(actors: 2);
        hub.Register(0);
        hub.Register(1);
        Assert.Equal(InsertStatus.Throttled, hub.Insert(0, From(1, 0)).Status); // actor 0 goes first
        Assert.Equal(InsertStatus.Accepted, hub.Insert(0, From(0, 0)).Status);
        var waiting = hub.WaitForLearnerAsync();
        Assert.False(waiting.IsCompleted);
        Assert.True(hub.BatchPending);
        Assert.Equal(InsertStatus.Throttled, hub.Insert(1, From(1, 10)).Status); // not before the learner is done
        hub.MarkProcessed();
        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.True(await waiting);
        Assert.Equal(InsertStatus.Throttled, hub.Insert(1, From(0, 20)).Status); // actor 1's turn now
        Assert.Equal(InsertStatus.Accepted, hub.Insert(1, From(1, 10)).Status);
        Assert.Equal(2, hub.AcceptedBatches);
    }

    [Fact]
    public void An_actor_gets_the_parameters_of_its_last_batch_not_the_newest()
    {
        var hub = Hub(actors: 1);
        hub.Register(0);
        hub.Publish(new ParameterSnapshot(1, [1]));
        Assert.Equal(1, hub.ParametersFor(0, 0)!.Version);
        hub.Insert(0, From(0, 0));
        hub.Publish(new ParameterSnapshot(2, [2]));
        hub.MarkProcessed(); // the learner finished with batch 0 holding version 2
        hub.Publish(new ParameterSnapshot(3, [3])); // a later publication is not what batch 0's actor sees
        Assert.Equal(2, hub.ParametersFor(0, 1)!.Version);
        Assert.Null(hub.ParametersFor(0, 2));
    }

    [Fact]
    public void The_state_round_trips_and_a_registering_actor_continues_from_its_last_batch()
    {
        var hub = Hub(actors: 1);
        hub.Register(0);
        hub.Publish(new ParameterSnapshot(1, [1, 2]));
        hub.ParametersFor(0, 0);
        hub.Insert(0, From(0, 0));
        hub.MarkProcessed();
        hub.Insert(1, From(0, 5));
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) hub.WriteState(w);
        var copy = Hub(actors: 1);
        buffer.Position = 0;
        using (var r = new BinaryReader(buffer)) copy.ReadState(r);
        Assert.Equal(hub.EnvironmentSteps, copy.EnvironmentSteps);
        Assert.True(copy.BatchPending);
        Assert.Equal((hub.Limiter.Inserts, hub.Limiter.Samples), (copy.Limiter.Inserts, copy.Limiter.Samples));
        for (int s = 0; s < 2; s++)
        {
            Assert.Equal(hub.Shards[s].Stats(), copy.Shards[s].Stats());
            Assert.Equal(hub.Shards[s].SampleAt([0.5, 2.5]).Keys, copy.Shards[s].SampleAt([0.5, 2.5]).Keys);
        }
        var config = copy.Register(0);
        Assert.Equal(new byte[] { 0, 7 }, config.ResumeState);
        Assert.Equal(1, config.ResumeWeights!.Version);
        Assert.Equal(2, config.Registration);
    }

    [Fact]
    public void The_n_step_windows_and_pending_transitions_round_trip()
    {
        var a = new NStepBuilder(envs: 2, observationSize: 1, n: 3, gamma: 0.5);
        a.Add(0, [0], 0, 1, [1], false, false);
        a.Add(1, [5], 1, 2, [6], false, true);
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) a.WriteState(w);
        var b = new NStepBuilder(envs: 2, observationSize: 1, n: 3, gamma: 0.5);
        buffer.Position = 0;
        using (var r = new BinaryReader(buffer)) b.ReadState(r);
        Assert.Equal(a.Ready.Select(t => (t.Obs[0], t.Action, t.Return, t.Discount, t.Next[0])), b.Ready.Select(t => (t.Obs[0], t.Action, t.Return, t.Discount, t.Next[0])));
        foreach (var x in new[] { a, b })
        {
            x.Add(0, [1], 1, 1, [2], false, false);
            x.Add(0, [2], 0, 1, [3], false, false);
        }
        Assert.Equal(a.Ready.Last().Return, b.Ready.Last().Return);
        Assert.Equal(1 + 0.5f + 0.25f, b.Ready.Last().Return);
    }
}
