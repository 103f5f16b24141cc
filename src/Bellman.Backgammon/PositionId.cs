namespace Bellman.Backgammon;

/// <summary>
/// GNU Backgammon's 14-character position ID. For the opponent's 25 counts, then the on-roll side's, and
/// within a side for index 0..24: as many 1-bits as checkers, then one 0-bit. The (at most 80) bits are
/// packed least significant bit first into 10 bytes, base64-encoded, and the first 14 characters kept.
/// The starting position is <c>4HPwATDgc/ABMA</c>.
/// </summary>
public static class PositionId
{
    /// <summary>Characters in an ID.</summary>
    public const int Length = 14;

    private const int KeyBytes = 10;

    /// <summary>The ID of <paramref name="position"/>.</summary>
    public static string Encode(in Position position)
    {
        Span<byte> key = stackalloc byte[KeyBytes];
        Pack(position, key);
        return Convert.ToBase64String(key)[..Length];
    }

    /// <summary>The 80-bit key behind the ID, as one number: equal keys ⇔ equal positions.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static UInt128 Key(in Position position)
    {
        ulong lo = 0, hi = 0;
        int bit = 0;
        for (int c = 0; c < Position.Cells; c++)
        {
            int n = c < Position.SideCells ? position.Theirs(c) : position.Mine(c - Position.SideCells);
            if (n > 0)
            {
                // n ones starting at 'bit'
                ulong ones = n >= 64 ? ulong.MaxValue : (1UL << n) - 1;
                if (bit < 64)
                {
                    lo |= ones << bit;
                    if (bit + n > 64) hi |= ones >> (64 - bit);
                }
                else
                {
                    hi |= ones << (bit - 64);
                }
                bit += n;
            }
            bit++; // the 0 separator
        }
        return new UInt128(hi, lo);
    }

    private static void Pack(in Position position, Span<byte> key)
    {
        key.Clear();
        int bit = 0;
        for (int c = 0; c < Position.Cells; c++)
        {
            int n = c < Position.SideCells ? position.Theirs(c) : position.Mine(c - Position.SideCells);
            for (int k = 0; k < n; k++, bit++) key[bit >> 3] |= (byte)(1 << (bit & 7));
            bit++;
        }
    }

    /// <summary>Decodes an ID, checking that it is well formed and describes a possible position.</summary>
    /// <exception cref="FormatException">
    /// The ID is not 14 base64 characters, does not hold 50 counts, has more than 15 checkers on a side, or
    /// has both sides on one point.
    /// </exception>
    public static Position Decode(string id)
    {
        if (!TryDecode(id, out Position position, out string? error)) throw new FormatException(error);
        return position;
    }

    /// <summary>Decodes an ID; on failure returns false with a message naming the problem.</summary>
    public static bool TryDecode(string? id, out Position position, out string? error)
    {
        position = default;
        if (id is null || id.Length != Length)
        {
            error = $"Position ID '{id}' has {id?.Length ?? 0} characters; a gnubg position ID has {Length} (e.g. 4HPwATDgc/ABMA for the start).";
            return false;
        }
        for (int i = 0; i < id.Length; i++)
        {
            char ch = id[i];
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '+' or '/'))
            {
                error = $"Position ID '{id}' has '{ch}' at character {i + 1}; IDs use the base64 characters A-Z a-z 0-9 + /.";
                return false;
            }
        }
        byte[] key = Convert.FromBase64String(id + "==");
        int bit = 0;
        Span<int> counts = stackalloc int[Position.Cells];
        for (int c = 0; c < Position.Cells; c++)
        {
            int n = 0;
            while (true)
            {
                if (bit >= KeyBytes * 8)
                {
                    error = $"Position ID '{id}' ends after {c} of the 50 counts (24 points and the bar per side).";
                    return false;
                }
                bool one = (key[bit >> 3] & (1 << (bit & 7))) != 0;
                bit++;
                if (!one) break;
                n++;
            }
            if (n > Position.CheckersPerSide)
            {
                error = $"Position ID '{id}' puts {n} checkers on one point; a side has at most 15.";
                return false;
            }
            counts[c] = n;
        }
        for (; bit < KeyBytes * 8; bit++)
        {
            if ((key[bit >> 3] & (1 << (bit & 7))) != 0)
            {
                error = $"Position ID '{id}' has bits set after its 50 counts; it is not an ID gnubg writes.";
                return false;
            }
        }
        try
        {
            position = Position.FromCounts(counts[..Position.SideCells], counts[Position.SideCells..]);
        }
        catch (ArgumentException e)
        {
            error = $"Position ID '{id}' is impossible: {e.Message}";
            return false;
        }
        error = null;
        return true;
    }
}
