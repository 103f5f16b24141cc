using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Bellman.Core.State;
using Bellman.Distributed.Replay;
using Bellman.Nn.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bellman.Distributed;

/// <summary>What a learner run did.</summary>
/// <param name="State">Environment steps, episodes, updates and the best evaluation.</param>
/// <param name="Elapsed">Wall time of the training loop.</param>
/// <param name="Actors">Every actor's tally.</param>
/// <param name="Shards">Every shard's counters at the end.</param>
/// <param name="Refused">Batches refused as malformed.</param>
/// <param name="ParameterVersion">The last parameter version published.</param>
public sealed record ApexResult(RunState State, TimeSpan Elapsed, IReadOnlyList<ActorStats> Actors, IReadOnlyList<ShardStats> Shards, long Refused, long ParameterVersion);

/// <summary>
/// Ape-X's learner: hosts the silo with the replay shards and the coordinator, then repeats: sample a
/// prioritized batch across the shards (<see cref="ShardSampler"/>, importance weights against the global
/// total), take one double-DQN step on n-step targets (<see cref="DqnAgent.Train"/>), send the new
/// priorities back, copy the target network every <c>target_update_interval</c> updates and publish the
/// parameters as bytes every <c>publish_interval</c> updates. The rate limiter keeps it from sampling
/// before <c>min_replay</c> transitions or ahead of the sample-to-insert ratio. Episodes the actors report
/// become the run's metrics; greedy evaluations run on a local environment.
/// <para>
/// In lock-step mode (<c>lockstep=true</c>, the default with one actor) the learner waits for each stored
/// batch, records its episodes (and an evaluation or snapshot when one is due), does every update the
/// rate limiter then allows, and only then lets the next batch in: with the actors' fixed parameter
/// fetches (<see cref="ApexHub.ParametersFor"/>) the run is a deterministic function of its seed.
/// </para>
/// <para>
/// A checkpoint (<see cref="Save"/>) holds the networks and the optimizer like a DQN checkpoint, and a
/// training state (NAME.apex-state) with the learner's generator and counters, the metric accumulators, every replay
/// shard's rows and priorities, the limiter, and in lock-step mode the actors' states: resumed from it
/// (<see cref="Restore"/>), a lock-step run continues exactly as the uninterrupted run; an asynchronous run
/// continues with its replay memory and counters while its actors start afresh.
/// </para>
/// </summary>
public sealed class ApexLearner : IAsyncDisposable
{
    private readonly IHost _silo;
    private readonly EnvironmentSource _source;
    private readonly IEnvironment? _evalEnv;
    private readonly Rng _rng;
    private readonly UpdateMetrics _metrics;
    private readonly Queue<double> _recent = new();
    private long _version, _updates, _episodes, _nextLog, _nextEval, _bookkept;
    private double _best = double.NegativeInfinity;
    private bool _started, _restored;

