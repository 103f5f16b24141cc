using System.Security.Cryptography;
using System.Text.Json;

namespace Bellman.Distributed.Tests;

/// <summary>
/// Lock-step mode (the default with one actor) end to end, as separate processes over loopback TCP: two runs
/// with the same seed write the same metrics.csv, eval.csv and final weights byte for byte, and a run stopped
/// with SIGTERM and continued with <c>--resume</c> ends with the same bytes as the uninterrupted run.
/// </summary>
[Collection("processes")]
public sealed class LockstepTests(LockstepTests.Runs runs) : IClassFixture<LockstepTests.Runs>
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "bellman-lockstep-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The uninterrupted reference run, shared by both tests; its folder and the others go when they are done.</summary>
    public sealed class Runs : IDisposable
    {
        public Lazy<string> Reference { get; } = new(() => Train("reference"));

        public void Dispose()
        {
            try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private Lazy<string> Reference => runs.Reference;
    private static readonly string[] Files = ["metrics.csv", "eval.csv", "checkpoints/latest.safetensors"];

    // The budget. The run after its first evaluation must outlast the time SIGTERM takes to arrive: at 5,000 steps the
    // rest of this run took 0.15 s, and once it finished first (its checkpoint was at step 5,060).
    private const int Steps = 40_000;

    private static string[] Args(string folder) =>
    [
        "train", "apex", "--env", "CartPole-v1", "--actors", "1", "--seed", "5", "--steps", $"{Steps}", "--out", folder,
        "--set", "min_replay=500", "--set", "eval_freq=1000", "--set", "eval_episodes=3", "--set", "net_arch=[32]", "--set", "envs_per_actor=2",
        "--set", "log_interval=500",
    ];

    private static string Train(string name)
    {
        string folder = Path.Combine(Root, name);
        using var run = new BellmanProcess(Args(folder));
        Assert.True(run.WaitForExit(TimeSpan.FromSeconds(150)) == 0, run.Output);
        return folder;
    }

    private static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static void AssertSameBytes(string expected, string actual)
    {
        foreach (var f in Files) Assert.True(Hash(Path.Combine(expected, f)) == Hash(Path.Combine(actual, f)), $"{f} differs between {expected} and {actual}");
    }

    [Fact]
    public void One_actor_runs_with_the_same_seed_are_bit_identical()
    {
        string a = Reference.Value, b = Train("again");
        AssertSameBytes(a, b);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(a, "summary.json")));
        Assert.True(summary.RootElement.GetProperty("lockstep").GetBoolean());
        Assert.True(summary.RootElement.GetProperty("gradient_steps").GetInt64() > 100, summary.RootElement.ToString());
        Assert.Contains("lockstep: true", File.ReadAllText(Path.Combine(a, "config.yaml")));
        Assert.True(File.ReadLines(Path.Combine(a, "eval.csv")).Count() >= 5); // header + evaluations at 1000, 2000, …
    }

    [Fact]
    public void Stopped_with_sigterm_and_resumed_it_ends_bit_identical_to_the_uninterrupted_run()
    {
        string reference = Reference.Value, folder = Path.Combine(Root, "resumed");
        using (var run = new BellmanProcess(Args(folder)))
        {
            run.WaitForLine(l => l.StartsWith("eval  step", StringComparison.Ordinal), TimeSpan.FromSeconds(120), "the first evaluation");
            run.Terminate();
            Assert.True(run.WaitForExit(TimeSpan.FromSeconds(60)) == 143, $"the run was not interrupted (it may have finished first):\n{run.Output}");
        }
        // The interrupted learner left a loadable checkpoint with its training state, partway through the budget.
        using (var agent = Bellman.Algorithms.Training.Algorithm.Load(Path.Combine(folder, "checkpoints/latest")))
        {
            Assert.Equal("dqn", agent.Name);
            Assert.InRange(agent.State.Step, 1000, Steps - 1);
        }
        Assert.True(File.Exists(Path.Combine(folder, "checkpoints/latest.apex-state")));
        using (var resumed = new BellmanProcess("train", "apex", "--resume", folder))
        {
            Assert.True(resumed.WaitForExit(TimeSpan.FromSeconds(150)) == 0, resumed.Output);
            Assert.Contains("resuming exactly from step", resumed.Output);
        }
        AssertSameBytes(reference, folder);
        // Counters went on from the checkpoint: episode numbers rise by one, no row repeats.
        var episodes = File.ReadLines(Path.Combine(folder, "metrics.csv")).Where(l => l.StartsWith("episode,", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(',')[2])).ToArray();
        Assert.Equal(Enumerable.Range(1, episodes.Length).Select(i => (long)i), episodes);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        Assert.Equal("exact", summary.RootElement.GetProperty("resume").GetString());
        Assert.Equal("completed", summary.RootElement.GetProperty("status").GetString());
    }
}
