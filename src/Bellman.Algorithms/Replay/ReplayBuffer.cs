using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Core.State;

namespace Bellman.Algorithms.Replay;

/// <summary>
/// A fixed-capacity replay buffer: a ring of transitions (s, a, r, s', terminated, truncated) in float32
/// struct-of-arrays, for one or several parallel environment streams. Each observation is stored once:
/// s' of a transition is the s of the next one in its stream, except when the episode ended, where the
/// true final observation is kept in a small side ring (so a time-limit truncation bootstraps from the
/// real last state, not from the next episode's first). Once full, the oldest transitions are overwritten.
/// Sampling is uniform over the stored transitions, from the caller's generator, with optional n-step
/// returns that stop at episode ends.
/// </summary>
public class ReplayBuffer : IResumable
{
    private readonly int _perEnv;
    private readonly ObservationStore _frames;  // [numEnvs, perEnv + 1] observations
    private readonly float[] _continuousActions; // [capacity, actionSize] (empty for discrete)
    private readonly int[] _discreteActions;     // [capacity] (empty for continuous)
    private readonly float[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private readonly int[] _finalSlot;           // side-ring slot of s' for ended transitions
    private readonly long[] _count;              // transitions ever added, per stream
    private ObservationStore _finalFrames;
    private long[] _finalOwner;                  // (env << 40) | sequence of the transition owning the slot, -1 if free
    private int _finalHead;

    /// <summary>
    /// Creates a buffer holding up to <paramref name="capacity"/> transitions, split evenly over <paramref name="numEnvs"/> streams,
    /// with observations stored as <paramref name="observationType"/> (bytes or bits for integral observations).
    /// </summary>
    public ReplayBuffer(int capacity, int observationSize, int actionSize, bool discreteActions, int numEnvs = 1, ElementType observationType = ElementType.Float32)
    {
        if (numEnvs <= 0) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "numEnvs must be positive.");
        if (capacity < numEnvs) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"buffer_size must be at least the number of environments ({numEnvs}).");
        if (observationSize <= 0) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "observationSize must be positive.");
        if (actionSize <= 0) throw new ArgumentOutOfRangeException(nameof(actionSize), actionSize, "actionSize must be positive.");
        if (discreteActions && actionSize != 1) throw new ArgumentException("Discrete actions have actionSize 1.", nameof(actionSize));
        NumEnvs = numEnvs;
        _perEnv = capacity / numEnvs;
        Capacity = _perEnv * numEnvs;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        IsDiscrete = discreteActions;
        _frames = new ObservationStore(observationType, observationSize, numEnvs * (_perEnv + 1));
        _continuousActions = discreteActions ? [] : new float[Capacity * actionSize];
        _discreteActions = discreteActions ? new int[Capacity] : [];
        _rewards = new float[Capacity];
        _terminated = new bool[Capacity];
        _truncated = new bool[Capacity];
        _finalSlot = new int[Capacity];
        _count = new long[numEnvs];
        int finalCapacity = Math.Max(1, Capacity / 4);
        _finalFrames = new ObservationStore(observationType, observationSize, finalCapacity);
        _finalOwner = new long[finalCapacity];
        Array.Fill(_finalOwner, -1L);
    }

    /// <summary>The maximum number of stored transitions.</summary>
    public int Capacity { get; }

    /// <summary>The number of parallel streams.</summary>
    public int NumEnvs { get; }

    /// <summary>Floats per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per action.</summary>
    public int ActionSize { get; }

    /// <summary>Whether actions are integers.</summary>
    public bool IsDiscrete { get; }

    /// <summary>The number of transitions stored now.</summary>
    public int Count
    {
        get
        {
            long total = 0;
            foreach (long c in _count) total += Math.Min(c, _perEnv);
            return (int)total;
        }
    }

    /// <summary>The number of transitions ever added.</summary>
    public long TotalAdded
    {
        get
        {
            long total = 0;
            foreach (long c in _count) total += c;
            return total;
        }
    }

    /// <summary>How observations are stored (float32, bytes or bits).</summary>
    public ElementType ObservationType => _frames.Type;

    /// <summary>Bytes held by the buffer's arrays (for the memory budget).</summary>
    public long AllocatedBytes =>
        _frames.AllocatedBytes + _finalFrames.AllocatedBytes
        + 4L * (_continuousActions.Length + _discreteActions.Length + _rewards.Length + _finalSlot.Length)
        + _terminated.Length + _truncated.Length + 8L * (_finalOwner.Length + _count.Length);

    /// <summary>Bytes per stored transition, everything included, for a full buffer (each observation once, plus the final observations kept at episode ends).</summary>
    public double BytesPerTransition => (double)AllocatedBytes / Capacity;

    /// <summary>Adds a transition with a discrete action to stream <paramref name="env"/>; returns its slot index.</summary>
    public int Add(ReadOnlySpan<float> observation, int action, double reward, ReadOnlySpan<float> nextObservation, bool terminated, bool truncated, int env = 0)
    {
        if (!IsDiscrete) throw new InvalidOperationException("This buffer stores continuous actions; pass the action as a span.");
        int slot = AddCommon(observation, reward, nextObservation, terminated, truncated, env);
        _discreteActions[slot] = action;
        return slot;
    }

    /// <summary>Adds a transition with a continuous action to stream <paramref name="env"/>; returns its slot index.</summary>
    public int Add(ReadOnlySpan<float> observation, ReadOnlySpan<float> action, double reward, ReadOnlySpan<float> nextObservation, bool terminated, bool truncated, int env = 0)
    {
        if (IsDiscrete) throw new InvalidOperationException("This buffer stores discrete actions; pass the action as an integer.");
        if (action.Length != ActionSize) throw new ArgumentException($"Action has {action.Length} elements; the buffer stores {ActionSize}.", nameof(action));
        int slot = AddCommon(observation, reward, nextObservation, terminated, truncated, env);
        action.CopyTo(_continuousActions.AsSpan(slot * ActionSize, ActionSize));
        return slot;
    }

    /// <summary>Samples <c>batch.Size</c> transitions uniformly (with replacement) into <paramref name="batch"/>, with n-step returns.</summary>
    public void Sample(Rng rng, ReplayBatch batch, double gamma, int nSteps = 1)
    {
        int count = Count;
        if (count == 0) throw new InvalidOperationException("Cannot sample from an empty replay buffer.");
        batch.Weighted = false;
        for (int i = 0; i < batch.Size; i++)
        {
            int slot = SlotOfRank(rng.NextInt(count));
            Fill(batch, i, slot, gamma, nSteps);
            batch.Weights[i] = 1f;
        }
    }

    /// <summary>Whether <paramref name="slot"/> holds a transition.</summary>
    public bool IsStored(int slot)
    {
        int env = slot / _perEnv;
        return slot % _perEnv < Math.Min(_count[env], _perEnv);
    }

    /// <summary>Writes the (n-step) transition starting at <paramref name="slot"/> into row <paramref name="row"/> of the batch.</summary>
    protected void Fill(ReplayBatch batch, int row, int slot, double gamma, int nSteps)
    {
        if (nSteps < 1) throw new ArgumentOutOfRangeException(nameof(nSteps), nSteps, "n_steps must be at least 1.");
        int env = slot / _perEnv;
        long t = SequenceOf(env, slot % _perEnv);
        int obs = ObservationSize;
        _frames.Read(FrameIndex(env, t), batch.Observations.AsSpan(row * obs, obs));
        if (IsDiscrete)
        {
            batch.DiscreteActions[row] = _discreteActions[slot];
            batch.Actions[row] = _discreteActions[slot];
        }
        else
        {
            _continuousActions.AsSpan(slot * ActionSize, ActionSize).CopyTo(batch.Actions.AsSpan(row * ActionSize, ActionSize));
        }
        batch.Indices[row] = slot;

        double ret = 0, discount = 1;
        var next = batch.NextObservations.AsSpan(row * obs, obs);
        for (int k = 0; ; k++)
        {
            long tk = t + k;
            int sk = SlotOf(env, tk);
            ret += discount * _rewards[sk];
            discount *= gamma;
            if (_terminated[sk] || _truncated[sk])
            {
                _finalFrames.Read(_finalSlot[sk], next);
                if (_terminated[sk]) discount = 0;
                break;
            }
            if (k == nSteps - 1 || tk + 1 == _count[env])
            {
                _frames.Read(FrameIndex(env, tk + 1), next);
                break;
            }
        }
        batch.Returns[row] = (float)ret;
        batch.Discounts[row] = (float)discount;
    }

    private int AddCommon(ReadOnlySpan<float> observation, double reward, ReadOnlySpan<float> nextObservation, bool terminated, bool truncated, int env)
    {
        if ((uint)env >= (uint)NumEnvs) throw new ArgumentOutOfRangeException(nameof(env), env, $"Stream index must be in 0..{NumEnvs - 1}.");
        int obs = ObservationSize;
        if (observation.Length != obs || nextObservation.Length != obs)
            throw new ArgumentException($"Observations have {observation.Length} and {nextObservation.Length} elements; the buffer stores {obs}.");
        long t = _count[env];
        int slot = SlotOf(env, t);
        _frames.Write(FrameIndex(env, t), observation);
        _frames.Write(FrameIndex(env, t + 1), nextObservation);
        _rewards[slot] = (float)reward;
        _terminated[slot] = terminated;
        _truncated[slot] = truncated;
        _finalSlot[slot] = -1;
        if (terminated || truncated)
        {
            int f = TakeFinalSlot();
            _finalFrames.Write(f, nextObservation);
            _finalOwner[f] = ((long)env << 40) | t;
            _finalSlot[slot] = f;
        }
        _count[env] = t + 1;
        OnStored(slot);
        return slot;
    }

    /// <summary>
    /// Writes the whole memory for a checkpoint: every stored transition and observation, the ring positions,
    /// the final-observation side ring and (for a prioritized buffer) the priorities, so that a restored buffer
    /// samples exactly as this one would.
    /// </summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Tag(GetType().Name);
        writer.WriteSpan([Capacity, NumEnvs, ObservationSize, ActionSize]);
        writer.WriteSpan(_count);
        _frames.WriteState(writer);
        writer.WriteSpan(_continuousActions);
        writer.WriteSpan(_discreteActions);
        writer.WriteSpan(_rewards);
        writer.WriteSpan(_terminated);
        writer.WriteSpan(_truncated);
        writer.WriteSpan(_finalSlot);
        _finalFrames.WriteState(writer);
        writer.WriteSpan(_finalOwner);
        writer.Write(_finalHead);
        WriteExtraState(writer);
    }

    /// <summary>Restores a memory written by <see cref="WriteState"/> into a buffer of the same capacity, sizes and kind.</summary>
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag(GetType().Name);
        Span<int> shape = stackalloc int[4];
        reader.ReadInto(shape);
        if (shape[0] != Capacity || shape[1] != NumEnvs || shape[2] != ObservationSize || shape[3] != ActionSize)
            throw new InvalidDataException($"a replay memory of capacity {shape[0]} over {shape[1]} streams with observations of {shape[2]} and actions of {shape[3]}, "
                + $"but this buffer has {Capacity}, {NumEnvs}, {ObservationSize} and {ActionSize}");
        reader.ReadInto(_count);
        _frames.ReadState(reader);
        reader.ReadInto(_continuousActions);
        reader.ReadInto(_discreteActions);
        reader.ReadInto(_rewards);
        reader.ReadInto(_terminated);
        reader.ReadInto(_truncated);
        reader.ReadInto(_finalSlot);
        _finalFrames.ReadState(reader);
        _finalOwner = new long[_finalFrames.Count];
        reader.ReadInto(_finalOwner);
        _finalHead = reader.ReadInt32();
        ReadExtraState(reader);
    }

    /// <summary>Writes a subclass's own state (priorities) after the transitions.</summary>
    protected virtual void WriteExtraState(BinaryWriter writer) { }

    /// <summary>Reads what <see cref="WriteExtraState"/> wrote.</summary>
    protected virtual void ReadExtraState(BinaryReader reader) { }

    /// <summary>Called after a transition is written to <paramref name="slot"/> (prioritized replay sets its priority here).</summary>
    protected virtual void OnStored(int slot) { }

    private int TakeFinalSlot()
    {
        int capacity = _finalOwner.Length;
        int f = _finalHead % capacity;
        if (IsLiveFinal(_finalOwner[f]))
        {
            // Every slot is still in use: grow (bounded by the transition capacity) and keep the ring order.
            Grow();
            f = _finalHead;
        }
        _finalHead = f + 1;
        return f;
    }

    private void Grow()
    {
        int old = _finalOwner.Length;
        int size = Math.Min(Capacity + 1, old * 2);
        var frames = new ObservationStore(_finalFrames.Type, ObservationSize, size);
        var owners = new long[size];
        Array.Fill(owners, -1L);
        int start = _finalHead % old;
        for (int i = 0; i < old; i++)
        {
            int from = (start + i) % old;
            frames.CopyFrom(_finalFrames, from, i);
            owners[i] = _finalOwner[from];
            if (owners[i] >= 0)
            {
                int env = (int)(owners[i] >> 40);
                long t = owners[i] & ((1L << 40) - 1);
                _finalSlot[SlotOf(env, t)] = i;
            }
        }
        _finalFrames = frames;
        _finalOwner = owners;
        _finalHead = old;
    }

    private bool IsLiveFinal(long owner)
    {
        if (owner < 0) return false;
        int env = (int)(owner >> 40);
        long t = owner & ((1L << 40) - 1);
        return t >= _count[env] - _perEnv;
    }

    private int SlotOfRank(int rank)
    {
        for (int env = 0; env < NumEnvs; env++)
        {
            int stored = (int)Math.Min(_count[env], _perEnv);
            if (rank < stored) return env * _perEnv + rank;
            rank -= stored;
        }
        throw new InvalidOperationException("Rank beyond the stored transitions.");
    }

    private int SlotOf(int env, long t) => env * _perEnv + (int)(t % _perEnv);

    private int FrameIndex(int env, long t) => env * (_perEnv + 1) + (int)(t % (_perEnv + 1));

    /// <summary>The sequence number of the stored transition whose ring position in its stream is <paramref name="position"/>.</summary>
    private long SequenceOf(int env, int position)
    {
        long count = _count[env];
        long oldest = Math.Max(0, count - _perEnv);
        long offset = ((position - oldest) % _perEnv + _perEnv) % _perEnv;
        return oldest + offset;
    }
}
