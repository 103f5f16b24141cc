using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bellman.Cli.Infrastructure;

namespace Bellman.Cli.Tests.Commands;

/// <summary>
/// <c>train q-learning|sarsa|expected-sarsa</c> writes the run folder every <c>bellman train</c> run writes, and
/// <c>--resume</c> continues it exactly: after Ctrl-C, or after a crash that left rows past the last checkpoint, the
/// resumed run's metrics.csv, eval.csv, checkpoints and exact Q-table are the uninterrupted run's bit for bit.
/// </summary>
public sealed class TabularRunCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bellman-cli-tabres-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    // Slippery FrozenLake: stochastic transitions, so the environment's generator must be restored exactly too.
    private static string[] Args(string algo) =>
        ["train", algo, "--env", "FrozenLake-v1", "--episodes", "1500", "--seed", "3", "--eval-freq", "300", "--eval-episodes", "50", "--no-tensorboard"];

    [Theory]
    [InlineData("q-learning", 600)]
    [InlineData("sarsa", 900)]
    [InlineData("expected-sarsa", 300)]
    public void AnInterruptedTabularRunResumesExactly(string algo, int episode)
    {
        string whole = Path.Combine(_root, "whole"), stopped = Path.Combine(_root, "stopped");
        var full = Run(CancellationToken.None, [.. Args(algo), "--out", whole]);
        Assert.True(full.Code == 0, full.Error);
        using var stop = new CancellationTokenSource();
        var first = Run(stop.Token, [.. Args(algo), "--out", stopped], line =>
        {
            if (Regex.IsMatch(line, $@"^eval  step +\d+  episode +{episode} ")) stop.Cancel();
        });
        Assert.True(first.Code == 0, first.Error);
        Assert.Matches($@"interrupted at step \d+ \(episode {episode} of 1500\); resume with: bellman train {algo} --resume ", first.Out);
        using (var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(stopped, "summary.json"))))
            Assert.Equal("interrupted", summary.RootElement.GetProperty("status").GetString());

        var resumed = Run(CancellationToken.None, ["train", algo, "--resume", stopped, "--no-tensorboard"]);
        Assert.True(resumed.Code == 0, resumed.Error);
        Assert.Contains($"resuming exactly from episode {episode}", resumed.Out);
        SameRun(whole, stopped);
        // The console report after the resume is the uninterrupted run's (the map, the evaluation, the distances to V*).
        Assert.Equal(Report(full.Out), Report(resumed.Out));
        using var resumedSummary = JsonDocument.Parse(File.ReadAllText(Path.Combine(stopped, "summary.json")));
        Assert.Equal("exact", resumedSummary.RootElement.GetProperty("resume").GetString());
        Assert.Equal("completed", resumedSummary.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void AResumeAfterACrashDropsTheRowsPastTheCheckpoint()
    {
        string whole = Path.Combine(_root, "whole"), crashed = Path.Combine(_root, "crashed"), saved = Path.Combine(_root, "saved");
        Assert.Equal(0, Run(CancellationToken.None, [.. Args("q-learning"), "--out", whole]).Code);
        // When episode 900's evaluation line is out, its rows are written and latest still holds episode 600's checkpoint
        // (900's is saved after the line): keep that one, let the run write on to episode 1200, and "crash" it there.
        using var stop = new CancellationTokenSource();
        Run(stop.Token, [.. Args("q-learning"), "--out", crashed], line =>
        {
            if (Regex.IsMatch(line, @"^eval  step +\d+  episode +900 "))
            {
                Directory.CreateDirectory(saved);
                foreach (var f in Directory.GetFiles(Path.Combine(crashed, "checkpoints"), "latest.*")) File.Copy(f, Path.Combine(saved, Path.GetFileName(f)));
            }
            if (Regex.IsMatch(line, @"^eval  step +\d+  episode +1200 ")) stop.Cancel();
        });
        foreach (var f in Directory.GetFiles(saved)) File.Copy(f, Path.Combine(crashed, "checkpoints", Path.GetFileName(f)), overwrite: true);
        File.AppendAllText(Path.Combine(crashed, "metrics.csv"), "episode,99999,9"); // a row cut off mid-write
        var resumed = Run(CancellationToken.None, ["train", "q-learning", "--resume", crashed, "--no-tensorboard"]);
        Assert.True(resumed.Code == 0, resumed.Error);
        Assert.Contains("resuming exactly from episode 600", resumed.Out);
        SameRun(whole, crashed);
    }

    [Fact]
    public void TheRunFolderHasWhatEveryTrainRunHasAndEvalRepeatsTheBest()
    {
        string dir = Path.Combine(_root, "run");
        var r = Run(CancellationToken.None, [.. Args("q-learning"), "--out", dir]);
        Assert.True(r.Code == 0, r.Error);
        foreach (var file in (string[])["config.yaml", "metrics.csv", "eval.csv", "summary.json", "learning_curve.png", "checkpoints/latest.json", "checkpoints/latest.safetensors",
                     "checkpoints/latest.state", "checkpoints/best.json", "checkpoints/best.safetensors"])
            Assert.True(File.Exists(Path.Combine(dir, file)), $"{file} is missing");
        Assert.StartsWith("kind,step,episode,return,length,updates,learning_rate,exploration_rate\n", File.ReadAllText(Path.Combine(dir, "metrics.csv")));
        Assert.Equal(6, File.ReadAllLines(Path.Combine(dir, "eval.csv")).Length); // the header and episodes 300, 600, …, 1500

        // summary.json's best is eval.csv's best and checkpoints/best's, and `bellman eval RUN` repeats it.
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        double best = summary.RootElement.GetProperty("best_eval_mean_return").GetDouble();
        var means = File.ReadAllLines(Path.Combine(dir, "eval.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(means.Max(), best);
        Assert.True(means.Distinct().Count() > 1, "the evaluations should differ on slippery FrozenLake, else this test shows little");
        var eval = CliRunner.Run("eval", dir, "--json");
        Assert.True(eval.ExitCode == 0, eval.Error);
        using var evalJson = JsonDocument.Parse(eval.Out);
        Assert.Equal(best, evalJson.RootElement.GetProperty("mean_return").GetDouble());
        Assert.Equal(50, evalJson.RootElement.GetProperty("episodes").GetInt32());

        var plot = CliRunner.Run("plot", dir, "--out", Path.Combine(_root, "curve.png"));
        Assert.True(plot.ExitCode == 0, plot.Error);
        Assert.True(new FileInfo(Path.Combine(_root, "curve.png")).Length > 1000);

        // A network-only command names why it cannot take a tabular run.
        var export = CliRunner.Run("export", dir, "--onnx", Path.Combine(_root, "q.onnx"));
        Assert.NotEqual(0, export.ExitCode);
        Assert.Contains("tabular q-learning Q-table", export.Error);
        Assert.DoesNotContain("   at ", export.Error);
    }

    [Fact]
    public void ResumingWithAnotherAlgorithmNamesTheOneThatMadeTheRun()
    {
        string dir = Path.Combine(_root, "ql");
        Assert.Equal(0, Run(CancellationToken.None, ["train", "q-learning", "--env", "CliffWalking-v1", "--episodes", "20", "--eval-episodes", "1", "--no-tensorboard", "--out", dir]).Code);
        foreach (var algo in (string[])["sarsa", "expected-sarsa", "dqn"])
        {
            var r = CliRunner.Run("train", algo, "--resume", dir);
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains($"is a q-learning run; resume it with `bellman train q-learning --resume {dir}`", r.Error);
        }
        string dqnRun = Path.Combine(_root, "dqnrun");
        Directory.CreateDirectory(dqnRun);
        File.WriteAllText(Path.Combine(dqnRun, "config.yaml"), "algo: dqn\nenv: CartPole-v1\nseed: 0\n");
        var other = CliRunner.Run("train", "sarsa", "--resume", dqnRun);
        Assert.NotEqual(0, other.ExitCode);
        Assert.Contains("is a dqn run; resume it with `bellman train dqn --resume", other.Error);

        var flags = CliRunner.Run("train", "q-learning", "--resume", dir, "--episodes", "50");
        Assert.NotEqual(0, flags.ExitCode);
        Assert.Contains("--resume continues a run with its own configuration", flags.Error);
        var done = CliRunner.Run("train", "q-learning", "--resume", dir);
        Assert.NotEqual(0, done.ExitCode);
        Assert.Contains("already trained its 20 episodes", done.Error);
        var taken = CliRunner.Run("train", "q-learning", "--env", "CliffWalking-v1", "--out", dir);
        Assert.NotEqual(0, taken.ExitCode);
        Assert.Contains("already holds a run", taken.Error);
    }

    [Fact]
    public void AResumedRunStartsATensorBoardSessionPastItsCheckpoint()
    {
        string dir = Path.Combine(_root, "tb");
        string[] args = ["train", "q-learning", "--env", "FrozenLake-v1", "--episodes", "1000", "--seed", "1", "--eval-freq", "250", "--eval-episodes", "10", "--out", dir];
        using var stop = new CancellationTokenSource();
        long at = -1;
        Run(stop.Token, args, line =>
        {
            var m = Regex.Match(line, @"^eval  step +(\d+)  episode +500 ");
            if (!m.Success) return;
            at = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            stop.Cancel();
        });
        Assert.True(at > 0);
        var resumed = Run(CancellationToken.None, ["train", "q-learning", "--resume", dir]);
        Assert.True(resumed.Code == 0, resumed.Error);
        var files = Directory.GetFiles(Path.Combine(dir, "tensorboard")).Order().ToList();
        Assert.Equal(2, files.Count);
        // The resumed run's file: file_version, then SessionLog START (Event field 7, status 1) at the checkpoint's step + 1.
        var second = TensorBoardEvents(File.ReadAllBytes(files[1]));
        Assert.Equal((at + 1, 1), second[1]);
        Assert.All(TensorBoardEvents(File.ReadAllBytes(files[0])), e => Assert.Null(e.Session));
    }

    /// <summary>Each event's step and session_log status (null when it has none), read with a minimal protobuf reader.</summary>
    internal static List<(long Step, int? Session)> TensorBoardEvents(byte[] file)
    {
        var events = new List<(long, int?)>();
        for (int pos = 0; pos < file.Length;)
        {
            int length = (int)BitConverter.ToUInt64(file, pos);
            var data = file.AsSpan(pos + 12, length);
            pos += 12 + length + 4;
            long step = 0;
            int? session = null;
            for (int i = 0; i < data.Length;)
            {
                ulong key = Varint(data, ref i);
                switch (key & 7)
                {
                    case 0:
                        ulong v = Varint(data, ref i);
                        if (key >> 3 == 2) step = (long)v;
                        break;
                    case 1: i += 8; break;
                    case 5: i += 4; break;
                    case 2:
                        int n = (int)Varint(data, ref i);
                        if (key >> 3 == 7)
                        {
                            int j = 0;
                            var inner = data.Slice(i, n);
                            session = inner.Length == 0 ? 0 : Varint(inner, ref j) == 0x08 ? (int)Varint(inner, ref j) : -1;
                        }
                        i += n;
                        break;
                }
            }
            events.Add((step, session));
        }
        return events;
    }

    private static ulong Varint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
    }

    private static string Report(string output)
    {
        // From the summary line on, without the wall time and the run folder's path.
        var lines = output.Split('\n').SkipWhile(l => !l.Contains(" episodes, seed ", StringComparison.Ordinal))
            .Where(l => !l.StartsWith("run folder ", StringComparison.Ordinal))
            .Select(l => Regex.Replace(l, @"\(\d+(\.\d+)? s\)", "(s)"));
        return string.Join('\n', lines);
    }

    private static void SameRun(string expected, string actual)
    {
        foreach (var file in (string[])["metrics.csv", "eval.csv", "checkpoints/latest.safetensors", "checkpoints/latest.state", "checkpoints/best.safetensors"])
        {
            var a = File.ReadAllBytes(Path.Combine(expected, file));
            var b = File.ReadAllBytes(Path.Combine(actual, file));
            Assert.True(a.AsSpan().SequenceEqual(b), $"{file} differs between the uninterrupted and the resumed run");
        }
        var steps = File.ReadAllLines(Path.Combine(actual, "eval.csv")).Skip(1).Select(l => long.Parse(l.Split(',')[0], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(steps.Order(), steps);
        Assert.Equal(steps.Distinct().Count(), steps.Count);
    }

    private static (int Code, string Out, string Error) Run(CancellationToken cancellation, string[] args, Action<string>? onLine = null)
    {
        var result = CliRunner.RunWatching(cancellation, args, onLine);
        return (result.ExitCode, result.Out, result.Error);
    }
}
