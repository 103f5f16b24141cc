namespace Bellman.Algorithms.Replay;

/// <summary>
/// A binary tree over <c>Capacity</c> non-negative priorities whose inner nodes hold the sum (and the
/// minimum) of their children: O(log n) update, O(log n) sampling of index i with probability
/// p_i / Σ p, and O(1) total and minimum. Sums are kept in float64.
/// </summary>
public sealed class SumTree
{
    private readonly int _leaves;
    private readonly double[] _sum;
    private readonly double[] _min;

    /// <summary>Creates a tree of <paramref name="capacity"/> zero priorities.</summary>
    public SumTree(int capacity)
    {
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be positive.");
        Capacity = capacity;
        _leaves = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
        _sum = new double[2 * _leaves];
        _min = new double[2 * _leaves];
        Array.Fill(_min, double.PositiveInfinity);
    }

    /// <summary>The number of leaves.</summary>
    public int Capacity { get; }

    /// <summary>Σ p_i.</summary>
    public double Total => _sum[1];

    /// <summary>The smallest priority among leaves that have been set to a positive value (∞ if none).</summary>
    public double MinPositive => _min[1];

    /// <summary>The priority of leaf <paramref name="index"/>.</summary>
    public double this[int index]
    {
        get => _sum[_leaves + CheckIndex(index)];
        set
        {
            if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "A priority must be finite and non-negative.");
            int node = _leaves + CheckIndex(index);
            _sum[node] = value;
            _min[node] = value > 0 ? value : double.PositiveInfinity;
            for (node >>= 1; node >= 1; node >>= 1)
            {
                _sum[node] = _sum[2 * node] + _sum[2 * node + 1];
                _min[node] = Math.Min(_min[2 * node], _min[2 * node + 1]);
            }
        }
    }

    /// <summary>Writes the priorities (every node, so that sums round exactly as before) for a checkpoint.</summary>
    public void WriteState(BinaryWriter writer)
    {
        Bellman.Core.State.StateIO.WriteSpan(writer, _sum);
        Bellman.Core.State.StateIO.WriteSpan(writer, _min);
    }

    /// <summary>Reads priorities written by <see cref="WriteState"/> of a tree of the same capacity.</summary>
    public void ReadState(BinaryReader reader)
    {
        Bellman.Core.State.StateIO.ReadInto(reader, _sum);
        Bellman.Core.State.StateIO.ReadInto(reader, _min);
    }

    /// <summary>The leaf i such that the prefix sum before i is ≤ <paramref name="mass"/> &lt; the prefix sum through i.</summary>
    public int Find(double mass)
    {
        if (!(Total > 0)) throw new InvalidOperationException("Cannot sample from a sum tree whose total priority is zero.");
        mass = Math.Clamp(mass, 0, Total);
        int node = 1;
        while (node < _leaves)
        {
            int left = 2 * node;
            if (mass < _sum[left] || _sum[left + 1] <= 0) node = left;
            else
            {
                mass -= _sum[left];
                node = left + 1;
            }
        }
        int index = node - _leaves;
        // Guard against rounding landing on a zero leaf: walk back to the nearest positive one.
        while (index > 0 && _sum[_leaves + index] <= 0) index--;
        return index;
    }

    private int CheckIndex(int index) => (uint)index < (uint)Capacity ? index
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"Index must be in 0..{Capacity - 1}.");
}
