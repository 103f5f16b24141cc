namespace Bellman.Backgammon.TdGammon;

/// <summary>
/// Tesauro's 198 inputs (TD-Gammon, 1992), as a sparse list. Colours are fixed: white (player 0) and black
/// (player 1), each counted on its own points. For colour c and its point index k (0..23), with n checkers:
/// unit 96c + 4k + 0 = [n ≥ 1], + 1 = [n ≥ 2], + 2 = [n ≥ 3], + 3 = (n − 3)/2 when n > 3; unit 192 + c =
/// checkers on the bar / 2; unit 194 + c = borne off / 15; unit 196 + c = 1 when colour c is to move.
/// </summary>
public static class TesauroEncoding
{
    /// <summary>Inputs of the network.</summary>
    public const int Inputs = 198;

    /// <summary>The most non-zero inputs a legal position has (15 per colour on points, bar and off units, the turn).</summary>
    public const int MaxNonZero = 40;

    /// <summary>
    /// Encodes <paramref name="afterstate"/> (the side that just moved is its second half, the other side is
    /// to move next) into (index, value) pairs; returns their count. <paramref name="moverIsWhite"/> says
    /// which colour moved.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static int Encode(in Position afterstate, bool moverIsWhite, Span<int> index, Span<float> value)
    {
        int n = 0;
        // side 1 of the position is the mover, side 0 the one to move.
        int whiteSide = moverIsWhite ? 1 : 0;
        for (int colour = 0; colour < 2; colour++)
        {
            int side = colour == 0 ? whiteSide : 1 - whiteSide;
            int off = Position.CheckersPerSide;
            for (int k = 0; k < 24; k++)
            {
                int c = afterstate.Count(side, k);
                if (c == 0) continue;
                off -= c;
                int b = 96 * colour + 4 * k;
                index[n] = b; value[n++] = 1f;
                if (c >= 2) { index[n] = b + 1; value[n++] = 1f; }
                if (c >= 3) { index[n] = b + 2; value[n++] = 1f; }
                if (c > 3) { index[n] = b + 3; value[n++] = (c - 3) / 2f; }
            }
            int bar = afterstate.Count(side, Position.Bar);
            off -= bar;
            if (bar > 0) { index[n] = 192 + colour; value[n++] = bar / 2f; }
            if (off > 0) { index[n] = 194 + colour; value[n++] = off / 15f; }
        }
        index[n] = moverIsWhite ? 197 : 196; // the other colour is to move
        value[n++] = 1f;
        return n;
    }

    /// <summary>The dense 198-vector of <see cref="Encode(in Position, bool, Span{int}, Span{float})"/>, for tests and inspection.</summary>
    public static float[] EncodeDense(in Position afterstate, bool moverIsWhite)
    {
        Span<int> index = stackalloc int[MaxNonZero];
        Span<float> value = stackalloc float[MaxNonZero];
        int n = Encode(afterstate, moverIsWhite, index, value);
        var x = new float[Inputs];
        for (int i = 0; i < n; i++) x[index[i]] = value[i];
        return x;
    }
}
