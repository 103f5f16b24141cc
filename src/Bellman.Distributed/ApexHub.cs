using System.Collections.Concurrent;
using System.Diagnostics;
using Bellman.Distributed.Replay;

namespace Bellman.Distributed;

/// <summary>
/// The state of an Ape-X run that lives in the learner's silo and that its grains share: the replay
/// shards (each touched only by its own, non-reentrant <see cref="ReplayShardGrain"/>), the rate limiter,
/// the latest parameters, the actors' tallies and the episodes waiting for the learner's metrics. Kept
/// in a DI singleton rather than in grain state so that an idle grain being deactivated loses nothing.
/// </summary>
public sealed class ApexHub
{
    private readonly object _gate = new();
    private readonly Dictionary<int, Tally> _actors = [];
    private readonly long[] _throttled;
    private readonly TextWriter _log;
    private readonly TextWriter? _batchLog;
    private bool _stopping, _started;
    private int _inFlight;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private volatile ParameterSnapshot? _parameters;
    private long _environmentSteps;

    /// <summary>Creates the shards and the limiter for a run.</summary>
    public ApexHub(ApexOptions options, ActorConfig config, int observationSize, int actionCount, TextWriter log, TextWriter? batchLog = null)
    {
        options.Validate();
        Options = options;
        Config = config;
        int perShard = Math.Max(1, options.BufferSize / options.Shards);
        Shards = [.. Enumerable.Range(0, options.Shards).Select(_ => new ReplayShard(perShard, observationSize, actionCount, options.PerAlpha, options.PerEps, maxBatchRows: 4096))];
        _throttled = new long[options.Shards];
        Limiter = new RateLimiter(options.MinReplay, options.SamplesPerInsert, options.RateErrorBuffer);
        _log = log;
        _batchLog = batchLog;
    }

    /// <summary>The run's options.</summary>
    public ApexOptions Options { get; }
    /// <summary>What actors are told when they register.</summary>
    public ActorConfig Config { get; }
    /// <summary>The replay shards, by grain key.</summary>
    public IReadOnlyList<ReplayShard> Shards { get; }
    /// <summary>The rate limiter over all shards (inserts by the actors, samples by the learner).</summary>
    public RateLimiter Limiter { get; }
    /// <summary>True once the learner is done (<see cref="CloseAsync"/>): actors are told to stop and no batch is stored any more.</summary>
    public bool Stopping => Volatile.Read(ref _stopping);

    /// <summary>
    /// Stops storing batches and waits for the inserts in progress to finish, so that every counter and log read
    /// afterwards is final: a batch is either stored and counted before this returns, or refused as throttled.
    /// </summary>
    public async Task CloseAsync()
    {
        lock (_gate) _stopping = true;
        while (Volatile.Read(ref _inFlight) > 0) await Task.Delay(1);
    }
    /// <summary>Environment steps of every accepted batch.</summary>
    public long EnvironmentSteps => Interlocked.Read(ref _environmentSteps);
    /// <summary>Batches refused as malformed, over all shards.</summary>
    public long Refused { get; private set; }
    /// <summary>Episodes the actors finished, not yet taken by the learner.</summary>
    public ConcurrentQueue<ActorEpisode> Episodes { get; } = new();
    /// <summary>The latest parameters.</summary>
    public ParameterSnapshot? Parameters => _parameters;

    /// <summary>Publishes new parameters.</summary>
    public void Publish(ParameterSnapshot snapshot) => _parameters = snapshot;

    /// <summary>Counts a registration of actor <paramref name="actorId"/> and returns the run's configuration.</summary>
    public ActorConfig Register(int actorId)
    {
        lock (_gate)
        {
            var tally = TallyOf(actorId);
            tally.Registrations++;
            _log.WriteLine($"actor {actorId} registered (registration {tally.Registrations})");
            return Config with { Registration = tally.Registrations };
        }
    }

    /// <summary>Whether actor <paramref name="actorId"/> should go on; records that it is alive.</summary>
    public bool KeepRunning(int actorId)
    {
        lock (_gate) TallyOf(actorId).LastSeen = _clock.Elapsed.TotalSeconds;
        return !Stopping;
    }

