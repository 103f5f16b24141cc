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

    /// <summary>The latest parameters if newer than <paramref name="knownVersion"/>, else null.</summary>
    [Alias("parameters")] Task<ParameterSnapshot?> GetParameters(long knownVersion);

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

/// <summary>The coordinator grain over <see cref="ApexHub"/>.</summary>
public sealed class CoordinatorGrain(ApexHub hub) : Grain, ICoordinatorGrain
{
    /// <inheritdoc/>
    public Task<ActorConfig> Register(int actorId) => Task.FromResult(hub.Register(actorId));

    /// <inheritdoc/>
    public Task<ParameterSnapshot?> GetParameters(long knownVersion)
    {
        var p = hub.Parameters;
        return Task.FromResult(p is not null && p.Version > knownVersion ? p : null);
    }

    /// <inheritdoc/>
    public Task<bool> KeepRunning(int actorId) => Task.FromResult(hub.KeepRunning(actorId));

    /// <inheritdoc/>
    public Task<ActorStats[]> GetActorStats() => Task.FromResult(hub.ActorStats());
}
