using System.Diagnostics;
using System.Text.Json;

namespace Bellman.Distributed.Tests;

/// <summary><c>bellman train apex</c> starts its actor processes, trains, writes the run folder and leaves no actor running.</summary>
[Collection("processes")]
public sealed class TrainApexTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bellman-train-apex-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Train_apex_runs_two_actor_processes_and_stops_them()
    {
        using var run = new BellmanProcess("train", "apex", "--env", "CartPole-v1", "--actors", "2", "--steps", "4000", "--out", _dir,
            "--set", "min_replay=500", "--set", "eval_freq=0", "--set", "net_arch=[32]", "--set", "envs_per_actor=2");
        Assert.True(run.WaitForExit(TimeSpan.FromSeconds(120)) == 0, run.Output);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "summary.json")));
        Assert.Equal("completed", summary.RootElement.GetProperty("status").GetString());
        Assert.True(summary.RootElement.GetProperty("total_steps").GetInt64() >= 4000);
        Assert.True(summary.RootElement.GetProperty("gradient_steps").GetInt64() > 0);
        var actors = File.ReadAllLines(Path.Combine(_dir, "actors.csv"));
        Assert.Equal(3, actors.Length); // header + actors 0 and 1, each of which sent transitions
        Assert.All(actors.Skip(1), line => Assert.True(long.Parse(line.Split(',')[2]) > 0, line));
        foreach (var path in new[] { "metrics.csv", "eval.csv", "config.yaml", "checkpoints/latest.safetensors", "actors/actor-0.log", "actors/actor-1.log" })
            Assert.True(File.Exists(Path.Combine(_dir, path)), path);
        // Every actor process it started has exited.
        foreach (var log in new[] { "actor-0.log", "actor-1.log" })
        {
            var start = File.ReadLines(Path.Combine(_dir, "actors", log)).First(l => l.StartsWith("--- start", StringComparison.Ordinal));
            int pid = int.Parse(start.Split("pid ")[1].TrimEnd(')'));
            Assert.True(IsGone(pid), $"actor process {pid} is still running");
        }
    }

    [Fact]
    public void Resume_refuses_a_changed_configuration_and_a_folder_without_a_run_in_one_line()
    {
        Directory.CreateDirectory(_dir);
        foreach (var (args, expected) in new[]
        {
            (new[] { "train", "apex", "--resume", _dir, "--set", "shards=4" }, "only --steps"),
            (new[] { "train", "apex", "--resume", _dir }, "no config.yaml"),
            (new[] { "train", "apex", "--actors", "2", "--set", "lockstep=true", "--set", "samples_per_insert=0" }, "samples_per_insert"),
        })
        {
            using var run = new BellmanProcess(args);
            Assert.NotEqual(0, run.WaitForExit(TimeSpan.FromSeconds(60)));
            var errors = run.Lines.Where(l => l.StartsWith("stderr: ", StringComparison.Ordinal)).ToArray();
            Assert.True(errors.Length == 1 && errors[0].Contains(expected, StringComparison.Ordinal), run.Output);
        }
    }

    private static bool IsGone(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return p.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
