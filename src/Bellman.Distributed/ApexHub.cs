using System.Collections.Concurrent;
using System.Diagnostics;
using Bellman.Core.State;
using Bellman.Distributed.Replay;

namespace Bellman.Distributed;

/// <summary>
/// The state of an Ape-X run that lives in the learner's silo and that its grains share: the replay
/// shards (each touched only by its own, non-reentrant <see cref="ReplayShardGrain"/>), the rate limiter,
/// the latest parameters, the actors' tallies and the episodes waiting for the learner's metrics. Kept
/// in a DI singleton rather than in grain state so that an idle grain being deactivated loses nothing.
/// In lock-step mode (<see cref="ActorConfig.Lockstep"/>) the hub also fixes the order of events: it stores a
/// batch only when the learner has finished with the previous one and it is the sending actor's turn (actor
/// 0, 1, …, N − 1, 0, …), and hands an actor the parameters published when the learner finished with that
/// actor's last batch. Its whole state (shards, limiter, counters, the actors' lock-step states) goes into the
/// learner's checkpoint (<see cref="WriteState"/>).
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
    private readonly HashSet<int> _registeredNow = [];
    private int _paused;
    // Lock-step bookkeeping: batches stored and batches the learner has finished with; waiters on either.
    private long _accepted, _processed;
    private int _lastActor = -1;
    private TaskCompletionSource<bool>? _caughtUp;
    private TaskCompletionSource? _arrival;
    private ParameterSnapshot? _startParameters;
    private readonly Dictionary<int, ParameterSnapshot> _handedOut = [], _fetchable = [];
    private readonly Dictionary<int, (byte[] State, ParameterSnapshot? Weights)> _actorStates = [];

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
        lock (_gate)
        {
            _stopping = true;
            _caughtUp?.TrySetResult(false);
            _caughtUp = null;
            _arrival?.TrySetResult();
            _arrival = null;
        }
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
    public void Publish(ParameterSnapshot snapshot)
    {
        lock (_gate)
        {
            _startParameters ??= snapshot;
            _parameters = snapshot;
        }
    }

    /// <summary>Lock-step mode is on.</summary>
    public bool Lockstep => Config.Lockstep;

    /// <summary>Lock-step mode: batches stored so far.</summary>
    public long AcceptedBatches
    {
        get
        {
            lock (_gate) return _accepted;
        }
    }

    /// <summary>Lock-step mode: a stored batch waits for the learner's updates.</summary>
    public bool BatchPending
    {
        get
        {
            lock (_gate) return _accepted > _processed;
        }
    }

    /// <summary>
    /// The parameters actor <paramref name="actorId"/> should load if newer than <paramref name="knownVersion"/> (else
    /// null): the latest, or in lock-step mode those published when the learner finished with its last batch.
    /// </summary>
    public ParameterSnapshot? ParametersFor(int actorId, long knownVersion)
    {
        lock (_gate)
        {
            var p = Lockstep ? _fetchable.GetValueOrDefault(actorId) ?? _startParameters : _parameters;
            if (p is null || p.Version <= knownVersion) return null;
            _handedOut[actorId] = p;
            return p;
        }
    }

    /// <summary>Lock-step mode: a task that completes (true) once the learner has finished with every stored batch, or (false) when it stops.</summary>
    public Task<bool> WaitForLearnerAsync()
    {
        lock (_gate)
        {
            if (_stopping) return Task.FromResult(false);
            if (_processed == _accepted) return Task.FromResult(true);
            return (_caughtUp ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>Lock-step mode: a task that completes once a stored batch awaits the learner (or the hub closes).</summary>
    public Task WhenBatchPendingAsync()
    {
        lock (_gate)
        {
            if (_stopping || _accepted > _processed) return Task.CompletedTask;
            return (_arrival ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>Lock-step mode: the learner has done every update due for the stored batches; the next one may come.</summary>
    public void MarkProcessed()
    {
        lock (_gate)
        {
            _processed = _accepted;
            if (_lastActor >= 0 && _parameters is not null) _fetchable[_lastActor] = _parameters;
            _caughtUp?.TrySetResult(true);
            _caughtUp = null;
        }
    }

    /// <summary>
    /// Holds new inserts back (as throttled) and waits for those in progress, so that the shards can be written to a
    /// checkpoint while actors run; disposing lets inserts in again.
    /// </summary>
    public IDisposable PauseInserts()
    {
        lock (_gate) _paused++;
        while (Volatile.Read(ref _inFlight) > 0) Thread.Sleep(1);
        return new Resume(this);
    }

    private sealed class Resume(ApexHub hub) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            lock (hub._gate) hub._paused--;
        }
    }

    /// <summary>Counts a registration of actor <paramref name="actorId"/> and returns the run's configuration.</summary>
    public ActorConfig Register(int actorId)
    {
        lock (_gate)
        {
            var tally = TallyOf(actorId);
            tally.Registrations++;
            _registeredNow.Add(actorId);
            _log.WriteLine($"actor {actorId} registered (registration {tally.Registrations})");
            var config = Config with { Registration = tally.Registrations };
            if (Lockstep && _actorStates.TryGetValue(actorId, out var saved))
            {
                // It continues from the state it sent with its last stored batch, holding the parameters it had then.
                if (saved.Weights is not null) _handedOut[actorId] = saved.Weights;
                _log.WriteLine($"actor {actorId} continues from its lock-step state after batch {tally.Batches - 1}");
                return config with { ResumeState = saved.State, ResumeWeights = saved.Weights };
            }
            return config;
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
            if (!malformed && _paused > 0) return new InsertResult(InsertStatus.Throttled, "the learner is writing a checkpoint");
            if (!malformed && !AllActorsStarted()) return new InsertResult(InsertStatus.Throttled, "waiting for the other actors to register");
            if (!malformed && Lockstep && (_accepted != _processed || _inFlight > 0 || _accepted % Config.Actors != batch.ActorId))
            {
                _throttled[shard]++;
                return new InsertResult(InsertStatus.Throttled, "lock-step: not this actor's turn yet");
            }
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
            _accepted++;
            _lastActor = batch.ActorId;
            if (Lockstep)
            {
                if (batch.ActorState is not null) _actorStates[batch.ActorId] = (batch.ActorState, _handedOut.GetValueOrDefault(batch.ActorId));
                _arrival?.TrySetResult();
                _arrival = null;
            }
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
        _started = _registeredNow.Count >= Config.Actors || _clock.Elapsed > StartGrace;
        if (_started) _log.WriteLine($"run started with {_registeredNow.Count} of {Config.Actors} actors registered");
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

    /// <summary>
    /// Writes the hub's state for a checkpoint: the limiter's counts, the step and batch counters, every actor's tally,
    /// episodes not yet taken by the learner, the published parameters, the actors' lock-step states and every shard.
    /// Call it while no insert runs (<see cref="PauseInserts"/>, or after <see cref="CloseAsync"/>).
    /// </summary>
    public void WriteState(BinaryWriter writer)
    {
        lock (_gate)
        {
            writer.Tag("apex-hub");
            writer.Write(Shards.Count);
            writer.Write(Limiter.Inserts);
            writer.Write(Limiter.Samples);
            writer.Write(_environmentSteps);
            writer.Write(Refused);
            writer.WriteSpan(_throttled);
            writer.Write(_accepted);
            writer.Write(_processed);
            writer.Write(_lastActor);
            writer.Write(_actors.Count);
            foreach (var (id, t) in _actors.OrderBy(a => a.Key))
            {
                writer.Write(id);
                writer.Write(t.EnvironmentSteps);
                writer.Write(t.Transitions);
                writer.Write(t.Batches);
                writer.Write(t.Episodes);
                writer.Write(t.Registrations);
            }
            var episodes = Episodes.ToArray();
            writer.Write(episodes.Length);
            foreach (var e in episodes)
            {
                writer.Write(e.ActorId);
                writer.Write(e.Return);
                writer.Write(e.Length);
            }
            WriteSnapshot(writer, _parameters);
            WriteSnapshot(writer, _startParameters);
            WriteSnapshots(writer, _fetchable);
            writer.Write(_actorStates.Count);
            foreach (var (id, (state, weights)) in _actorStates.OrderBy(a => a.Key))
            {
                writer.Write(id);
                writer.WriteSpan(state);
                WriteSnapshot(writer, weights);
            }
            foreach (var shard in Shards) shard.WriteState(writer);
        }
    }

    /// <summary>Reads what <see cref="WriteState"/> wrote, into a hub of the same run (before its silo starts).</summary>
    public void ReadState(BinaryReader reader)
    {
        lock (_gate)
        {
            reader.ExpectTag("apex-hub");
            int shards = reader.ReadInt32();
            if (shards != Shards.Count) throw new InvalidDataException($"a state of {shards} replay shards where this run has {Shards.Count}");
            long inserts = reader.ReadInt64(), samples = reader.ReadInt64();
            Limiter.Restore(inserts, samples);
            _environmentSteps = reader.ReadInt64();
            Refused = reader.ReadInt64();
            reader.ReadInto(_throttled);
            _accepted = reader.ReadInt64();
            _processed = reader.ReadInt64();
            _lastActor = reader.ReadInt32();
            int actors = reader.ReadInt32();
            for (int i = 0; i < actors; i++)
            {
                var t = TallyOf(reader.ReadInt32());
                t.EnvironmentSteps = reader.ReadInt64();
                t.Transitions = reader.ReadInt64();
                t.Batches = reader.ReadInt64();
                t.Episodes = reader.ReadInt64();
                t.Registrations = reader.ReadInt32();
            }
            int episodes = reader.ReadInt32();
            for (int i = 0; i < episodes; i++) Episodes.Enqueue(new ActorEpisode(reader.ReadInt32(), reader.ReadDouble(), reader.ReadInt32()));
            _parameters = ReadSnapshot(reader);
            _startParameters = ReadSnapshot(reader);
            int fetchable = reader.ReadInt32();
            for (int i = 0; i < fetchable; i++)
            {
                int id = reader.ReadInt32();
                _fetchable[id] = ReadSnapshot(reader) ?? throw new InvalidDataException($"actor {id}'s lock-step parameters are missing");
            }
            int states = reader.ReadInt32();
            for (int i = 0; i < states; i++)
            {
                int id = reader.ReadInt32();
                int n = reader.ReadInt32();
                if (n < 0 || n > 1 << 30) throw new InvalidDataException($"an actor state of {n} bytes");
                var state = reader.ReadBytes(n);
                if (state.Length != n) throw new EndOfStreamException("the state ends early");
                _actorStates[id] = (state, ReadSnapshot(reader));
            }
            foreach (var shard in Shards) shard.ReadState(reader);
        }
    }

    /// <summary>Actors whose lock-step state the hub holds (they continue from it when they register).</summary>
    public int ActorStatesHeld
    {
        get
        {
            lock (_gate) return _actorStates.Count;
        }
    }

    private static void WriteSnapshot(BinaryWriter writer, ParameterSnapshot? snapshot)
    {
        writer.Write(snapshot is not null);
        if (snapshot is null) return;
        writer.Write(snapshot.Version);
        writer.WriteSpan(snapshot.Weights);
    }

    private static void WriteSnapshots(BinaryWriter writer, Dictionary<int, ParameterSnapshot> snapshots)
    {
        writer.Write(snapshots.Count);
        foreach (var (id, p) in snapshots.OrderBy(a => a.Key))
        {
            writer.Write(id);
            WriteSnapshot(writer, p);
        }
    }

    private static ParameterSnapshot? ReadSnapshot(BinaryReader reader)
    {
        if (!reader.ReadBoolean()) return null;
        long version = reader.ReadInt64();
        int n = reader.ReadInt32();
        if (n < 0 || n > 1 << 30) throw new InvalidDataException($"parameters of {n} bytes");
        var bytes = reader.ReadBytes(n);
        if (bytes.Length != n) throw new EndOfStreamException("the state ends early");
        return new ParameterSnapshot(version, bytes);
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
