using System.Runtime.CompilerServices;

namespace Bellman.Backgammon;

/// <summary>
/// A set of 80-bit position keys (<see cref="PositionId.Key"/>) with open addressing, cleared in O(1) by a
/// generation stamp: the move generator's duplicate filter, without generic hashing in the hot loop.
/// </summary>
internal sealed class PositionKeySet
{
    private ulong[] _lo = new ulong[1024];
    private ulong[] _hi = new ulong[1024];
    private int[] _stamp = new int[1024];
    private int _generation = 1;
    private int _count;

    /// <summary>Empties the set.</summary>
    public void Clear()
    {
        _count = 0;
        if (++_generation == int.MaxValue)
        {
            Array.Clear(_stamp);
            _generation = 1;
        }
    }

    /// <summary>Adds the key; false when it was already present.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Add(UInt128 key)
    {
        if (2 * (_count + 1) > _lo.Length) Grow();
        ulong lo = (ulong)key, hi = (ulong)(key >> 64);
        int mask = _lo.Length - 1;
        int i = (int)((lo * 0x9E3779B97F4A7C15UL ^ hi * 0xC2B2AE3D27D4EB4FUL) >> 40) & mask;
        while (_stamp[i] == _generation)
        {
            if (_lo[i] == lo && _hi[i] == hi) return false;
            i = (i + 1) & mask;
        }
        _stamp[i] = _generation;
        _lo[i] = lo;
        _hi[i] = hi;
        _count++;
        return true;
    }

    private void Grow()
    {
        var (lo, hi, stamp, generation) = (_lo, _hi, _stamp, _generation);
        _lo = new ulong[lo.Length * 2];
        _hi = new ulong[lo.Length * 2];
        _stamp = new int[lo.Length * 2];
        _generation = 1;
        _count = 0;
        for (int i = 0; i < lo.Length; i++)
            if (stamp[i] == generation) Add(new UInt128(hi[i], lo[i]));
    }
}
