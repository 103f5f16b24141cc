using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using Bellman.Algorithms.Protobuf;

namespace Bellman.Algorithms.Logging;

/// <summary>
/// Writes TensorBoard event files (what <c>torch.utils.tensorboard.SummaryWriter</c> writes for SB3):
/// a file <c>events.out.tfevents.&lt;unix seconds&gt;.&lt;hostname&gt;</c> of TFRecord records, each
/// <c>uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)</c> (little-endian),
/// with mask(c) = ((c ≫ 15) | (c ≪ 17)) + 0xa282ead8. Each record's data is an <c>Event</c> protobuf:
/// wall_time (1, double seconds), step (2, int64), file_version (3, "brain.Event:2", first record only) or
/// summary (5) holding one <c>Summary.Value</c> with tag (1) and simple_value (2, float), or session_log (7, a
/// resumed run's START, see <see cref="AddSessionStart"/>).
/// </summary>
/// <remarks>
/// The file is appended to while training runs (TensorBoard reads it live), so it is not written to a
/// temporary name first. Not thread-safe: call from the training thread.
/// </remarks>
public sealed class TensorBoardWriter : IDisposable
{
    /// <summary>The first record's file_version, as TensorFlow writes it.</summary>
    public const string FileVersion = "brain.Event:2";

    private readonly FileStream _stream;
    private readonly TimeProvider _clock;
    private bool _disposed;

    /// <summary>
    /// Creates <paramref name="directory"/> if needed and a new event file in it, named from the clock's
    /// current Unix time and <paramref name="hostname"/> (default: <see cref="Environment.MachineName"/>).
    /// </summary>
    public TensorBoardWriter(string directory, TimeProvider? clock = null, string? hostname = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _clock = clock ?? TimeProvider.System;
        hostname ??= Environment.MachineName;
        if (hostname.Length == 0 || hostname.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new ArgumentException($"Hostname '{hostname}' cannot be part of a file name.", nameof(hostname));
        Directory.CreateDirectory(directory);
        double now = NowSeconds();
        string name = string.Create(CultureInfo.InvariantCulture, $"events.out.tfevents.{(long)Math.Floor(now)}.{hostname}");
        // A second writer in the same second and folder (a resumed run) must not clobber the first: it takes the
        // next free suffix, as TensorFlow's writers add one; TensorBoard reads every file named *tfevents*.
        for (int suffix = 0; ; suffix++)
        {
            string path = Path.Combine(directory, suffix == 0 ? name : string.Create(CultureInfo.InvariantCulture, $"{name}.{suffix}"));
            try
            {
                _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
                FilePath = path;
                break;
            }
            catch (IOException) when (File.Exists(path) && suffix < 1000)
            {
            }
        }
        WriteEvent(new ProtoWriter().Double(1, now).Int64(2, 0).String(3, FileVersion));
    }

    /// <summary>The event file's full path.</summary>
    public string FilePath { get; }

    /// <summary>
    /// Appends one scalar: the point (<paramref name="step"/>, <paramref name="value"/>) of the chart
    /// <paramref name="tag"/> (see <see cref="TensorBoardTags"/>), at <paramref name="wallTime"/> Unix seconds
    /// (default: now).
    /// </summary>
    public void AddScalar(string tag, long step, float value, double? wallTime = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var summaryValue = new ProtoWriter().String(1, tag).Float(2, value);
        var summary = new ProtoWriter().Message(1, summaryValue);
        WriteEvent(new ProtoWriter().Double(1, wallTime ?? NowSeconds()).Int64(2, step).Message(5, summary));
    }

    /// <summary>
    /// Appends a <c>SessionLog</c> event with status START at <paramref name="step"/>: Event field 7 (session_log)
    /// holding SessionLog field 1 (status) = 1 (START). TensorBoard (purge_orphaned_data, on by default) then drops
    /// the events of earlier files in the run with a step ≥ <paramref name="step"/>, the ones a run killed after its
    /// last checkpoint wrote and its resumed run writes again; PyTorch's <c>SummaryWriter(purge_step=…)</c> does the same.
    /// A run resumed from a checkpoint at step S writes it at S + 1, keeping what S itself logged before its checkpoint.
    /// </summary>
    public void AddSessionStart(long step, double? wallTime = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var sessionLog = new ProtoWriter().Int64(1, SessionStart);
        WriteEvent(new ProtoWriter().Double(1, wallTime ?? NowSeconds()).Int64(2, step).Message(7, sessionLog));
    }

    /// <summary>SessionLog.SessionStatus START in TensorFlow's event.proto (STATUS_UNSPECIFIED = 0, START = 1, STOP = 2, CHECKPOINT = 3).</summary>
    public const int SessionStart = 1;

    /// <summary>Pushes buffered records to the file, so TensorBoard sees them.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _stream.Flush();
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stream.Dispose();
    }

