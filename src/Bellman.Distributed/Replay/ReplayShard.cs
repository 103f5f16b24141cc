using Bellman.Algorithms.Replay;
using Bellman.Core.State;

namespace Bellman.Distributed.Replay;

/// <summary>
/// One shard of Ape-X's prioritized replay memory, without any networking: a ring of n-step transitions
/// (s, a, R, γ^m, s') with a <see cref="SumTree"/> over their sampling priorities p_i^α, p_i = |δ_i| + ε.
/// Every row is keyed by the shard's insertion index (0, 1, 2, …), stored in slot key mod capacity, so a
/// priority update that arrives after its row was overwritten is recognised and ignored. Batches are
/// checked by <see cref="BatchValidator"/> before anything is written: a refused batch leaves the shard
/// exactly as it was. Sampling takes masses in [0, Σ p^α) chosen by the caller (the learner draws them
/// over the total of all shards, see <see cref="ShardSampler"/>), so that the shard owns no generator.
/// </summary>
public sealed class ReplayShard : IResumable
{
    private readonly float[] _observations;
    private readonly float[] _nextObservations;
    private readonly int[] _actions;
    private readonly float[] _returns;
    private readonly float[] _discounts;
    private readonly long[] _keys;
    private readonly SumTree _tree;
    private long _next;
    private long _sampled;
    private long _refused;

