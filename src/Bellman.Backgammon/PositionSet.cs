using System.Runtime.CompilerServices;

namespace Bellman.Backgammon;

/// <summary>
/// The move generator's duplicate filter: an open-addressing table of (hash, index into the plays found so
/// far), exact because a hash match is confirmed by comparing the positions; cleared in O(1) by a
/// generation stamp, without generic hashing in the hot loop.
/// </summary>
internal sealed class PositionSet
{
    private ulong[] _hash = new ulong[1024];
    private int[] _index = new int[1024];
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

    /// <summary>
    /// Adds <paramref name="position"/> as the play about to be appended at index <paramref name="plays"/>.Count;
    /// false when an equal result is already among <paramref name="plays"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Add(in Position position, List<Play> plays)
    {
        if (2 * (_count + 1) > _hash.Length) Grow(plays);
        ulong h = position.Hash64();
        int mask = _hash.Length - 1;
        int i = (int)(h >> 40) & mask;
        while (_stamp[i] == _generation)
        {
            if (_hash[i] == h && plays[_index[i]].Result == position) return false;
            i = (i + 1) & mask;
        }
        _stamp[i] = _generation;
        _hash[i] = h;
        _index[i] = plays.Count;
        _count++;
        return true;
    }

    private void Grow(List<Play> plays)
    {
        _hash = new ulong[_hash.Length * 2];
        _index = new int[_hash.Length];
        _stamp = new int[_hash.Length];
        _generation = 1;
        _count = 0;
        int mask = _hash.Length - 1;
        for (int k = 0; k < plays.Count; k++)
        {
            ulong h = plays[k].Result.Hash64();
            int i = (int)(h >> 40) & mask;
            while (_stamp[i] == _generation) i = (i + 1) & mask;
            _stamp[i] = _generation;
            _hash[i] = h;
            _index[i] = k;
            _count++;
        }
    }
}
