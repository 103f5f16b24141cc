using System.Diagnostics;
using System.Net;
using Bellman.Distributed;
using Bellman.Distributed.Replay;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

using System.ComponentModel;
using Bellman.Cli.Infrastructure;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>Settings of <c>bench apex</c>.</summary>
public sealed class ApexBenchSettings : CommandSettings
{
    /// <summary>Transitions per inserted batch.</summary>
    [CommandOption("--rows <N>")]
    [Description("Transitions per inserted batch (default 64; Ape-X sends 50-100).")]
    public int Rows { get; init; } = 64;
}

/// <summary><c>bellman bench apex</c>: Ape-X's per-message costs (see <see cref="ApexMessages"/>).</summary>
public sealed class ApexBenchCommand(CliIO io) : Command<ApexBenchSettings>
{
    /// <inheritdoc/>
    public override int Execute(CommandContext context, ApexBenchSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Rows is < 1 or > 4096) throw new CliException($"--rows = {settings.Rows} must be in 1..4096.");
        ApexMessages.Run(io.Out, settings.Rows);
        return 0;
    }
}

/// <summary>
/// `bellman bench apex [--rows N]`: the per-message costs of Ape-X on Orleans, measured through a real silo and a client in
/// this process over loopback TCP (the path an actor on another machine takes, minus the wire): insert a batch of
/// <c>rows</c> CartPole transitions, read a shard's stats, sample 64 rows, update 64 priorities, fetch the Q-network's
/// parameters (the default [128, 128] net), each as bytes on the wire (Orleans' serializer) and wall-clock µs
/// per call (median of rounds). The same shard operations in process give the Orleans path's overhead.
/// </summary>
internal static class ApexMessages
{
    public static void Run(TextWriter output, int rows)
    {
        const int obsSize = 4, actions = 2, sample = 64;
        var options = new ApexOptions { Shards = 1, BufferSize = 100_000, MinReplay = 1, SamplesPerInsert = 0, Lockstep = false };
        var config = new ActorConfig { Actors = 1, Shards = 1, EnvId = "CartPole-v1" };
        var hub = new ApexHub(options, config, obsSize, actions, TextWriter.Null);
        int siloPort = ApexRun.FreePort(), gatewayPort = ApexRun.FreePort();
        using var silo = ApexHosting.BuildSilo(hub, siloPort, gatewayPort, null);
        silo.StartAsync().GetAwaiter().GetResult();
        using var client = ApexHosting.BuildClient(new IPEndPoint(IPAddress.Loopback, gatewayPort));
        client.StartAsync().GetAwaiter().GetResult();
        try
        {
            var factory = client.Services.GetRequiredService<IClusterClient>();
            var serializer = client.Services.GetRequiredService<Serializer>();
            var shard = factory.GetGrain<IReplayShardGrain>(0);
            var coordinator = factory.GetGrain<ICoordinatorGrain>(0);
            coordinator.Register(0).GetAwaiter().GetResult();
            var rng = new Rng(1);
            var batch = Batch(rows, obsSize, rng);
            var q = Bellman.Algorithms.Networks.QNetwork.Create([obsSize], actions,
                new Bellman.Algorithms.Networks.NetworkSpec(Bellman.Algorithms.Networks.PolicyKind.Mlp, [128, 128], [], 3, 1), false, new Rng(2));
            hub.Publish(new ParameterSnapshot(1, ParameterCodec.ToBytes(q)));
            // Fill the shard so that sampling walks a deep tree, as in a run.
            for (int i = 0; i < 20_000 / rows + 1; i++) shard.Insert(batch with { Sequence = i }).GetAwaiter().GetResult();
            var masses = new double[sample];
            double total = hub.Shards[0].TotalPriority;
            for (int i = 0; i < sample; i++) masses[i] = total * (i + 0.5) / sample;
            var drawn = shard.SampleAt(masses).GetAwaiter().GetResult();
            var td = new float[sample];
            for (int i = 0; i < sample; i++) td[i] = (float)rng.NextDouble();

            output.WriteLine($"Ape-X per-message costs, loopback TCP in one process, median of 15 rounds (noisy when the machine is busy; load {Load()})");
            output.WriteLine("bytes: the arguments and the reply as Orleans' serializer writes them, without its message header");
            output.WriteLine($"{"message",-34} {"request B",10} {"reply B",9} {"µs/call",9} {"in-process µs",14}");
            var local = new ReplayShard(100_000, obsSize, actions);
            for (int i = 0; i < 20_000 / rows + 1; i++) local.Insert(batch);
            Row(output, $"insert batch of {rows}", Bytes(serializer, batch), Bytes(serializer, new InsertResult(InsertStatus.Accepted, null)),
                Micro(() => shard.Insert(batch).GetAwaiter().GetResult(), 200), Micro(() => local.Insert(batch), 2000));
            Row(output, "shard stats", Bytes(serializer, 0L), Bytes(serializer, hub.Shards[0].Stats()), Micro(() => shard.GetStats().GetAwaiter().GetResult(), 400),
                Micro(() => local.Stats(), 20000));
            Row(output, $"sample {sample} rows", Bytes(serializer, masses), Bytes(serializer, drawn), Micro(() => shard.SampleAt(masses).GetAwaiter().GetResult(), 200),
                Micro(() => local.SampleAt(masses), 2000));
            Row(output, $"update {sample} priorities", Bytes(serializer, drawn.Keys) + Bytes(serializer, td), Bytes(serializer, sample),
                Micro(() => shard.UpdatePriorities(drawn.Keys, td).GetAwaiter().GetResult(), 200), Micro(() => local.UpdatePriorities(drawn.Keys, td), 2000));
            var p = hub.Parameters!;
            Row(output, $"parameter fetch ({p.Weights.Length / 4} floats)", Bytes(serializer, 0) + Bytes(serializer, 0L), Bytes(serializer, p),
                Micro(() => coordinator.GetParameters(0, 0).GetAwaiter().GetResult(), 100), Micro(() => ParameterCodec.Load(q, p.Weights), 1000));
            Row(output, "parameter check (no new version)", Bytes(serializer, 0) + Bytes(serializer, long.MaxValue), Bytes(serializer, (ParameterSnapshot?)null), Micro(() => coordinator.GetParameters(0, long.MaxValue).GetAwaiter().GetResult(), 400), 0);
            double insertUs = Micro(() => shard.Insert(batch).GetAwaiter().GetResult(), 200), localUs = Micro(() => local.Insert(batch), 2000);
            output.WriteLine(FormattableString.Invariant(
                $"transitions/s through one replay grain (one caller, sequential): {rows / insertUs * 1e6:0}; in process: {rows / localUs * 1e6:0} ({insertUs / localUs:0.#}x)"));
        }
        finally
        {
            client.StopAsync().GetAwaiter().GetResult();
            silo.StopAsync().GetAwaiter().GetResult();
        }
    }

