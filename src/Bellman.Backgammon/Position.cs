using System.Runtime.CompilerServices;

namespace Bellman.Backgammon;

/// <summary>The 50 checker counts of a <see cref="Position"/>, stored inline (no allocation).</summary>
[InlineArray(Position.Cells)]
internal struct CheckerCells
{
    private byte _element;
}

/// <summary>
/// A backgammon board in GNU Backgammon's convention: a pair (opponent, on roll) of 25 counts per side.
/// For each side, index i in 0..23 holds that side's checkers on <b>its own</b> point i + 1 and index 24
/// its bar; a side's borne-off checkers are 15 minus its sum. The on-roll side's point p is the opponent's
/// point 25 − p, so own index i faces opponent index 23 − i. A value type of 50 bytes: copying is cheap,
/// and two positions are equal when every count is.
/// </summary>
public struct Position : IEquatable<Position>
{
    /// <summary>Checkers per side.</summary>
    public const int CheckersPerSide = 15;

    /// <summary>Counts per side: 24 points and the bar.</summary>
    public const int SideCells = 25;

    /// <summary>Index of the bar within a side's 25 counts.</summary>
    public const int Bar = 24;

    internal const int Cells = 2 * SideCells;

    private CheckerCells _cells; // [0..24] opponent, [25..49] side on roll

    /// <summary>The starting position (each side: 2 on its 24, 5 on 13, 3 on 8, 5 on 6).</summary>
    public static Position Start
    {
        get
        {
            Span<int> side = [0, 0, 0, 0, 0, 5, 0, 3, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0];
            return FromCounts(side, side);
        }
    }

    /// <summary>
    /// A position from the two sides' 25 counts (gnubg's <c>board()</c> pair), checked: counts are 0..15,
    /// each side has at most 15 checkers and no point is held by both sides.
    /// </summary>
    /// <exception cref="ArgumentException">A count is out of range, a side has more than 15 checkers, or a point is held by both sides.</exception>
    public static Position FromCounts(ReadOnlySpan<int> opponent, ReadOnlySpan<int> onRoll)
    {
        if (opponent.Length != SideCells) throw new ArgumentException($"The opponent's side needs {SideCells} counts (24 points and the bar), got {opponent.Length}.", nameof(opponent));
        if (onRoll.Length != SideCells) throw new ArgumentException($"The side on roll needs {SideCells} counts (24 points and the bar), got {onRoll.Length}.", nameof(onRoll));
        var p = new Position();
        for (int i = 0; i < SideCells; i++)
        {
            if (opponent[i] is < 0 or > CheckersPerSide) throw new ArgumentException($"The opponent's count at index {i} is {opponent[i]}; counts are 0..15.", nameof(opponent));
            if (onRoll[i] is < 0 or > CheckersPerSide) throw new ArgumentException($"The on-roll side's count at index {i} is {onRoll[i]}; counts are 0..15.", nameof(onRoll));
            p._cells[i] = (byte)opponent[i];
            p._cells[SideCells + i] = (byte)onRoll[i];
        }
        p.Validate();
        return p;
    }

    /// <summary>Throws unless each side has at most 15 checkers and no point is held by both sides.</summary>
    /// <exception cref="ArgumentException">The position is impossible.</exception>
    public readonly void Validate()
    {
        int mine = 0, theirs = 0;
        for (int i = 0; i < SideCells; i++)
        {
            mine += Mine(i);
            theirs += Theirs(i);
        }
        if (theirs > CheckersPerSide) throw new ArgumentException($"The opponent has {theirs} checkers; a side has at most 15.");
        if (mine > CheckersPerSide) throw new ArgumentException($"The side on roll has {mine} checkers; a side has at most 15.");
        for (int i = 0; i < 24; i++)
        {
            if (Mine(i) > 0 && Theirs(23 - i) > 0)
                throw new ArgumentException($"Point {i + 1} of the side on roll (the opponent's {24 - i}) holds checkers of both sides ({Mine(i)} and {Theirs(23 - i)}).");
        }
    }

    /// <summary>The on-roll side's count at its own index <paramref name="i"/> (0..23 point i + 1, 24 bar).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int Mine(int i) => _cells[SideCells + i];

    /// <summary>The opponent's count at its own index <paramref name="i"/> (0..23 point i + 1, 24 bar).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int Theirs(int i) => _cells[i];

