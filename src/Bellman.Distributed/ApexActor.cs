using System.Diagnostics;
using System.Net;
using Bellman.Algorithms.Exploration;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.State;
using Bellman.Environments.Vector;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bellman.Distributed;

/// <summary>What an actor did before it stopped.</summary>
/// <param name="EnvironmentSteps">Environment steps taken.</param>
/// <param name="Batches">Batches the shards accepted.</param>
/// <param name="Transitions">Transitions in them.</param>
/// <param name="Throttled">Times a batch was held back by the rate limiter and sent again.</param>
/// <param name="ParameterUpdates">Parameter snapshots loaded.</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="Reason">Why it stopped.</param>
public sealed record ActorSummary(long EnvironmentSteps, long Batches, long Transitions, long Throttled, long ParameterUpdates, TimeSpan Elapsed, string Reason);

/// <summary>
/// An Ape-X actor: an Orleans client of the learner's gateway with K environments and a local copy of the
/// Q-network. It acts ε_i-greedily (ε_i = 0.4^(1 + 7 i / (N − 1))), forms n-step transitions
/// (<see cref="NStepBuilder"/>), computes their initial priorities |δ| = |R + γ^m max_a Q(s', a) − Q(s, a)|
/// with its own network, sends them in batches to the shards in turn (again, after a pause, when the rate
/// limiter throttles them) and every <c>sync_interval</c> steps asks whether to go on and fetches the
/// parameters when their version changed. In lock-step mode it waits after every stored batch until the
/// learner has done the updates that batch is due, and sends its whole state (environments in mid-episode,
/// generator, n-step windows, counters) with each batch: a restarted actor, or the actor of a resumed run,
/// continues from the state of its last stored batch exactly as if nothing had happened.
/// </summary>
public static class ApexActor
{
    /// <summary>Runs actor <paramref name="index"/> against the gateway at <paramref name="learner"/> until the learner says stop.</summary>
    /// <param name="learner">The learner's gateway.</param>
    /// <param name="index">This actor's index i (0-based).</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="batchLog">If not null, a line (actor, sequence, rows, checksum) per accepted batch.</param>
    /// <param name="badBatches">Malformed batches to send first (a fault-injection test of the shards' checks).</param>
    /// <param name="connectTimeout">How long to keep trying to reach the learner.</param>
    /// <param name="cancellation">Stops the actor.</param>
    public static async Task<ActorSummary> RunAsync(IPEndPoint learner, int index, TextWriter log, TextWriter? batchLog, int badBatches, TimeSpan connectTimeout,
        CancellationToken cancellation)
    {
        if (index < 0) throw new ArgumentOutOfRangeException(nameof(index), index, "--index must be non-negative.");
        var clock = Stopwatch.StartNew();
        using var host = await ConnectAsync(learner, connectTimeout, log, cancellation);
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();
            return await RunConnectedAsync(client, index, log, batchLog, badBatches, clock, cancellation);
        }
        finally
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await host.StopAsync(timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or OrleansException or TimeoutException) { }
        }
    }

    private static async Task<IHost> ConnectAsync(IPEndPoint learner, TimeSpan timeout, TextWriter log, CancellationToken cancellation)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var host = ApexHosting.BuildClient(learner);
            try
            {
                await host.StartAsync(cancellation);
                return host;
            }
            catch (Exception e) when (e is not OperationCanceledException && deadline.Elapsed < timeout)
            {
                host.Dispose();
                log.WriteLine($"learner {learner} not reachable yet ({e.GetType().Name}); retrying");
                await Task.Delay(500, cancellation);
            }
            catch
            {
                host.Dispose();
                throw;
            }
        }
    }

    private static async Task<ActorSummary> RunConnectedAsync(IClusterClient client, int index, TextWriter log, TextWriter? batchLog, int badBatches, Stopwatch clock,
        CancellationToken cancellation)
    {
        var coordinator = client.GetGrain<ICoordinatorGrain>(0);
        var config = await coordinator.Register(index);
        var shards = Enumerable.Range(0, config.Shards).Select(i => client.GetGrain<IReplayShardGrain>(i)).ToArray();
        var source = EnvironmentSource.FromId(config.EnvId);
        int k = config.EnvsPerActor;
        using var envs = new SyncVectorEnvironment(source.TrainingFactories(k));
        int obsSize = envs.ObservationSize;
        var agent = new DqnAgent(envs.SingleObservationSpace, envs.SingleActionSpace, new DqnOptions { NetArch = config.NetArch, Dueling = config.Dueling },
            new Rng(Rng.DeriveSeed((ulong)config.Seed, 100 + (ulong)index)));
        int actions = agent.ActionCount;
        // Actor i's generator and environment seeds come from (run seed, i, registration): a restarted actor draws fresh ones.
        var actorSeed = Rng.DeriveSeed(Rng.DeriveSeed((ulong)config.Seed, 1000 + (ulong)index), (ulong)config.Registration);
        var rng = new Rng(actorSeed);
        double epsilon = ApexOptions.ActorEpsilon(index, config.Actors, config.EpsilonBase, config.EpsilonAlpha);
        log.WriteLine(FormattableString.Invariant($"actor {index}: {config.EnvId}, {k} envs, epsilon {epsilon:0.####}, n = {config.NSteps}, {config.Shards} shards"));

        long version = 0, parameterUpdates = 0;
        async Task Sync()
        {
            var p = await coordinator.GetParameters(index, version);
            if (p is null) return;
            ParameterCodec.Load(agent.Q, p.Weights);
            if (parameterUpdates == 0) log.WriteLine($"actor {index}: parameters version {p.Version}");
            version = p.Version;
            parameterUpdates++;
        }
        bool restored = config.Lockstep && config.ResumeState is not null;
        if (!restored) await Sync();

        long sequence = 0, accepted = 0, transitions = 0, throttled = 0, steps = 0, stepsInBatch = 0;
        var episodeReturns = new List<double>();
        var episodeLengths = new List<int>();

        for (int j = 0; j < badBatches && !restored; j++)
        {
            var bad = Malformed(index, -1 - j, obsSize, j);
            var result = await shards[j % shards.Length].Insert(bad);
            log.WriteLine($"actor {index}: malformed batch {j} -> {result.Status}: {result.Reason}");
        }

        var builder = new NStepBuilder(k, obsSize, config.NSteps, config.Gamma);
        var obs = envs.Reset(unchecked((int)(actorSeed & 0x7fffffff))).ToArray();
        var q = new float[k * actions];
        var chosen = new int[k];
        long vectorSteps = 0;
        if (restored)
        {
            if (config.ResumeWeights is { } weights)
            {
                ParameterCodec.Load(agent.Q, weights.Weights);
                version = weights.Version;
            }
            using (var reader = new BinaryReader(new MemoryStream(config.ResumeState!)))
            {
                reader.ExpectTag("apex-actor");
                int savedIndex = reader.ReadInt32();
                if (savedIndex != index) throw new InvalidDataException($"actor {index} was handed the state of actor {savedIndex}");
                envs.ReadState(reader);
                reader.ReadInto(rng);
                builder.ReadState(reader);
                reader.ReadInto(obs.AsSpan());
                steps = reader.ReadInt64();
                vectorSteps = reader.ReadInt64();
                sequence = reader.ReadInt64();
                accepted = reader.ReadInt64();
                transitions = reader.ReadInt64();
                parameterUpdates = reader.ReadInt64();
                stepsInBatch = reader.ReadInt64();
            }
            log.WriteLine($"actor {index}: continues from its state after batch {sequence - 1} ({steps} steps, parameters version {version})");
            if (!await coordinator.WaitForLearner(index)) return Summary("the learner finished");
        }
        // The state right after a batch was built, with the counters as they will be once it is stored: what a restart continues from.
        byte[] Capture()
        {
            using var buffer = new MemoryStream();
            using (var writer = new BinaryWriter(buffer))
            {
                writer.Tag("apex-actor");
                writer.Write(index);
                envs.WriteState(writer);
                writer.Write(rng);
                builder.WriteState(writer);
                writer.WriteSpan(obs);
                writer.Write(steps);
                writer.Write(vectorSteps);
                writer.Write(sequence + 1);
                writer.Write(accepted + 1);
                writer.Write(transitions + config.BatchSize);
                writer.Write(parameterUpdates);
                writer.Write(stepsInBatch);
            }
            return buffer.ToArray();
        }
        string reason = "the learner finished";
        bool midStep = restored; // a restored actor continues after the batch it had just built
        while (!cancellation.IsCancellationRequested)
        {
            if (midStep) midStep = false;
            else
            {
                agent.QValues(obs, k, q);
                for (int i = 0; i < k; i++)
                    chosen[i] = rng.NextDouble() < epsilon ? rng.NextInt(actions) : Explore.Greedy(q.AsSpan(i * actions, actions));
                envs.Step(chosen);
                var nextObs = envs.Observations;
                for (int i = 0; i < k; i++)
                {
                    bool ended = envs.EndedThisStep[i];
                    var next = ended ? envs.FinalObservations.Slice(i * obsSize, obsSize) : nextObs.Slice(i * obsSize, obsSize);
                    builder.Add(i, obs.AsSpan(i * obsSize, obsSize), chosen[i], envs.Rewards[i], next, envs.Terminated[i], envs.Truncated[i]);
                    if (ended)
                    {
                        episodeReturns.Add(envs.FinalReturns[i]);
                        episodeLengths.Add(envs.FinalLengths[i]);
                    }
                }
                nextObs.CopyTo(obs);
                steps += k;
                stepsInBatch += k;
                vectorSteps++;
            }
            while (builder.Ready.Count >= config.BatchSize)
            {
                var batch = Build(agent, builder, config.BatchSize, index, sequence, obsSize, (int)stepsInBatch, episodeReturns, episodeLengths, version);
                stepsInBatch = 0;
                episodeReturns.Clear();
                episodeLengths.Clear();
                if (config.Lockstep) batch = batch with { ActorState = Capture() };
                var shard = shards[(int)((index + sequence) % shards.Length)];
                while (true)
                {
                    var result = await shard.Insert(batch);
                    if (result.Status == InsertStatus.Accepted) break;
                    if (result.Status == InsertStatus.Closed) return Summary("the learner finished");
                    if (result.Status == InsertStatus.Refused) throw new InvalidOperationException($"actor {index}: the shard refused batch {sequence}: {result.Reason}");
                    throttled++;
                    if (throttled % 200 == 0 && !await coordinator.KeepRunning(index)) return Summary("the learner finished");
                    await Task.Delay(config.Lockstep ? 1 : 5, cancellation);
                }
                if (batchLog is not null)
                {
                    batchLog.WriteLine(BatchChecksum.LogLine(batch));
                    batchLog.Flush();
                }
                sequence++;
                accepted++;
                transitions += batch.Count;
                // Lock-step: nothing else happens (no step, no fetch, no next batch) until the learner is done with this one.
                if (config.Lockstep && !await coordinator.WaitForLearner(index)) return Summary("the learner finished");
            }
            if (vectorSteps % config.ParameterSyncInterval == 0)
            {
                if (!await coordinator.KeepRunning(index)) break;
                await Sync();
            }
            if (config.MaxStepsPerActor > 0 && steps >= config.MaxStepsPerActor)
            {
                reason = "its step budget is spent";
                break;
            }
        }
        if (cancellation.IsCancellationRequested) reason = "it was interrupted";
        return Summary(reason);

        ActorSummary Summary(string why)
        {
            log.WriteLine(FormattableString.Invariant($"actor {index}: {steps} steps, {accepted} batches ({transitions} transitions), {throttled} throttled, {parameterUpdates} parameter loads; stopped because {why}"));
            return new ActorSummary(steps, accepted, transitions, throttled, parameterUpdates, clock.Elapsed, why);
        }
    }

    private static TransitionBatch Build(DqnAgent agent, NStepBuilder builder, int count, int index, long sequence, int obsSize, int envSteps,
        List<double> episodeReturns, List<int> episodeLengths, long version)
    {
        var obs = new float[count * obsSize];
        var next = new float[count * obsSize];
        var acts = new int[count];
        var returns = new float[count];
        var discounts = new float[count];
        for (int i = 0; i < count; i++)
        {
            var t = builder.Ready[i];
            t.Obs.CopyTo(obs, i * obsSize);
            t.Next.CopyTo(next, i * obsSize);
            acts[i] = t.Action;
            returns[i] = t.Return;
            discounts[i] = t.Discount;
        }
        builder.Ready.RemoveRange(0, count);
        // Initial priorities from the actor's own network: |R + γ^m max_a Q(s', a) − Q(s, a)|.
        int a = agent.ActionCount;
        var q = new float[count * a];
        var nextQ = new float[count * a];
        agent.QValues(obs, count, q);
        agent.QValues(next, count, nextQ);
        var targets = new float[count];
        TdTargets.MaxTargets(returns, discounts, nextQ, a, targets);
        var priorities = new float[count];
        for (int i = 0; i < count; i++) priorities[i] = MathF.Abs(targets[i] - q[i * a + acts[i]]);
        return new TransitionBatch
        {
            ActorId = index, Sequence = sequence, ObservationSize = obsSize, Observations = obs, Actions = acts, Returns = returns, Discounts = discounts,
            NextObservations = next, Priorities = priorities, EnvironmentSteps = envSteps, EpisodeReturns = [.. episodeReturns], EpisodeLengths = [.. episodeLengths],
            ParameterVersion = version,
        };
    }

    // Fault injection: alternately a batch with the wrong observation size and one with a NaN reward.
    private static TransitionBatch Malformed(int index, long sequence, int obsSize, int kind)
    {
        int size = kind % 2 == 0 ? obsSize + 1 : obsSize;
        var returns = new float[] { kind % 2 == 0 ? 1f : float.NaN };
        return new TransitionBatch
        {
            ActorId = index, Sequence = sequence, ObservationSize = size, Observations = new float[size], NextObservations = new float[size], Actions = [0],
            Returns = returns, Discounts = [0.99f], Priorities = [1f], EnvironmentSteps = 1,
        };
    }
}
