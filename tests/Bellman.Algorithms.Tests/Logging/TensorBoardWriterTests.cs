using System.Diagnostics;
using System.Text;
using Bellman.Algorithms.Logging;
using Bellman.Algorithms.Training;
using Xunit.Abstractions;

namespace Bellman.Algorithms.Tests.Logging;

public sealed class TensorBoardWriterTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bellman-tb-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void Crc32C_matches_the_standard_check_value_and_the_bitwise_reference()
    {
        // The CRC-32C check value: CRC of ASCII "123456789" is 0xE3069283 (RFC 3720, B.4).
        byte[] check = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0xE3069283u, TensorBoardWriter.Crc32C(check));
        var rng = new Random(7);
        foreach (int n in new[] { 0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 100 })
        {
            byte[] data = new byte[n];
            rng.NextBytes(data);
            Assert.Equal(EventFileReader.Crc32CBitwise(data), TensorBoardWriter.Crc32C(data));
            Assert.Equal(EventFileReader.Mask(EventFileReader.Crc32CBitwise(data)), TensorBoardWriter.MaskedCrc32C(data));
        }
    }

    [Fact]
    public void Scalars_read_back_with_valid_crcs_tags_steps_values_and_times()
    {
        var clock = new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250));
        string path;
        using (var writer = new TensorBoardWriter(_dir, clock, "testhost"))
        {
            path = writer.FilePath;
            writer.AddScalar(TensorBoardTags.EpisodeRewardMean, 100, 21.5f, wallTime: 1_700_000_001.5);
            writer.AddScalar(TensorBoardTags.Loss, 200, -0.125f);
            writer.AddScalar("custom/µ", long.MaxValue, float.MaxValue, 1_700_000_002.0);
        }
        Assert.Equal(Path.Combine(_dir, "events.out.tfevents.1700000000.testhost"), path);

        var events = EventFileReader.ReadEvents(path);
        Assert.Equal(4, events.Count);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Equal(1_700_000_000.25, events[0].WallTime);
        Assert.Empty(events[0].Values);

        Assert.Equal((100L, 1_700_000_001.5), (events[1].Step, events[1].WallTime));
        Assert.Equal([("rollout/ep_rew_mean", 21.5f)], events[1].Values);
        Assert.Equal((200L, 1_700_000_000.25), (events[2].Step, events[2].WallTime));
        Assert.Equal([("train/loss", -0.125f)], events[2].Values);
        Assert.Equal(long.MaxValue, events[3].Step);
        Assert.Equal([("custom/µ", float.MaxValue)], events[3].Values);
    }

    [Fact]
    public void A_session_start_reads_back_as_event_field_7_with_status_start_at_its_step()
    {
        var clock = new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250));
        string path;
        using (var writer = new TensorBoardWriter(_dir, clock, "h"))
        {
            writer.AddScalar("rollout/ep_rew_mean", 900, 1.5f);
            writer.AddSessionStart(1001);
            writer.AddScalar("rollout/ep_rew_mean", 1001, 2.5f);
            path = writer.FilePath;
        }
        var events = EventFileReader.ReadEvents(path);
        Assert.Equal(4, events.Count);
        var start = events[2];
        Assert.Equal(1001, start.Step);
        Assert.Equal(1, start.SessionStatus); // SessionLog.START in event.proto
        Assert.Equal(1_700_000_000.25, start.WallTime);
        Assert.Empty(start.Values);
        Assert.Null(start.FileVersion);
        Assert.All(events.Where(e => e != start), e => Assert.Null(e.SessionStatus));
        // The record is exactly: wall_time (field 1, fixed64), step (field 2, varint 1001 = e9 07), session_log (field 7, length 2: status 1).
        var record = EventFileReader.ReadRecords(File.ReadAllBytes(path))[2];
        Assert.Equal([0x10, 0xe9, 0x07, 0x3a, 0x02, 0x08, 0x01], record[9..]);
        using var other = new TensorBoardWriter(_dir, hostname: "h2");
        Assert.Throws<ArgumentOutOfRangeException>(() => other.AddSessionStart(-1));
    }

    [Fact]
    public void A_flipped_byte_is_caught_by_the_reader()
    {
        string path;
        using (var writer = new TensorBoardWriter(_dir, hostname: "h"))
        {
            path = writer.FilePath;
            writer.AddScalar("a", 1, 1f);
        }
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(2, EventFileReader.ReadRecords(bytes).Count);
        bytes[^6] ^= 0x01; // inside the last record's data
        Assert.Throws<InvalidDataException>(() => EventFileReader.ReadRecords(bytes));
    }

    [Fact]
    public void Flush_makes_records_visible_to_a_concurrent_reader()
    {
        using var writer = new TensorBoardWriter(_dir, hostname: "h");
        writer.AddScalar("a", 1, 3f);
        writer.Flush();
        using var read = new FileStream(writer.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var ms = new MemoryStream();
        read.CopyTo(ms);
        Assert.Equal(2, EventFileReader.ReadRecords(ms.ToArray()).Count);
    }

    [Fact]
    public void A_second_writer_in_the_same_second_does_not_overwrite_the_first()
    {
        var clock = new FixedClock(DateTimeOffset.FromUnixTimeSeconds(1_000));
        using var first = new TensorBoardWriter(_dir, clock, "h");
        using var second = new TensorBoardWriter(_dir, clock, "h");
        Assert.NotEqual(first.FilePath, second.FilePath);
        Assert.Contains("tfevents", Path.GetFileName(second.FilePath));
    }

    [Fact]
    public void Metrics_sink_writes_sb3_tags_and_skips_nan()
    {
        string path;
        using (var writer = new TensorBoardWriter(_dir, hostname: "h"))
        {
            path = writer.FilePath;
            var sink = new TensorBoardMetricsSink(writer);
            MetricDefinition[] metrics = [new("exploration_rate", "eps", MetricAggregation.Last), new("loss", "loss"), new("q", "Q")];
            sink.OnSnapshot(new TrainingSnapshot(10, 100, 0, double.NaN, 0, 500, TimeSpan.Zero, metrics, [1.0, double.NaN, double.NaN]));
            sink.OnEpisode(new EpisodeRecord(20, 1, 20, 20));
            sink.OnEpisode(new EpisodeRecord(50, 2, 30, 30));
            sink.OnSnapshot(new TrainingSnapshot(50, 100, 2, 25, 5, 400, TimeSpan.FromSeconds(1), metrics, [0.5, 0.75, 1]));
            sink.OnEvaluation(new EvaluationRecord(50, 42, 0, [42.0]));
        }
        var scalars = EventFileReader.ReadEvents(path).Skip(1).SelectMany(e => e.Values.Select(v => (e.Step, v.Tag, v.Value))).ToList();
        Assert.Equal(
        [
            (10L, "rollout/exploration_rate", 1f), (10L, "time/fps", 500f),
            (50L, "rollout/ep_rew_mean", 25f), (50L, "rollout/ep_len_mean", 25f), (50L, "rollout/exploration_rate", 0.5f),
            (50L, "train/loss", 0.75f), (50L, "train/q", 1f), (50L, "time/fps", 400f), (50L, "eval/mean_reward", 42f),
        ], scalars);
    }

    /// <summary>
    /// Reads the file with TensorBoard's own loader when Python has the tensorboard package; the machines
    /// Bellman's CI runs on do not, so there the test reports why it checked nothing else.
    /// </summary>
    [Fact]
    public void TensorBoard_itself_reads_the_file_when_installed()
    {
        string path;
        using (var writer = new TensorBoardWriter(_dir, hostname: "h"))
        {
            path = writer.FilePath;
            writer.AddScalar("rollout/ep_rew_mean", 7, 1.5f);
            writer.AddScalar("rollout/ep_rew_mean", 9, 2.5f);
        }
        const string script = """
            import sys
            from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
            acc = EventAccumulator(sys.argv[1]); acc.Reload()
            print(";".join(f"{e.step}:{e.value}" for e in acc.Scalars("rollout/ep_rew_mean")))
            """;
        var (exit, stdout, stderr) = RunPython(["-c", "import tensorboard"]);
        if (exit != 0)
        {
            output.WriteLine($"Skipped the TensorBoard cross-check: python3 cannot import tensorboard ({stderr.Trim().Split('\n')[^1]}).");
            return;
        }
        (exit, stdout, stderr) = RunPython(["-c", script, path]);
        Assert.True(exit == 0, stderr);
        Assert.Equal("7:1.5;9:2.5", stdout.Trim());
    }

    private static (int Exit, string Stdout, string Stderr) RunPython(string[] args)
    {
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            string o = p.StandardOutput.ReadToEnd(), e = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, o, e);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, "", "no python3: " + ex.Message);
        }
    }
}