    private static TransitionBatch Batch(int rows, int obsSize, Rng rng)
    {
        float[] F(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() - 0.5); return a; }
        return new TransitionBatch
        {
            ActorId = 0, ObservationSize = obsSize, Observations = F(rows * obsSize), NextObservations = F(rows * obsSize),
            Actions = [.. Enumerable.Range(0, rows).Select(i => i % 2)], Returns = F(rows), Discounts = [.. Enumerable.Repeat(0.97f, rows)],
            Priorities = [.. F(rows).Select(MathF.Abs)], EnvironmentSteps = rows, EpisodeReturns = [20], EpisodeLengths = [20],
        };
    }

    private static int Bytes<T>(Serializer serializer, T value) => serializer.SerializeToArray(value).Length;

    // Wall-clock µs per call: the median over 15 rounds of `calls` calls after one untimed round (RPCs run on other threads too).
    private static double Micro(Action call, int calls)
    {
        for (int i = 0; i < calls; i++) call();
        var times = new double[15];
        for (int r = 0; r < times.Length; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < calls; i++) call();
            times[r] = clock.Elapsed.TotalMicroseconds / calls;
        }
        Array.Sort(times);
        return times[times.Length / 2];
    }

    private static void Row(TextWriter output, string name, int request, int reply, double micros, double local) =>
        output.WriteLine(FormattableString.Invariant($"{name,-34} {request,10} {reply,9} {micros,9:0.0} {(local > 0 ? local.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "-"),14}"));

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
