using Bellman.Core.State;

namespace Bellman.Distributed;

/// <summary>
/// Turns the steps of K environments into n-step transitions (s_t, a_t, R_t = Σ_{k&lt;m} γ^k r_{t+k}, γ^m, s_{t+m})
/// as an Ape-X actor sends them. A transition leaves the window when it holds n steps; when an episode
/// terminates every pending transition leaves with discount 0, and when it is truncated they leave
/// bootstrapping from the final observation (γ^m with m the steps left), so that no step is lost.
/// Its windows and the transitions not yet sent are part of an actor's state in lock-step mode.
/// </summary>
public sealed class NStepBuilder : IResumable
{
    private readonly int _envs, _obsSize, _n;
    private readonly double _gamma;
    private readonly float[] _obs;
    private readonly int[] _actions;
    private readonly double[] _rewards;
    private readonly int[] _start, _count;

    /// <summary>Creates the windows of <paramref name="envs"/> environments.</summary>
    public NStepBuilder(int envs, int observationSize, int n, double gamma)
    {
        _envs = envs;
        _obsSize = observationSize;
        _n = n;
        _gamma = gamma;
        _obs = new float[envs * n * observationSize];
        _actions = new int[envs * n];
        _rewards = new double[envs * n];
        _start = new int[envs];
        _count = new int[envs];
    }

    /// <summary>Finished transitions, in the order they left their windows.</summary>
    public List<(float[] Obs, int Action, float Return, float Discount, float[] Next)> Ready { get; } = [];

    /// <summary>
    /// Records that environment <paramref name="env"/> took <paramref name="action"/> in <paramref name="observation"/>,
    /// got <paramref name="reward"/> and reached <paramref name="next"/> (the final observation when the episode ended).
    /// </summary>
    public void Add(int env, ReadOnlySpan<float> observation, int action, double reward, ReadOnlySpan<float> next, bool terminated, bool truncated)
    {
        int slot = (_start[env] + _count[env]) % _n;
        int row = env * _n + slot;
        observation.CopyTo(_obs.AsSpan(row * _obsSize, _obsSize));
        _actions[row] = action;
        _rewards[row] = reward;
        _count[env]++;
        if (terminated || truncated)
        {
            while (_count[env] > 0) Emit(env, next, terminated);
        }
        else if (_count[env] == _n) Emit(env, next, false);
    }

    /// <inheritdoc/>
    public void WriteState(BinaryWriter writer)
    {
        writer.Tag("nstep");
        writer.WriteSpan(_obs);
        writer.WriteSpan(_actions);
        writer.WriteSpan(_rewards);
        writer.WriteSpan(_start);
        writer.WriteSpan(_count);
        writer.Write(Ready.Count);
        foreach (var t in Ready)
        {
            writer.WriteSpan(t.Obs);
            writer.Write(t.Action);
            writer.Write(t.Return);
            writer.Write(t.Discount);
            writer.WriteSpan(t.Next);
        }
    }

    /// <inheritdoc/>
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag("nstep");
        reader.ReadInto(_obs);
        reader.ReadInto(_actions);
        reader.ReadInto(_rewards);
        reader.ReadInto(_start);
        reader.ReadInto(_count);
        int n = reader.ReadInt32();
        if (n < 0 || n > 1 << 20) throw new InvalidDataException($"{n} pending transitions in an n-step state");
        Ready.Clear();
        for (int i = 0; i < n; i++)
        {
            var obs = new float[_obsSize];
            reader.ReadInto(obs);
            int action = reader.ReadInt32();
            float ret = reader.ReadSingle(), discount = reader.ReadSingle();
            var next = new float[_obsSize];
            reader.ReadInto(next);
            Ready.Add((obs, action, ret, discount, next));
        }
    }

    private void Emit(int env, ReadOnlySpan<float> next, bool terminated)
    {
        int m = _count[env];
        int first = env * _n + _start[env];
        double ret = 0, discount = 1;
        for (int k = 0; k < m; k++)
        {
            ret += discount * _rewards[env * _n + (_start[env] + k) % _n];
            discount *= _gamma;
        }
        Ready.Add((_obs.AsSpan(first * _obsSize, _obsSize).ToArray(), _actions[first], (float)ret, terminated ? 0f : (float)discount, next.ToArray()));
        _start[env] = (_start[env] + 1) % _n;
        _count[env]--;
    }
}
