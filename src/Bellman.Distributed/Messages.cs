namespace Bellman.Distributed;

/// <summary>
/// A batch of n-step transitions from one actor, as it travels to a replay shard. Row i is
/// (s_i, a_i, R_i, γ^m_i, s'_i) with the TD target R_i + γ^m_i · max_a Q(s'_i, a) (γ^m_i = 0 when the
/// episode terminated within the m ≤ n steps), and the actor's initial priority p_i = |δ_i| computed
/// with its local copy of the network. Arrays are flat and row-major so that Orleans copies them in bulk.
/// </summary>
[GenerateSerializer, Immutable, Alias("bellman.apex.batch")]
public sealed record TransitionBatch
{
    /// <summary>The sending actor's index.</summary>
    [Id(0)] public int ActorId { get; init; }
    /// <summary>The actor's batch counter (0, 1, 2, ...), so that a receiver can tell every batch apart.</summary>
    [Id(1)] public long Sequence { get; init; }
    /// <summary>Floats per observation.</summary>
    [Id(2)] public int ObservationSize { get; init; }
    /// <summary>s, [Count, ObservationSize].</summary>
    [Id(3)] public float[] Observations { get; init; } = [];
    /// <summary>a.</summary>
    [Id(4)] public int[] Actions { get; init; } = [];
    /// <summary>Σ_{k&lt;m} γ^k r_{t+k}.</summary>
    [Id(5)] public float[] Returns { get; init; } = [];
    /// <summary>γ^m, or 0 when the episode terminated.</summary>
    [Id(6)] public float[] Discounts { get; init; } = [];
    /// <summary>s_{t+m}, [Count, ObservationSize].</summary>
    [Id(7)] public float[] NextObservations { get; init; } = [];
    /// <summary>Initial priorities |δ_i| (before α and ε).</summary>
    [Id(8)] public float[] Priorities { get; init; } = [];
    /// <summary>Environment steps the actor took while producing this batch.</summary>
    [Id(9)] public int EnvironmentSteps { get; init; }
    /// <summary>Returns of episodes that ended while producing this batch.</summary>
    [Id(10)] public double[] EpisodeReturns { get; init; } = [];
    /// <summary>Lengths of those episodes.</summary>
    [Id(11)] public int[] EpisodeLengths { get; init; } = [];
    /// <summary>The parameter version the actor acted with.</summary>
    [Id(12)] public long ParameterVersion { get; init; }
    /// <summary>Lock-step mode: the actor's whole state right after it built this batch (see <see cref="ApexActor"/>), so that a restarted actor or a resumed run continues exactly; null otherwise.</summary>
    [Id(13)] public byte[]? ActorState { get; init; }

    /// <summary>The number of transitions.</summary>
    public int Count => Actions.Length;
}

/// <summary>What a shard did with a batch.</summary>
public enum InsertStatus
{
    /// <summary>Stored.</summary>
    Accepted,
    /// <summary>Refused because it is malformed; the replay memory is untouched.</summary>
    Refused,
    /// <summary>Not stored because the rate limiter holds inserts back (the learner is behind); send it again later.</summary>
    Throttled,
    /// <summary>Not stored because the learner has finished: the actor should stop.</summary>
    Closed,
}

/// <summary>The answer to an insert.</summary>
[GenerateSerializer, Immutable, Alias("bellman.apex.insert-result")]
public readonly record struct InsertResult([property: Id(0)] InsertStatus Status, [property: Id(1)] string? Reason);

/// <summary>
/// Rows sampled from one shard: the transitions, the keys to update their priorities with, and each row's
/// sampling priority p_i^α together with the shard's total Σ p^α, so that the learner can form the global
/// probability P(i) = p_i^α / Σ_shards Σ p^α and the importance weights.
/// </summary>
[GenerateSerializer, Immutable, Alias("bellman.apex.sample")]
public sealed record SampleResult
{
    /// <summary>False when the rate limiter refused to sample (too little data, or the learner is ahead of the actors).</summary>
    [Id(0)] public bool Granted { get; init; }
    /// <summary>Keys (slot and generation) of the rows, for <c>UpdatePriorities</c>.</summary>
    [Id(1)] public long[] Keys { get; init; } = [];
    /// <summary>p_i^α of each row.</summary>
    [Id(2)] public double[] Priorities { get; init; } = [];
    /// <summary>The rows.</summary>
    [Id(3)] public TransitionBatch Rows { get; init; } = new();
    /// <summary>The shard's state after sampling.</summary>
    [Id(4)] public ShardStats Stats { get; init; } = new();
}

