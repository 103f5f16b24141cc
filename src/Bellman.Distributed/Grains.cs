namespace Bellman.Distributed;

/// <summary>A prioritized replay shard as a grain (key: the shard's index): actors insert, the learner samples and updates priorities.</summary>
[Alias("bellman.apex.IReplayShardGrain")]
public interface IReplayShardGrain : IGrainWithIntegerKey
{
    /// <summary>Stores a batch (or refuses or throttles it).</summary>
    [Alias("insert")] Task<InsertResult> Insert(TransitionBatch batch);

    /// <summary>The shard's counters and total priority.</summary>
    [Alias("stats")] Task<ShardStats> GetStats();

    /// <summary>The rows at the given cumulative priorities (see <see cref="Replay.ShardSampler"/>).</summary>
    [Alias("sample")] Task<SampleResult> SampleAt(double[] masses);

    /// <summary>New priorities |δ| for sampled rows; rows overwritten meanwhile are skipped. Returns how many were applied.</summary>
    [Alias("update")] Task<int> UpdatePriorities(long[] keys, float[] tdErrors);
}

/// <summary>The run's coordinator (key 0): registration, parameters, liveness.</summary>
[Alias("bellman.apex.ICoordinatorGrain")]
public interface ICoordinatorGrain : IGrainWithIntegerKey
{
    /// <summary>Registers an actor (again, after a restart) and returns the run's configuration.</summary>
    [Alias("register")] Task<ActorConfig> Register(int actorId);

    /// <summary>
    /// The latest parameters if newer than <paramref name="knownVersion"/>, else null. In lock-step mode: the parameters
    /// published when the learner had finished with actor <paramref name="actorId"/>'s last batch.
    /// </summary>
    [Alias("parameters")] Task<ParameterSnapshot?> GetParameters(int actorId, long knownVersion);

    /// <summary>Lock-step mode: completes when the learner has done every update due for the batches stored so far; false once it has finished.</summary>
    [Alias("wait-learner")] Task<bool> WaitForLearner(int actorId);

    /// <summary>Whether the actor should go on (false once the learner is done).</summary>
    [Alias("keep-running")] Task<bool> KeepRunning(int actorId);

    /// <summary>Every actor's tally.</summary>
    [Alias("actor-stats")] Task<ActorStats[]> GetActorStats();
}

/// <summary>The grain over <see cref="ApexHub"/>'s shard with this grain's key.</summary>
public sealed class ReplayShardGrain(ApexHub hub) : Grain, IReplayShardGrain
{
    private int Index => (int)this.GetPrimaryKeyLong();

    /// <inheritdoc/>
    public Task<InsertResult> Insert(TransitionBatch batch) => Task.FromResult(hub.Insert(Index, batch));

    /// <inheritdoc/>
    public Task<ShardStats> GetStats() => Task.FromResult(hub.Shards[Index].Stats(hub.Throttled(Index)));

    /// <inheritdoc/>
    public Task<SampleResult> SampleAt(double[] masses) => Task.FromResult(hub.Shards[Index].SampleAt(masses));

    /// <inheritdoc/>
    public Task<int> UpdatePriorities(long[] keys, float[] tdErrors) => Task.FromResult(hub.Shards[Index].UpdatePriorities(keys, tdErrors));
}

/// <summary>
/// The coordinator grain over <see cref="ApexHub"/>. Reentrant: an actor waiting for the learner in lock-step mode
/// (<see cref="WaitForLearner"/>) does not hold up the others' calls; every method only calls the thread-safe hub.
/// </summary>
[Orleans.Concurrency.Reentrant]
public sealed class CoordinatorGrain(ApexHub hub) : Grain, ICoordinatorGrain
{
    /// <inheritdoc/>
    public Task<ActorConfig> Register(int actorId) => Task.FromResult(hub.Register(actorId));

    /// <inheritdoc/>
    public Task<ParameterSnapshot?> GetParameters(int actorId, long knownVersion) => Task.FromResult(hub.ParametersFor(actorId, knownVersion));

    /// <inheritdoc/>
    public Task<bool> WaitForLearner(int actorId) => hub.WaitForLearnerAsync();

    /// <inheritdoc/>
    public Task<bool> KeepRunning(int actorId) => Task.FromResult(hub.KeepRunning(actorId));

    /// <inheritdoc/>
    public Task<ActorStats[]> GetActorStats() => Task.FromResult(hub.ActorStats());
}