    /// <summary>Builds the agent, the shards and the silo (not started yet).</summary>
    public ApexLearner(string envId, IReadOnlyDictionary<string, string> envOptions, ApexOptions options, int seed, int actors, int siloPort, int gatewayPort,
        IPAddress? advertise, TextWriter log, TextWriter? batchLog = null)
    {
        options.Validate();
        if (actors <= 0) throw new ArgumentOutOfRangeException(nameof(actors), actors, "--actors must be positive.");
        if (envOptions.Count > 0) throw new ArgumentException("apex does not pass environment options to its actors yet; drop --env-option.");
        options = options with { Lockstep = options.Lockstep ?? actors == 1 };
        options.Validate();
        _source = EnvironmentSource.FromId(envId, envOptions);
        var probe = _source.Probe;
        if (probe.ActionSpace is not Discrete) throw new ArgumentException($"Ape-X DQN needs a Discrete action space; {envId} has {probe.ActionSpace}.");
        EnvId = envId;
        Options = options;
        Seed = seed;
        DqnOptions = options.ToDqnOptions();
        Agent = new DqnAgent(probe.ObservationSpace, probe.ActionSpace, DqnOptions, new Rng(Rng.DeriveSeed((ulong)seed, 1)));
        _rng = new Rng(Rng.DeriveSeed((ulong)seed, 2));
        _metrics = new UpdateMetrics(Agent.Metrics);
        _nextLog = options.LogInterval;
        _nextEval = options.EvalFrequency > 0 ? options.EvalFrequency : long.MaxValue;
        _evalEnv = _source.MakeEvaluationEnvironment();
        var config = new ActorConfig
        {
            EnvId = envId, Seed = seed, Actors = actors, EnvsPerActor = options.EnvsPerActor, NSteps = options.NSteps, Gamma = options.Gamma,
            BatchSize = options.ActorBatch, ParameterSyncInterval = options.SyncInterval, Shards = options.Shards, EpsilonBase = options.EpsilonBase,
            EpsilonAlpha = options.EpsilonAlpha, NetArch = options.NetArch, Dueling = options.Dueling, Lockstep = options.Lockstep == true,
        };
        Hub = new ApexHub(options, config, probe.ObservationSpace.FlatSize, Agent.ActionCount, log, batchLog);
        _silo = ApexHosting.BuildSilo(Hub, siloPort, gatewayPort, advertise);
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    /// <summary>The silo-to-silo port.</summary>
    public int SiloPort { get; }
    /// <summary>The gateway port actors connect to.</summary>
    public int GatewayPort { get; }

    /// <summary>The environment id.</summary>
    public string EnvId { get; }
    /// <summary>The run's options (with <c>lockstep</c> resolved).</summary>
    public ApexOptions Options { get; }
    /// <summary>Lock-step mode is on.</summary>
    public bool Lockstep => Options.Lockstep == true;
    /// <summary>The DQN options the update uses (and a checkpoint records).</summary>
    public DqnOptions DqnOptions { get; }
    /// <summary>The seed.</summary>
    public int Seed { get; }
    /// <summary>The learner's agent (online and target networks, optimizer).</summary>
    public DqnAgent Agent { get; }
    /// <summary>The silo's shared state.</summary>
    public ApexHub Hub { get; }
    /// <summary>Counters of the run so far.</summary>
    public RunState State => new() { Step = Hub.EnvironmentSteps, Episodes = _episodes, Updates = _updates, BestEvaluation = _best };

    /// <summary>Starts the silo and publishes the initial parameters (version 1), or those a restored checkpoint held.</summary>
    public async Task StartAsync(CancellationToken cancellation)
    {
        await _silo.StartAsync(cancellation);
        _started = true;
        if (!_restored || Hub.Parameters is null) Publish();
    }

    /// <summary>
    /// A checkpoint that <c>bellman eval</c> and <c>Algorithm.Load</c> read as a DQN agent: the networks, the
    /// optimizer and the run's counters; with <paramref name="trainingState"/> also NAME.apex-state, everything
    /// <see cref="Restore"/> needs to continue the run (a file of its own, not NAME.state: a DQN loader must not
    /// read it as a DQN loop's state). While actors run, their inserts wait for the save.
    /// </summary>
    public void Save(string prefix, bool trainingState = true)
    {
        var s = State;
        var meta = new CheckpointMetadata("dqn", EnvId, [], Seed, s.Step, s.Episodes, s.Updates,
            double.IsNegativeInfinity(s.BestEvaluation) ? null : s.BestEvaluation,
            OptionBinder.Describe(DqnOptions).ToDictionary(x => x.Key, x => x.Value),
            SpaceDescription.Of(Agent.ObservationSpace), SpaceDescription.Of(Agent.ActionSpace));
        if (!trainingState)
        {
            AgentCheckpoint.Save(prefix, Agent.Networks, Agent.Optimizers, meta, stateNote: "an Ape-X best checkpoint: weights only");
            return;
        }
        using var pause = Hub.PauseInserts();
        byte[] state = WriteState();
        AgentCheckpoint.Save(prefix, Agent.Networks, Agent.Optimizers, meta, stateNote: $"an Ape-X learner: its training state is {Path.GetFileName(ApexStatePath(prefix))}");
        // The state names the weights it goes with (their SHA-256), so a save cut short between the two files is caught.
        byte[] tensors = File.ReadAllBytes(AgentCheckpoint.PathsFor(prefix).Tensors);
        using var file = new MemoryStream();
        using (var writer = new BinaryWriter(file))
        {
            writer.Write(StateMagic);
            writer.Write(SHA256.HashData(tensors));
            writer.Write(SHA256.HashData(state));
            writer.WriteSpan(state);
        }
        AtomicFile.WriteAllBytes(ApexStatePath(prefix), file.ToArray());
    }

    /// <summary>The learner's training-state file of the checkpoint at <paramref name="prefix"/> (…/latest → latest.apex-state).</summary>
    public static string ApexStatePath(string prefix) => Path.ChangeExtension(AgentCheckpoint.PathsFor(prefix).Sidecar, ".apex-state");

    private const string StateMagic = "bellman-apex-state-1";

    /// <summary>
    /// Loads a checkpoint written by <see cref="Save"/> of a run with the same options (before <see cref="StartAsync"/>).
    /// Returns null when the run continues exactly (lock-step, with every actor's state), else why it is approximate.
    /// </summary>
    public string? Restore(string prefix)
    {
        if (_started) throw new InvalidOperationException("Restore before StartAsync.");
        AgentCheckpoint.Load(prefix, Agent.Networks, Agent.Optimizers);
        _restored = true;
        string path = ApexStatePath(prefix);
        if (!File.Exists(path))
        {
            var meta = Algorithm.ReadMetadata(prefix);
            _updates = meta.Updates;
            _episodes = meta.Episodes;
            return $"the checkpoint has no learner state ({Path.GetFileName(path)} is missing): the replay memory starts empty and the actors afresh";
        }
        byte[] tensors = File.ReadAllBytes(AgentCheckpoint.PathsFor(prefix).Tensors);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(File.ReadAllBytes(path), writable: false));
            if (reader.ReadString() != StateMagic) throw new InvalidDataException("it is not an Ape-X learner state");
            if (!reader.ReadBytes(32).AsSpan().SequenceEqual(SHA256.HashData(tensors)))
                throw new InvalidDataException($"it belongs to other weights than {Path.GetFileName(AgentCheckpoint.PathsFor(prefix).Tensors)} (a save was cut short)");
            var hash = reader.ReadBytes(32);
            int n = reader.ReadInt32();
            var state = reader.ReadBytes(n);
            if (state.Length != n || !hash.AsSpan().SequenceEqual(SHA256.HashData(state))) throw new InvalidDataException("it is truncated");
            using var inner = new BinaryReader(new MemoryStream(state, writable: false));
            ReadState(inner);
            if (inner.BaseStream.Position != inner.BaseStream.Length) throw new InvalidDataException("bytes are left over");
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentException)
        {
            throw new InvalidDataException($"'{path}' is truncated or corrupt ({e.Message.TrimEnd('.')}); delete it to resume approximately from the weights alone.", e);
        }
        if (!Lockstep) return "asynchronous mode (lockstep=false): the replay memory, the counters and the learner continue, but the actors start afresh and the interleaving of inserts and updates differs";
        if (Hub.AcceptedBatches > 0 && Hub.ActorStatesHeld < Hub.Config.Actors)
            return $"the checkpoint holds the states of {Hub.ActorStatesHeld} of {Hub.Config.Actors} actors";
        return null;
    }

    private byte[] WriteState()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Tag("apex-learner");
            writer.Write(Lockstep);
            writer.Write(_rng);
            writer.Write(_version);
            writer.Write(_updates);
            writer.Write(_episodes);
            writer.Write(_nextLog);
            writer.Write(_nextEval);
            writer.Write(_bookkept);
            writer.Write(_best);
            writer.WriteSpan(_recent.ToArray());
            _metrics.WriteState(writer);
            Hub.WriteState(writer);
        }
        return buffer.ToArray();
    }

    private void ReadState(BinaryReader reader)
    {
        reader.ExpectTag("apex-learner");
        bool lockstep = reader.ReadBoolean();
        if (lockstep != Lockstep) throw new InvalidDataException($"the checkpoint was written with lockstep={(lockstep ? "true" : "false")}, this run has lockstep={(Lockstep ? "true" : "false")}");
        reader.ReadInto(_rng);
        _version = reader.ReadInt64();
        _updates = reader.ReadInt64();
        _episodes = reader.ReadInt64();
        _nextLog = reader.ReadInt64();
        _nextEval = reader.ReadInt64();
        _bookkept = reader.ReadInt64();
        _best = reader.ReadDouble();
        int n = reader.ReadInt32();
        if (n is < 0 or > 100) throw new InvalidDataException($"a window of {n} recent returns");
        for (int i = 0; i < n; i++) _recent.Enqueue(reader.ReadDouble());
        _metrics.ReadState(reader);
        Hub.ReadState(reader);
    }

    /// <summary>Trains until <c>total_steps</c> environment steps arrived, <c>stop_at_return</c> is reached, or <paramref name="cancellation"/>.</summary>
    public async Task<ApexResult> RunAsync(IMetricsSink sink, CancellationToken cancellation)
    {
        if (!_started) throw new InvalidOperationException("Call StartAsync before RunAsync.");
        var grains = _silo.Services.GetRequiredService<IGrainFactory>();
        var shards = Enumerable.Range(0, Options.Shards).Select(i => grains.GetGrain<IReplayShardGrain>(i)).ToArray();
        var step = new UpdateStep(this, shards);
        var clock = Stopwatch.StartNew();
        if (Lockstep)
        {
            // One stored batch at a time: its episodes and due evaluation, then every update the limiter allows, then the next batch.
            while (!cancellation.IsCancellationRequested)
            {
                if (!Hub.BatchPending)
                {
                    try { await Hub.WhenBatchPendingAsync().WaitAsync(cancellation); } catch (OperationCanceledException) { break; }
                    if (Hub.Stopping) break;
                    continue;
                }
                // A resumed run may stop between the bookkeeping of a batch and its updates: it goes on with the updates.
                if (Hub.AcceptedBatches > _bookkept)
                {
                    _bookkept = Hub.AcceptedBatches;
                    if (Bookkeep(sink, clock, cancellation)) break;
                }
                if (Hub.EnvironmentSteps >= Options.TotalSteps) break;
                while (!cancellation.IsCancellationRequested && Hub.TryReserveSample(Options.BatchSize)) await step.RunAsync();
                if (cancellation.IsCancellationRequested) break; // mid-batch: the checkpoint records how far it got
                Hub.MarkProcessed();
            }
        }
        else
        {
            while (!cancellation.IsCancellationRequested)
            {
                if (Bookkeep(sink, clock, cancellation)) break;
                if (Hub.EnvironmentSteps >= Options.TotalSteps) break;
                if (!Hub.TryReserveSample(Options.BatchSize))
                {
                    try { await Task.Delay(2, cancellation); } catch (OperationCanceledException) { break; }
                    continue;
                }
                await step.RunAsync();
            }
        }
        var finalStats = await Task.WhenAll(shards.Select(s => s.GetStats()));
        return new ApexResult(State, clock.Elapsed, Hub.ActorStats(), finalStats, Hub.Refused, _version);
    }

    // The episodes the actors reported become metrics.csv rows at the current step; a snapshot and an evaluation follow
    // when due. Returns true when the evaluation reached stop_at_return.
    private bool Bookkeep(IMetricsSink sink, Stopwatch clock, CancellationToken cancellation)
    {
        long steps = Hub.EnvironmentSteps;
        while (Hub.Episodes.TryDequeue(out var e))
        {
            _episodes++;
            sink.OnEpisode(new EpisodeRecord(steps, _episodes, e.Return, e.Length));
            _recent.Enqueue(e.Return);
            if (_recent.Count > 100) _recent.Dequeue();
        }
        if (steps >= _nextLog)
        {
            _nextLog = (steps / Options.LogInterval + 1) * Options.LogInterval;
            var values = _metrics.TakeSnapshot();
            sink.OnSnapshot(new TrainingSnapshot(steps, Options.TotalSteps, _episodes, _recent.Count > 0 ? _recent.Average() : double.NaN, _updates,
                steps / Math.Max(1e-9, clock.Elapsed.TotalSeconds), clock.Elapsed, Agent.Metrics, values));
        }
        if (steps >= _nextEval && _evalEnv is not null)
        {
            _nextEval = (steps / Options.EvalFrequency + 1) * Options.EvalFrequency;
            var eval = Evaluation.Run(_evalEnv, Agent.Greedy, Options.EvalEpisodes, Evaluation.SeedFor(Seed), steps, cancellation);
            _best = Math.Max(_best, eval.MeanReturn);
            sink.OnEvaluation(eval);
            if (!double.IsNaN(Options.StopAtReturn) && eval.MeanReturn >= Options.StopAtReturn) return true;
        }
        return false;
    }

    /// <summary>One learner update: sample across the shards, train, send the priorities back, copy the target, publish.</summary>
    private sealed class UpdateStep(ApexLearner learner, IReplayShardGrain[] shards)
    {
        private readonly ReplayBatch _batch = new(learner.Options.BatchSize, learner.Agent.ObservationSpace.FlatSize, 1);
        private readonly float[] _td = new float[learner.Options.BatchSize];
        private readonly double[] _priorities = new double[learner.Options.BatchSize];

        public async Task RunAsync()
        {
            var l = learner;
            int b = l.Options.BatchSize, obsSize = l.Agent.ObservationSpace.FlatSize;
            var stats = await Task.WhenAll(shards.Select(s => s.GetStats()));
            var totals = stats.Select(s => s.TotalPriority).ToArray();
            var masses = ShardSampler.Split(totals, b, l._rng);
            var samples = await Task.WhenAll(shards.Select((s, i) => masses[i].Length > 0 ? s.SampleAt(masses[i]) : Task.FromResult(new SampleResult())));
            int row = 0;
            for (int s = 0; s < samples.Length; s++)
            {
                if (!samples[s].Granted) continue;
                var rows = samples[s].Rows;
                for (int i = 0; i < rows.Count; i++, row++)
                {
                    rows.Observations.AsSpan(i * obsSize, obsSize).CopyTo(_batch.Observations.AsSpan(row * obsSize, obsSize));
                    rows.NextObservations.AsSpan(i * obsSize, obsSize).CopyTo(_batch.NextObservations.AsSpan(row * obsSize, obsSize));
                    _batch.DiscreteActions[row] = rows.Actions[i];
                    _batch.Actions[row] = rows.Actions[i];
                    _batch.Returns[row] = rows.Returns[i];
                    _batch.Discounts[row] = rows.Discounts[i];
                    _priorities[row] = samples[s].Priorities[i];
                }
            }
            if (row != b) return; // a shard emptied between the two calls (cannot happen while shards only grow); skip the step
            double total = totals.Sum();
            double minPriority = stats.Where(s => s.MinPriority > 0).Select(s => s.MinPriority).DefaultIfEmpty(0).Min();
            long held = stats.Sum(s => (long)s.Size);
            double progress = Math.Min(1.0, (double)l.Hub.EnvironmentSteps / l.Options.TotalSteps);
            ShardSampler.Weights(_priorities, total, minPriority, held, l.Options.PerBeta + (1 - l.Options.PerBeta) * progress, _batch.Weights);
            _batch.Weighted = true;
            l.Agent.Train(_batch, _td, new UpdateContext(progress, l._rng, l._metrics));
            if (l._metrics.NonFinite is { } bad) throw new TrainingDivergedException($"{bad.Key} = {bad.Value} at update {l._updates + 1}.");
            var updatesDone = new List<Task<int>>(shards.Length);
            row = 0;
            for (int s = 0; s < samples.Length; s++)
            {
                if (!samples[s].Granted) continue;
                int n = samples[s].Keys.Length;
                updatesDone.Add(shards[s].UpdatePriorities(samples[s].Keys, _td.AsSpan(row, n).ToArray()));
                row += n;
            }
            await Task.WhenAll(updatesDone);
            l._updates++;
            if (l._updates % l.Options.TargetUpdateInterval == 0) l.Agent.Target.CopyFrom(l.Agent.Q);
            if (l._updates % l.Options.PublishInterval == 0) l.Publish();
        }
    }

    /// <summary>
    /// <paramref name="result"/> with the shards' and actors' counters read again, after <see cref="StopActorsAsync"/>:
    /// batches that arrived while the actors were being stopped count too (in the step count as well).
    /// </summary>
    public async Task<ApexResult> WithFinalCountersAsync(ApexResult result)
    {
        var grains = _silo.Services.GetRequiredService<IGrainFactory>();
        var stats = await Task.WhenAll(Enumerable.Range(0, Options.Shards).Select(i => grains.GetGrain<IReplayShardGrain>(i).GetStats()));
        return result with { State = State, Shards = stats, Actors = Hub.ActorStats(), Refused = Hub.Refused };
    }

    /// <summary>A greedy evaluation of the learner's network now.</summary>
    public EvaluationRecord Evaluate(CancellationToken cancellation) => _evalEnv is null
        ? throw new InvalidOperationException($"{EnvId} gives no evaluation environment.")
        : Evaluation.Run(_evalEnv, Agent.Greedy, Options.EvalEpisodes, Evaluation.SeedFor(Seed), Hub.EnvironmentSteps, cancellation);

    /// <summary>Tells the actors to stop and waits up to <paramref name="grace"/> for each to hear it.</summary>
    public async Task StopActorsAsync(TimeSpan grace)
    {
        double since = Hub.Now;
        await Hub.CloseAsync();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < grace && Hub.ActorsSeenSince(since) < Hub.KnownActors) await Task.Delay(50);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _silo.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException) { }
        }
        _silo.Dispose();
        (_evalEnv as IDisposable)?.Dispose();
    }

    private void Publish() => Hub.Publish(new ParameterSnapshot(++_version, ParameterCodec.ToBytes(Agent.Q)));
}