    /// <summary>The count of <paramref name="side"/> (0 the opponent, 1 the side on roll) at index <paramref name="i"/>.</summary>
    public readonly int Count(int side, int i) => _cells[side * SideCells + i];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void AddMine(int i, int delta) => _cells[SideCells + i] = (byte)(_cells[SideCells + i] + delta);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void AddTheirs(int i, int delta) => _cells[i] = (byte)(_cells[i] + delta);

    /// <summary>The on-roll side's borne-off checkers.</summary>
    public readonly int MineOff => CheckersPerSide - SideSum(1);

    /// <summary>The opponent's borne-off checkers.</summary>
    public readonly int TheirsOff => CheckersPerSide - SideSum(0);

    /// <summary>The pip count of <paramref name="side"/> (0 the opponent, 1 the side on roll): Σ (i + 1)·count, the bar counting 25.</summary>
    public readonly int Pips(int side)
    {
        int pips = 0;
        for (int i = 0; i < SideCells; i++) pips += (i + 1) * _cells[side * SideCells + i];
        return pips;
    }

    private readonly int SideSum(int side)
    {
        int sum = 0;
        for (int i = 0; i < SideCells; i++) sum += _cells[side * SideCells + i];
        return sum;
    }

    /// <summary>The same board seen by the other side (the halves exchanged): what the opponent sees on its roll.</summary>
    public readonly Position Swap()
    {
        var p = new Position();
        ReadOnlySpan<byte> src = _cells;
        Span<byte> dst = p._cells;
        src[..SideCells].CopyTo(dst[SideCells..]);
        src[SideCells..].CopyTo(dst[..SideCells]);
        return p;
    }

    /// <summary>Whether the two sides no longer meet: every checker of one side has passed every checker of the other (a race).</summary>
    public readonly bool IsRace
    {
        get
        {
            // Highest occupied own index of each side, in the on-roll side's numbering.
            int myBack = -1;
            for (int i = Bar; i >= 0; i--) if (Mine(i) > 0) { myBack = i; break; }
            int theirBack = -1;
            for (int i = Bar; i >= 0; i--) if (Theirs(i) > 0) { theirBack = i; break; }
            if (myBack < 0 || theirBack < 0) return true;
            if (myBack == Bar || theirBack == Bar) return false;
            // Their checker on their index j stands on my index 23 − j; contact if it is below my back checker.
            return 23 - theirBack > myBack;
        }
    }

    /// <summary>The 50 counts, the opponent's 25 first, as gnubg's pair.</summary>
    public readonly int[][] ToCounts()
    {
        var opp = new int[SideCells];
        var me = new int[SideCells];
        for (int i = 0; i < SideCells; i++)
        {
            opp[i] = Theirs(i);
            me[i] = Mine(i);
        }
        return [opp, me];
    }

    /// <inheritdoc/>
    public readonly bool Equals(Position other)
    {
        ReadOnlySpan<byte> a = _cells;
        ReadOnlySpan<byte> b = other._cells;
        return a.SequenceEqual(b);
    }

    /// <inheritdoc/>
    public override readonly bool Equals(object? obj) => obj is Position p && Equals(p);

    /// <summary>A fast 64-bit hash of the 50 counts (for the move generator's duplicate filter).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal readonly ulong Hash64()
    {
        ReadOnlySpan<byte> b = _cells;
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(b[..48]);
        ulong h = 0x9E3779B97F4A7C15UL;
        for (int i = 0; i < words.Length; i++) h = ulong.RotateLeft((h ^ words[i]) * 0xFF51AFD7ED558CCDUL, 29);
        h ^= (ulong)(b[48] | (b[49] << 8));
        h *= 0xC4CEB9FE1A85EC53UL;
        return h ^ (h >> 32);
    }

    /// <inheritdoc/>
    public override readonly int GetHashCode()
    {
        var h = new HashCode();
        ReadOnlySpan<byte> a = _cells;
        h.AddBytes(a);
        return h.ToHashCode();
    }

    /// <summary>Equality of all 50 counts.</summary>
    public static bool operator ==(Position a, Position b) => a.Equals(b);

    /// <summary>Inequality of any count.</summary>
    public static bool operator !=(Position a, Position b) => !a.Equals(b);

    /// <summary>The gnubg position ID.</summary>
    public override readonly string ToString() => PositionId.Encode(this);
}
