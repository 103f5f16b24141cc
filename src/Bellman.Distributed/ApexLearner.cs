using System.Diagnostics;
using System.Net;
using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Bellman.Distributed.Replay;
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
/// </summary>
public sealed class ApexLearner : IAsyncDisposable
{
    private readonly IHost _silo;
    private readonly EnvironmentSource _source;
    private readonly IEnvironment? _evalEnv;
    private long _version;
    private bool _started;

    /// <summary>Builds the agent, the shards and the silo (not started yet).</summary>
    public ApexLearner(string envId, IReadOnlyDictionary<string, string> envOptions, ApexOptions options, int seed, int actors, int siloPort, int gatewayPort,
        IPAddress? advertise, TextWriter log, TextWriter? batchLog = null)
    {
        options.Validate();
        if (actors <= 0) throw new ArgumentOutOfRangeException(nameof(actors), actors, "--actors must be positive.");
        if (envOptions.Count > 0) throw new ArgumentException("apex does not pass environment options to its actors yet; drop --env-option.");
        _source = EnvironmentSource.FromId(envId, envOptions);
        var probe = _source.Probe;
        if (probe.ActionSpace is not Discrete) throw new ArgumentException($"Ape-X DQN needs a Discrete action space; {envId} has {probe.ActionSpace}.");
        EnvId = envId;
        Options = options;
        Seed = seed;
        DqnOptions = options.ToDqnOptions();
        Agent = new DqnAgent(probe.ObservationSpace, probe.ActionSpace, DqnOptions, new Rng(Rng.DeriveSeed((ulong)seed, 1)));
        _evalEnv = _source.MakeEvaluationEnvironment();
        var config = new ActorConfig
        {
            EnvId = envId, Seed = seed, Actors = actors, EnvsPerActor = options.EnvsPerActor, NSteps = options.NSteps, Gamma = options.Gamma,
            BatchSize = options.ActorBatch, ParameterSyncInterval = options.SyncInterval, Shards = options.Shards, EpsilonBase = options.EpsilonBase,
            EpsilonAlpha = options.EpsilonAlpha, NetArch = options.NetArch, Dueling = options.Dueling,
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
    /// <summary>The run's options.</summary>
    public ApexOptions Options { get; }
    /// <summary>The DQN options the update uses (and a checkpoint records).</summary>
    public DqnOptions DqnOptions { get; }
    /// <summary>The seed.</summary>
    public int Seed { get; }
    /// <summary>The learner's agent (online and target networks, optimizer).</summary>
    public DqnAgent Agent { get; }
    /// <summary>The silo's shared state.</summary>
    public ApexHub Hub { get; }
    /// <summary>Counters of the run so far.</summary>
    public RunState State { get; private set; } = new();

    /// <summary>Starts the silo and publishes the initial parameters (version 1).</summary>
    public async Task StartAsync(CancellationToken cancellation)
    {
        await _silo.StartAsync(cancellation);
        _started = true;
        Publish();
    }

    /// <summary>
    /// A checkpoint that <c>bellman eval</c> and <c>Algorithm.Load</c> read as a DQN agent: the networks, the
    /// optimizer and the run's counters.
    /// </summary>
    public void Save(string prefix)
    {
        var s = State;
        var meta = new CheckpointMetadata("dqn", EnvId, [], Seed, s.Step, s.Episodes, s.Updates,
            double.IsNegativeInfinity(s.BestEvaluation) ? null : s.BestEvaluation,
            OptionBinder.Describe(DqnOptions).ToDictionary(x => x.Key, x => x.Value),
            SpaceDescription.Of(Agent.ObservationSpace), SpaceDescription.Of(Agent.ActionSpace));
        AgentCheckpoint.Save(prefix, Agent.Networks, Agent.Optimizers, meta);
    }

    /// <summary>Trains until <c>total_steps</c> environment steps arrived, <c>stop_at_return</c> is reached, or <paramref name="cancellation"/>.</summary>
    public async Task<ApexResult> RunAsync(IMetricsSink sink, CancellationToken cancellation)
    {
        if (!_started) throw new InvalidOperationException("Call StartAsync before RunAsync.");
        var grains = _silo.Services.GetRequiredService<IGrainFactory>();
        var shards = Enumerable.Range(0, Options.Shards).Select(i => grains.GetGrain<IReplayShardGrain>(i)).ToArray();
        var rng = new Rng(Rng.DeriveSeed((ulong)Seed, 2));
        int b = Options.BatchSize, obsSize = Agent.ObservationSpace.FlatSize;
        var batch = new ReplayBatch(b, obsSize, 1);
        var td = new float[b];
        var priorities = new double[b];
        var metrics = new UpdateMetrics(Agent.Metrics);
        var clock = Stopwatch.StartNew();
        long updates = State.Updates, episodes = State.Episodes;
        double best = State.BestEvaluation;
        long nextLog = Options.LogInterval, nextEval = Options.EvalFrequency > 0 ? Options.EvalFrequency : long.MaxValue;
        var recent = new Queue<double>();
        bool solved = false;
        while (!cancellation.IsCancellationRequested && !solved)
        {
            long steps = Hub.EnvironmentSteps;
            while (Hub.Episodes.TryDequeue(out var e))
            {
                episodes++;
                sink.OnEpisode(new EpisodeRecord(steps, episodes, e.Return, e.Length));
                recent.Enqueue(e.Return);
                if (recent.Count > 100) recent.Dequeue();
            }
            State = new RunState { Step = steps, Episodes = episodes, Updates = updates, BestEvaluation = best };
            if (steps >= nextLog)
            {
                nextLog = (steps / Options.LogInterval + 1) * Options.LogInterval;
                var values = metrics.TakeSnapshot();
                sink.OnSnapshot(new TrainingSnapshot(steps, Options.TotalSteps, episodes, recent.Count > 0 ? recent.Average() : double.NaN, updates,
                    steps / Math.Max(1e-9, clock.Elapsed.TotalSeconds), clock.Elapsed, Agent.Metrics, values));
            }
            if (steps >= nextEval && _evalEnv is not null)
            {
                nextEval = (steps / Options.EvalFrequency + 1) * Options.EvalFrequency;
                var eval = Evaluation.Run(_evalEnv, Agent.Greedy, Options.EvalEpisodes, Evaluation.SeedFor(Seed), steps, cancellation);
                best = Math.Max(best, eval.MeanReturn);
                State = State with { BestEvaluation = best };
                sink.OnEvaluation(eval);
                if (!double.IsNaN(Options.StopAtReturn) && eval.MeanReturn >= Options.StopAtReturn) solved = true;
                continue;
            }
            if (steps >= Options.TotalSteps) break;
            if (!Hub.TryReserveSample(b))
            {
                try { await Task.Delay(2, cancellation); } catch (OperationCanceledException) { break; }
                continue;
            }
            var stats = await Task.WhenAll(shards.Select(s => s.GetStats()));
            var totals = stats.Select(s => s.TotalPriority).ToArray();
            var masses = ShardSampler.Split(totals, b, rng);
            var samples = await Task.WhenAll(shards.Select((s, i) => masses[i].Length > 0 ? s.SampleAt(masses[i]) : Task.FromResult(new SampleResult())));
            int row = 0;
            for (int s = 0; s < samples.Length; s++)
            {
                if (!samples[s].Granted) continue;
                var rows = samples[s].Rows;
                for (int i = 0; i < rows.Count; i++, row++)
                {
                    rows.Observations.AsSpan(i * obsSize, obsSize).CopyTo(batch.Observations.AsSpan(row * obsSize, obsSize));
                    rows.NextObservations.AsSpan(i * obsSize, obsSize).CopyTo(batch.NextObservations.AsSpan(row * obsSize, obsSize));
                    batch.DiscreteActions[row] = rows.Actions[i];
                    batch.Actions[row] = rows.Actions[i];
                    batch.Returns[row] = rows.Returns[i];
                    batch.Discounts[row] = rows.Discounts[i];
                    priorities[row] = samples[s].Priorities[i];
                }
            }
            if (row != b) continue; // a shard emptied between the two calls (cannot happen while shards only grow); skip the step
            double total = totals.Sum();
            double minPriority = stats.Where(s => s.MinPriority > 0).Select(s => s.MinPriority).DefaultIfEmpty(0).Min();
            long held = stats.Sum(s => (long)s.Size);
            double progress = Math.Min(1.0, (double)steps / Options.TotalSteps);
            ShardSampler.Weights(priorities, total, minPriority, held, Options.PerBeta + (1 - Options.PerBeta) * progress, batch.Weights);
            batch.Weighted = true;
            Agent.Train(batch, td, new UpdateContext(progress, rng, metrics));
            if (metrics.NonFinite is { } bad) throw new TrainingDivergedException($"{bad.Key} = {bad.Value} at update {updates + 1}.");
            var updatesDone = new List<Task<int>>(shards.Length);
            row = 0;
            for (int s = 0; s < samples.Length; s++)
            {
                if (!samples[s].Granted) continue;
                int n = samples[s].Keys.Length;
                updatesDone.Add(shards[s].UpdatePriorities(samples[s].Keys, td.AsSpan(row, n).ToArray()));
                row += n;
            }
            await Task.WhenAll(updatesDone);
            updates++;
            if (updates % Options.TargetUpdateInterval == 0) Agent.Target.CopyFrom(Agent.Q);
            if (updates % Options.PublishInterval == 0) Publish();
        }
        State = new RunState { Step = Hub.EnvironmentSteps, Episodes = episodes, Updates = updates, BestEvaluation = best };
        var finalStats = await Task.WhenAll(shards.Select(s => s.GetStats()));
        return new ApexResult(State, clock.Elapsed, Hub.ActorStats(), finalStats, Hub.Refused, _version);
    }

    /// <summary>
    /// <paramref name="result"/> with the shards' and actors' counters read again, after <see cref="StopActorsAsync"/>:
    /// batches that arrived while the actors were being stopped count too.
    /// </summary>
    public async Task<ApexResult> WithFinalCountersAsync(ApexResult result)
    {
        var grains = _silo.Services.GetRequiredService<IGrainFactory>();
        var stats = await Task.WhenAll(Enumerable.Range(0, Options.Shards).Select(i => grains.GetGrain<IReplayShardGrain>(i).GetStats()));
        return result with { Shards = stats, Actors = Hub.ActorStats(), Refused = Hub.Refused };
    }

    /// <summary>A greedy evaluation of the learner's network now.</summary>
    public EvaluationRecord Evaluate(CancellationToken cancellation) => _evalEnv is null
        ? throw new InvalidOperationException($"{EnvId} gives no evaluation environment.")
        : Evaluation.Run(_evalEnv, Agent.Greedy, Options.EvalEpisodes, Evaluation.SeedFor(Seed), State.Step, cancellation);

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