    /// <summary>
    /// The CRC-32C (Castagnoli) of <paramref name="data"/>: initial value and final XOR 0xFFFFFFFF around
    /// <see cref="BitOperations.Crc32C(uint, ulong)"/> (hardware CRC32 instruction where available).
    /// </summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (byte b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    /// <summary>TFRecord's masked CRC: ((c ≫ 15) | (c ≪ 17)) + 0xa282ead8, with c the CRC-32C of the data.</summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C(data);
        return unchecked(BitOperations.RotateRight(crc, 15) + 0xa282ead8u);
    }

    private double NowSeconds() => _clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    private void WriteEvent(ProtoWriter evt)
    {
        ReadOnlySpan<byte> data = evt.WrittenSpan;
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc32C(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc32C(data));
        _stream.Write(header);
        _stream.Write(data);
        _stream.Write(footer);
    }
}

/// <summary>The scalar tags Stable-Baselines3 logs, so Bellman's charts line up with SB3's in TensorBoard.</summary>
public static class TensorBoardTags
{
    /// <summary>Mean return of the last 100 training episodes.</summary>
    public const string EpisodeRewardMean = "rollout/ep_rew_mean";
    /// <summary>Mean length of the last 100 training episodes.</summary>
    public const string EpisodeLengthMean = "rollout/ep_len_mean";
    /// <summary>ε of ε-greedy (DQN).</summary>
    public const string ExplorationRate = "rollout/exploration_rate";
    /// <summary>The TD loss (DQN).</summary>
    public const string Loss = "train/loss";
    /// <summary>The current learning rate.</summary>
    public const string LearningRate = "train/learning_rate";
    /// <summary>The policy-gradient loss (A2C, PPO).</summary>
    public const string PolicyLoss = "train/policy_loss";
    /// <summary>The value loss (A2C, PPO).</summary>
    public const string ValueLoss = "train/value_loss";
    /// <summary>The entropy loss, −mean entropy (A2C, PPO).</summary>
    public const string EntropyLoss = "train/entropy_loss";
    /// <summary>The actor loss (DDPG, TD3, SAC).</summary>
    public const string ActorLoss = "train/actor_loss";
    /// <summary>The critic loss (DDPG, TD3, SAC).</summary>
    public const string CriticLoss = "train/critic_loss";
    /// <summary>SAC's entropy coefficient α.</summary>
    public const string EntropyCoefficient = "train/ent_coef";
    /// <summary>Mean return of an evaluation.</summary>
    public const string EvalMeanReward = "eval/mean_reward";
    /// <summary>Mean episode length of an evaluation.</summary>
    public const string EvalMeanEpisodeLength = "eval/mean_ep_length";
    /// <summary>Environment steps per second.</summary>
    public const string Fps = "time/fps";

    private static readonly Dictionary<string, string> ByMetric = new(StringComparer.Ordinal)
    {
        ["exploration_rate"] = ExplorationRate, ["loss"] = Loss, ["policy_loss"] = PolicyLoss, ["value_loss"] = ValueLoss,
        ["actor_loss"] = ActorLoss, ["critic_loss"] = CriticLoss, ["alpha"] = EntropyCoefficient, ["learning_rate"] = LearningRate,
    };

    /// <summary>The tag of an algorithm's metric: SB3's name where SB3 logs the same value, else <c>train/KEY</c>.</summary>
    public static string ForMetric(string key) => ByMetric.TryGetValue(key, out var tag) ? tag : "train/" + key;
}