/// <summary>Counters of one shard.</summary>
[GenerateSerializer, Immutable, Alias("bellman.apex.shard-stats")]
public sealed record ShardStats
{
    /// <summary>Transitions held.</summary>
    [Id(0)] public int Size { get; init; }
    /// <summary>Σ p^α over held transitions.</summary>
    [Id(1)] public double TotalPriority { get; init; }
    /// <summary>The smallest positive p^α held.</summary>
    [Id(2)] public double MinPriority { get; init; }
    /// <summary>Transitions ever inserted.</summary>
    [Id(3)] public long Inserted { get; init; }
    /// <summary>Rows ever sampled.</summary>
    [Id(4)] public long Sampled { get; init; }
    /// <summary>Batches refused as malformed.</summary>
    [Id(5)] public long Refused { get; init; }
    /// <summary>Batches throttled by the rate limiter.</summary>
    [Id(6)] public long Throttled { get; init; }
}

/// <summary>Network weights at a version, as raw little-endian float32 bytes in <c>Module.Parameters()</c> order.</summary>
[GenerateSerializer, Immutable, Alias("bellman.apex.parameters")]
public sealed record ParameterSnapshot([property: Id(0)] long Version, [property: Id(1)] byte[] Weights);

/// <summary>What an actor needs to know about the run, handed out by the learner's coordinator grain.</summary>
[GenerateSerializer, Immutable, Alias("bellman.apex.actor-config")]
public sealed record ActorConfig
{
    /// <summary>The environment id.</summary>
    [Id(0)] public string EnvId { get; init; } = "";
    /// <summary>The run's seed.</summary>
    [Id(1)] public int Seed { get; init; }
    /// <summary>The number of actors N (for ε_i).</summary>
    [Id(2)] public int Actors { get; init; }
    /// <summary>Environments per actor K.</summary>
    [Id(3)] public int EnvsPerActor { get; init; }
    /// <summary>n of the n-step returns.</summary>
    [Id(4)] public int NSteps { get; init; }
    /// <summary>γ.</summary>
    [Id(5)] public double Gamma { get; init; }
    /// <summary>Transitions per batch sent.</summary>
    [Id(6)] public int BatchSize { get; init; }
    /// <summary>Actor steps (vector steps) between parameter fetches.</summary>
    [Id(7)] public int ParameterSyncInterval { get; init; }
    /// <summary>The number of replay shards.</summary>
    [Id(8)] public int Shards { get; init; }
    /// <summary>ε of actor 0 (Ape-X: 0.4).</summary>
    [Id(9)] public double EpsilonBase { get; init; }
    /// <summary>The exponent spread (Ape-X: 7).</summary>
    [Id(10)] public double EpsilonAlpha { get; init; }
    /// <summary>Hidden layer sizes of the Q-network.</summary>
    [Id(11)] public int[] NetArch { get; init; } = [];
    /// <summary>Dueling heads.</summary>
    [Id(12)] public bool Dueling { get; init; }
    /// <summary>Environment steps per actor after which it stops (0: until the learner stops).</summary>
    [Id(13)] public long MaxStepsPerActor { get; init; }
    /// <summary>How many times this actor index has registered, this time included (1 on the first start), so that a restarted actor draws fresh seeds.</summary>
    [Id(14)] public int Registration { get; init; }
    /// <summary>Lock-step mode: the order of inserts, updates and fetches is fixed.</summary>
    [Id(15)] public bool Lockstep { get; init; }
    /// <summary>Lock-step mode: the state this actor sent with its last stored batch, to continue from (null: start afresh).</summary>
    [Id(16)] public byte[]? ResumeState { get; init; }
    /// <summary>The parameters the actor held when it sent that batch.</summary>
    [Id(17)] public ParameterSnapshot? ResumeWeights { get; init; }
}

/// <summary>Throughput of one actor as the coordinator saw it.</summary>
[GenerateSerializer, Immutable, Alias("bellman.apex.actor-stats")]
public sealed record ActorStats
{
    /// <summary>The actor's index.</summary>
    [Id(0)] public int ActorId { get; init; }
    /// <summary>Environment steps reported.</summary>
    [Id(1)] public long EnvironmentSteps { get; init; }
    /// <summary>Transitions accepted by the shards.</summary>
    [Id(2)] public long Transitions { get; init; }
    /// <summary>Batches accepted.</summary>
    [Id(3)] public long Batches { get; init; }
    /// <summary>Episodes finished.</summary>
    [Id(4)] public long Episodes { get; init; }
    /// <summary>Times the actor (re)registered, e.g. after a restart.</summary>
    [Id(5)] public int Registrations { get; init; }
    /// <summary>Seconds between the actor's first registration and its last report.</summary>
    [Id(6)] public double Seconds { get; init; }
}

/// <summary>An episode an actor finished, queued for the learner's metrics.csv.</summary>
[GenerateSerializer, Immutable, Alias("bellman.apex.episode")]
public readonly record struct ActorEpisode([property: Id(0)] int ActorId, [property: Id(1)] double Return, [property: Id(2)] int Length);