    /// <summary>Inserts <paramref name="batch"/> into shard <paramref name="shard"/>, unless the limiter holds it back or it is malformed.</summary>
    public InsertResult Insert(int shard, TransitionBatch batch)
    {
        // A malformed batch is refused (and its reason logged) whatever the run's state: neither the start gate nor
        // the limiter holds it back.
        bool malformed = Shards[shard].Problem(batch) is not null;
        lock (_gate)
        {
            if (_stopping) return new InsertResult(InsertStatus.Closed, "the learner has finished");
            if (!malformed && !AllActorsStarted()) return new InsertResult(InsertStatus.Throttled, "waiting for the other actors to register");
            if (!malformed && !Limiter.CanInsert(batch.Count))
            {
                _throttled[shard]++;
                return new InsertResult(InsertStatus.Throttled, "the learner is behind; send it again later");
            }
            Interlocked.Increment(ref _inFlight);
        }
        try
        {
            return Store(shard, batch);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private InsertResult Store(int shard, TransitionBatch batch)
    {
        // Only this shard's grain touches the shard, one call at a time.
        var result = Shards[shard].Insert(batch);
        lock (_gate)
        {
            if (result.Status == InsertStatus.Refused)
            {
                Refused++;
                _log.WriteLine($"refused: {result.Reason}");
                return result;
            }
            Limiter.Inserted(batch.Count);
            Interlocked.Add(ref _environmentSteps, batch.EnvironmentSteps);
            var tally = TallyOf(batch.ActorId);
            tally.EnvironmentSteps += batch.EnvironmentSteps;
            tally.Transitions += batch.Count;
            tally.Batches++;
            tally.Episodes += batch.EpisodeReturns.Length;
            tally.LastSeen = _clock.Elapsed.TotalSeconds;
            for (int i = 0; i < batch.EpisodeReturns.Length; i++)
                Episodes.Enqueue(new ActorEpisode(batch.ActorId, batch.EpisodeReturns[i], i < batch.EpisodeLengths.Length ? batch.EpisodeLengths[i] : 0));
            if (_batchLog is not null)
            {
                _batchLog.WriteLine(BatchChecksum.LogLine(batch));
                _batchLog.Flush();
            }
        }
        return result;
    }

    /// <summary>
    /// The run starts when every one of its <see cref="ActorConfig.Actors"/> actors has registered (or
    /// <see cref="StartGrace"/> has passed without them), so that an actor whose process starts late still takes its
    /// share of a short run. Called under the gate.
    /// </summary>
    private bool AllActorsStarted()
    {
        if (_started) return true;
        _started = _actors.Values.Count(a => a.Registrations > 0) >= Config.Actors || _clock.Elapsed > StartGrace;
        if (_started) _log.WriteLine($"run started with {_actors.Values.Count(a => a.Registrations > 0)} of {Config.Actors} actors registered");
        return _started;
    }

    /// <summary>How long the first batches wait for every actor to register.</summary>
    public static TimeSpan StartGrace { get; } = TimeSpan.FromSeconds(60);

    /// <summary>Reserves <paramref name="rows"/> samples if the limiter allows them now.</summary>
    public bool TryReserveSample(int rows)
    {
        lock (_gate)
        {
            if (!Limiter.CanSample(rows)) return false;
            Limiter.Sampled(rows);
            return true;
        }
    }

    /// <summary>Rows held over all shards, as last counted.</summary>
    public long Held
    {
        get
        {
            lock (_gate) return Math.Min(Limiter.Inserts, Shards.Sum(s => (long)s.Capacity));
        }
    }

    /// <summary>The batches shard <paramref name="shard"/> throttled.</summary>
    public long Throttled(int shard)
    {
        lock (_gate) return _throttled[shard];
    }

    /// <summary>The actors' tallies.</summary>
    public ActorStats[] ActorStats()
    {
        lock (_gate)
            return [.. _actors.OrderBy(a => a.Key).Select(a => new ActorStats
            {
                ActorId = a.Key, EnvironmentSteps = a.Value.EnvironmentSteps, Transitions = a.Value.Transitions, Batches = a.Value.Batches,
                Episodes = a.Value.Episodes, Registrations = a.Value.Registrations, Seconds = a.Value.LastSeen - a.Value.FirstSeen,
            })];
    }

    /// <summary>Actors seen since the learner started stopping (they were told to stop).</summary>
    public int ActorsSeenSince(double seconds)
    {
        lock (_gate) return _actors.Values.Count(a => a.LastSeen >= seconds);
    }

    /// <summary>Seconds since the hub was created.</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>Actors that ever registered.</summary>
    public int KnownActors
    {
        get
        {
            lock (_gate) return _actors.Count;
        }
    }

    /// <summary>Writes a line to the learner's log.</summary>
    public void Log(string line)
    {
        lock (_gate) _log.WriteLine(line);
    }

    private Tally TallyOf(int actorId)
    {
        if (!_actors.TryGetValue(actorId, out var tally))
        {
            tally = new Tally { FirstSeen = _clock.Elapsed.TotalSeconds };
            _actors[actorId] = tally;
        }
        return tally;
    }

    private sealed class Tally
    {
        public long EnvironmentSteps, Transitions, Batches, Episodes;
        public int Registrations;
        public double FirstSeen, LastSeen;
    }
}