    /// <summary>Creates an empty shard of <paramref name="capacity"/> rows.</summary>
    public ReplayShard(int capacity, int observationSize, int actionCount, double alpha = 0.6, double epsilon = 1e-6, int maxBatchRows = 4096)
    {
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be positive.");
        if (observationSize <= 0) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "observation size must be positive.");
        if (actionCount <= 0) throw new ArgumentOutOfRangeException(nameof(actionCount), actionCount, "action count must be positive.");
        if (!(alpha >= 0)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be non-negative.");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive.");
        Capacity = capacity;
        ObservationSize = observationSize;
        ActionCount = actionCount;
        Alpha = alpha;
        Epsilon = epsilon;
        MaxBatchRows = maxBatchRows;
        _observations = new float[capacity * observationSize];
        _nextObservations = new float[capacity * observationSize];
        _actions = new int[capacity];
        _returns = new float[capacity];
        _discounts = new float[capacity];
        _keys = new long[capacity];
        Array.Fill(_keys, -1L);
        _tree = new SumTree(capacity);
    }

    /// <summary>Rows the shard holds at most.</summary>
    public int Capacity { get; }
    /// <summary>Floats per observation.</summary>
    public int ObservationSize { get; }
    /// <summary>|A|.</summary>
    public int ActionCount { get; }
    /// <summary>The priority exponent α.</summary>
    public double Alpha { get; }
    /// <summary>The floor ε added to |δ|.</summary>
    public double Epsilon { get; }
    /// <summary>The most rows one batch may carry.</summary>
    public int MaxBatchRows { get; }
    /// <summary>Rows held.</summary>
    public int Size => (int)Math.Min(_next, Capacity);
    /// <summary>Σ p^α over the rows held.</summary>
    public double TotalPriority => _tree.Total;
    /// <summary>Priority updates ignored because their row had been overwritten.</summary>
    public long StaleUpdates { get; private set; }

    /// <summary>p^α of the row with <paramref name="key"/>, or null when it is no longer held.</summary>
    public double? PriorityOf(long key)
    {
        if (key < 0) return null;
        int slot = (int)(key % Capacity);
        return _keys[slot] == key ? _tree[slot] : null;
    }

    /// <summary>The counters of the shard (throttled counts are the caller's: the shard does not rate-limit).</summary>
    public ShardStats Stats(long throttled = 0) => new()
    {
        Size = Size,
        TotalPriority = _tree.Total,
        MinPriority = double.IsPositiveInfinity(_tree.MinPositive) ? 0 : _tree.MinPositive,
        Inserted = _next,
        Sampled = _sampled,
        Refused = _refused,
        Throttled = throttled,
    };

    /// <summary>(|δ| + ε)^α, the sampling priority of a row with TD error δ.</summary>
    public double SamplingPriority(double tdError) => Math.Pow(Math.Abs(tdError) + Epsilon, Alpha);

    /// <summary>Why this shard would refuse <paramref name="batch"/>, or null if it would store it.</summary>
    public string? Problem(TransitionBatch batch) => BatchValidator.Problem(batch, ObservationSize, ActionCount, MaxBatchRows);

    /// <summary>Stores every row of <paramref name="batch"/> with its initial priority, or refuses the whole batch with the reason.</summary>
    public InsertResult Insert(TransitionBatch batch)
    {
        var problem = Problem(batch);
        if (problem is not null)
        {
            _refused++;
            return new InsertResult(InsertStatus.Refused, problem);
        }
        int n = batch.Count, d = ObservationSize;
        for (int i = 0; i < n; i++)
        {
            long key = _next++;
            int slot = (int)(key % Capacity);
            batch.Observations.AsSpan(i * d, d).CopyTo(_observations.AsSpan(slot * d, d));
            batch.NextObservations.AsSpan(i * d, d).CopyTo(_nextObservations.AsSpan(slot * d, d));
            _actions[slot] = batch.Actions[i];
            _returns[slot] = batch.Returns[i];
            _discounts[slot] = batch.Discounts[i];
            _keys[slot] = key;
            _tree[slot] = SamplingPriority(batch.Priorities[i]);
        }
        return new InsertResult(InsertStatus.Accepted, null);
    }

    /// <summary>
    /// The rows at cumulative priority <paramref name="masses"/> (each clamped to [0, Σ p^α]), with their keys
    /// and p^α. Not granted when the shard holds nothing.
    /// </summary>
    public SampleResult SampleAt(ReadOnlySpan<double> masses)
    {
        int n = masses.Length, d = ObservationSize;
        if (n == 0 || !(_tree.Total > 0)) return new SampleResult { Granted = false, Stats = Stats() };
        var keys = new long[n];
        var priorities = new double[n];
        var obs = new float[n * d];
        var next = new float[n * d];
        var actions = new int[n];
        var returns = new float[n];
        var discounts = new float[n];
        var initial = new float[n];
        for (int i = 0; i < n; i++)
        {
            int slot = _tree.Find(masses[i]);
            keys[i] = _keys[slot];
            priorities[i] = _tree[slot];
            _observations.AsSpan(slot * d, d).CopyTo(obs.AsSpan(i * d, d));
            _nextObservations.AsSpan(slot * d, d).CopyTo(next.AsSpan(i * d, d));
            actions[i] = _actions[slot];
            returns[i] = _returns[slot];
            discounts[i] = _discounts[slot];
        }
        _sampled += n;
        var rows = new TransitionBatch
        {
            ObservationSize = d, Observations = obs, NextObservations = next, Actions = actions, Returns = returns, Discounts = discounts, Priorities = initial,
        };
        return new SampleResult { Granted = true, Keys = keys, Priorities = priorities, Rows = rows, Stats = Stats() };
    }

    /// <summary>Writes every row, key and priority and the counters (a learner's checkpoint holds its shards).</summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Tag("replay-shard");
        writer.Write(Capacity);
        writer.Write(ObservationSize);
        writer.Write(_next);
        writer.Write(_sampled);
        writer.Write(_refused);
        writer.Write(StaleUpdates);
        // Only the slots written so far: a shard that is far from full costs what it holds.
        int held = Size;
        writer.WriteSpan(_observations.AsSpan(0, held * ObservationSize));
        writer.WriteSpan(_nextObservations.AsSpan(0, held * ObservationSize));
        writer.WriteSpan(_actions.AsSpan(0, held));
        writer.WriteSpan(_returns.AsSpan(0, held));
        writer.WriteSpan(_discounts.AsSpan(0, held));
        writer.WriteSpan(_keys.AsSpan(0, held));
        _tree.WriteState(writer);
    }

    /// <summary>Reads what <see cref="WriteState"/> wrote into a shard of the same capacity and observation size.</summary>
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag("replay-shard");
        int capacity = reader.ReadInt32(), size = reader.ReadInt32();
        if (capacity != Capacity || size != ObservationSize)
            throw new InvalidDataException($"a replay shard of {capacity} rows of {size} floats where this run has {Capacity} rows of {ObservationSize}");
        long next = reader.ReadInt64();
        if (next < 0) throw new InvalidDataException($"a replay shard with {next} insertions");
        _next = next;
        _sampled = reader.ReadInt64();
        _refused = reader.ReadInt64();
        StaleUpdates = reader.ReadInt64();
        int held = Size;
        reader.ReadInto(_observations.AsSpan(0, held * ObservationSize));
        reader.ReadInto(_nextObservations.AsSpan(0, held * ObservationSize));
        reader.ReadInto(_actions.AsSpan(0, held));
        reader.ReadInto(_returns.AsSpan(0, held));
        reader.ReadInto(_discounts.AsSpan(0, held));
        reader.ReadInto(_keys.AsSpan(0, held));
        _tree.ReadState(reader);
    }

    /// <summary>
    /// Sets p = |δ| + ε for the rows with <paramref name="keys"/>; rows overwritten since they were sampled are
    /// skipped. Returns how many priorities were applied.
    /// </summary>
    public int UpdatePriorities(ReadOnlySpan<long> keys, ReadOnlySpan<float> tdErrors)
    {
        if (keys.Length != tdErrors.Length) throw new ArgumentException($"{keys.Length} keys but {tdErrors.Length} TD errors.");
        int applied = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            if (!float.IsFinite(tdErrors[i])) throw new ArgumentException($"TD error {tdErrors[i]} of key {keys[i]} is not finite.", nameof(tdErrors));
            long key = keys[i];
            int slot = key < 0 ? -1 : (int)(key % Capacity);
            if (slot < 0 || _keys[slot] != key)
            {
                StaleUpdates++;
                continue;
            }
            _tree[slot] = SamplingPriority(tdErrors[i]);
            applied++;
        }
        return applied;
    }
}
