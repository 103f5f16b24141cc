using System.Text.Json;

namespace Bellman.Distributed.Tests;

/// <summary>
/// Learner and actors as separate processes over Orleans' TCP transport on loopback (not the in-memory
/// test transport): what the actors sent arrives byte for byte, malformed batches are refused with a
/// logged reason, the learner trains, and an actor killed with SIGKILL can be restarted and contributes.
/// </summary>
[Collection("processes")]
public sealed class LoopbackTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bellman-apex-" + Guid.NewGuid().ToString("N")[..8]);

    public LoopbackTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string P(string name) => Path.Combine(_dir, name);

    private BellmanProcess Learner(int gateway, long steps, params string[] extra) => new(
    [
        "apex", "learner", "--env", "CartPole-v1", "--actors", "2", "--seed", "3", "--steps", steps.ToString(), "--out", P("run"),
        "--silo-port", BellmanProcess.FreePort().ToString(), "--gateway-port", gateway.ToString(), "--batch-log", P("learner-batches.txt"),
        "--set", "min_replay=500", "--set", "eval_freq=0", "--set", "log_interval=1000", "--set", "net_arch=[32]", "--set", "envs_per_actor=2",
        "--set", "sync_interval=50", .. extra,
    ]);

    private BellmanProcess Actor(int gateway, int index, string log, params string[] extra) =>
        new(["apex", "actor", "--learner", $"127.0.0.1:{gateway}", "--index", index.ToString(), "--batch-log", P(log), .. extra]);

    private static string[] ReadLines(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];

    [Fact]
    public void Every_batch_the_actors_sent_arrives_byte_exact_and_the_learner_trains()
    {
        int gateway = BellmanProcess.FreePort();
        using var learner = Learner(gateway, 6000);
        learner.WaitForLine(l => l.StartsWith("learner gateway", StringComparison.Ordinal), Startup, "learner start");
        using var a0 = Actor(gateway, 0, "a0.txt", "--bad-batches", "2");
        using var a1 = Actor(gateway, 1, "a1.txt");
        Assert.True(learner.WaitForExit(TimeSpan.FromSeconds(120)) == 0, learner.Output);
        Assert.Equal(0, a0.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, a1.WaitForExit(TimeSpan.FromSeconds(30)));

        var received = ReadLines(P("learner-batches.txt"));
        var sent = ReadLines(P("a0.txt")).Concat(ReadLines(P("a1.txt"))).ToArray();
        Assert.NotEmpty(ReadLines(P("a0.txt")));
        Assert.NotEmpty(ReadLines(P("a1.txt")));
        // Every accepted batch the actors logged is in the learner's log with the same content hash; the learner may
        // hold at most one more per actor (stored as the run stopped, before the answer reached the actor).
        var missing = sent.Except(received).ToArray();
        Assert.True(missing.Length == 0, $"batches sent but not received intact: {string.Join("; ", missing.Take(5))}");
        Assert.InRange(received.Length - sent.Length, 0, 2);
        Assert.Equal(received.Length, received.Distinct().Count());
        // Per actor, the sequences the learner stored are 0, 1, 2, … without a gap.
        foreach (var actor in new[] { "0", "1" })
        {
            var seqs = received.Select(l => l.Split(' ')).Where(p => p[0] == actor).Select(p => long.Parse(p[1])).Order().ToArray();
            Assert.Equal(Enumerable.Range(0, seqs.Length).Select(i => (long)i), seqs);
        }

        // The two malformed batches were refused with their reasons logged, and did not count.
        var log = File.ReadAllText(P("run/learner.log"));
        Assert.Contains("observation size 5, expected 4", log);
        Assert.Contains("is not finite", log);
        using var summary = JsonDocument.Parse(File.ReadAllText(P("run/summary.json")));
        var root = summary.RootElement;
        Assert.Equal(2, root.GetProperty("batches_refused").GetInt64());
        Assert.True(root.GetProperty("gradient_steps").GetInt64() > 50, $"too few updates: {root}");
        Assert.Equal(received.Sum(l => long.Parse(l.Split(' ')[2])), root.GetProperty("transitions_inserted").GetInt64());
        Assert.True(File.Exists(P("run/checkpoints/latest.safetensors")));
        Assert.True(File.Exists(P("run/actors.csv")));
        Assert.StartsWith("kind,step,episode", File.ReadLines(P("run/metrics.csv")).First());
    }

    [Fact]
    public void An_actor_killed_with_sigkill_is_replaced_and_nothing_the_other_sent_is_lost()
    {
        int gateway = BellmanProcess.FreePort();
        // A budget the test never reaches: it ends the learner with SIGTERM, which must leave a loadable checkpoint.
        using var learner = Learner(gateway, 100_000_000);
        learner.WaitForLine(l => l.StartsWith("learner gateway", StringComparison.Ordinal), Startup, "learner start");
        using var a1 = Actor(gateway, 1, "a1.txt");
        string? restartedVersion;
        using (var a0 = Actor(gateway, 0, "a0-first.txt"))
        {
            WaitFor(() => ReadLines(P("a0-first.txt")).Length >= 15, "actor 0's first batches", a0);
            a0.KillHard();
            a0.WaitForExit(TimeSpan.FromSeconds(10));
        }
        int a1Before = ReadLines(P("a1.txt")).Length;
        // The learner goes on with actor 1 alone.
        WaitFor(() => ReadLines(P("a1.txt")).Length >= a1Before + 10, "actor 1 to go on after the kill", a1);
        Assert.False(learner.HasExited, learner.Output);
        using (var again = Actor(gateway, 0, "a0-second.txt"))
        {
            again.WaitForLine(l => l.Contains("parameters version", StringComparison.Ordinal), Startup, "restarted actor's parameters");
            restartedVersion = again.Lines.First(l => l.Contains("parameters version", StringComparison.Ordinal)).Split(' ')[^1];
            WaitFor(() => ReadLines(P("a0-second.txt")).Length >= 10, "the restarted actor's batches", again);
            learner.Terminate();
            Assert.True(learner.WaitForExit(TimeSpan.FromSeconds(60)) == 143, learner.Output);
            Assert.Equal(0, again.WaitForExit(TimeSpan.FromSeconds(30)));
        }
        Assert.Equal(0, a1.WaitForExit(TimeSpan.FromSeconds(30)));

        // The restarted actor started from the latest parameters, not from version 1.
        Assert.True(long.Parse(restartedVersion!) > 1, $"restarted actor loaded version {restartedVersion}");
        var received = ReadLines(P("learner-batches.txt"));
        Assert.Empty(ReadLines(P("a0-second.txt")).Except(received));
        // Nothing actor 1 sent was lost, and what the first actor 0 got accepted before the kill is there too.
        Assert.Empty(ReadLines(P("a1.txt")).Except(received));
        Assert.Empty(ReadLines(P("a0-first.txt")).Except(received));
        var log = File.ReadAllText(P("run/learner.log"));
        Assert.Contains("actor 0 registered (registration 2)", log);
        var actors = File.ReadAllLines(P("run/actors.csv"));
        Assert.StartsWith("0,", actors[1]);
        Assert.Equal("2", actors[1].Split(',')[5]);
        // The interrupted learner's checkpoint loads as a DQN agent.
        using var agent = Bellman.Algorithms.Training.Algorithm.Load(P("run/checkpoints/latest"));
        Assert.Equal("dqn", agent.Name);
        Assert.True(agent.State.Updates > 0);
        using var summary = JsonDocument.Parse(File.ReadAllText(P("run/summary.json")));
        Assert.Equal("interrupted", summary.RootElement.GetProperty("status").GetString());
    }

    private static void WaitFor(Func<bool> condition, string what, BellmanProcess process)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(90)) Assert.Fail($"no {what} within 90 s:\n{process.Output}");
            Thread.Sleep(50);
        }
    }
}
