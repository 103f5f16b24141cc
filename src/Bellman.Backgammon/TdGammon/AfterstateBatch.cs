namespace Bellman.Backgammon.TdGammon;

/// <summary>
/// Encodes all candidate afterstates of one roll into one sparse batch (compressed rows) and evaluates
/// them with one call; reuses its buffers. One instance per thread.
/// </summary>
public sealed class AfterstateBatch
{
    private int[] _start = new int[64];
    private int[] _index = new int[64 * TesauroEncoding.MaxNonZero];
    private float[] _value = new float[64 * TesauroEncoding.MaxNonZero];
    private float[] _score = new float[64];
    private float[] _outputs = new float[64];
    private float[] _hidden = new float[16];
    private int _outputCount = 1;

    /// <summary>
    /// The score (<see cref="TdGammonNetwork.Score"/>: P(white wins), or white's equity for a five-output
    /// network) of every play's resulting position, the mover being white or black; the outputs of each
    /// play are then in <see cref="Outputs"/>.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<float> Evaluate(TdGammonNetwork network, ReadOnlySpan<Play> plays, bool moverIsWhite)
    {
        int count = plays.Length;
        if (_start.Length < count + 1)
        {
            int cap = Math.Max(count + 1, 2 * _start.Length);
            _start = new int[cap];
            _index = new int[cap * TesauroEncoding.MaxNonZero];
            _value = new float[cap * TesauroEncoding.MaxNonZero];
            _score = new float[cap];
        }
        if (_outputs.Length < count * network.Outputs) _outputs = new float[Math.Max(count * network.Outputs, 2 * _outputs.Length)];
        _outputCount = network.Outputs;
        if (_hidden.Length < network.Hidden) _hidden = new float[network.Hidden];
        int n = 0;
        for (int r = 0; r < count; r++)
        {
            _start[r] = n;
            n += TesauroEncoding.Encode(plays[r].Result, moverIsWhite, _index.AsSpan(n), _value.AsSpan(n));
        }
        _start[count] = n;
        var score = _score.AsSpan(0, count);
        network.Evaluate(_start.AsSpan(0, count + 1), _index.AsSpan(0, n), _value.AsSpan(0, n), score, _outputs, _hidden);
        return score;
    }

    /// <summary>Every output of play <paramref name="play"/> from the last <see cref="Evaluate"/>.</summary>
    public ReadOnlySpan<float> Outputs(int play) => _outputs.AsSpan(play * _outputCount, _outputCount);

    /// <summary>The index of the largest value (the first on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>The index of the smallest value (the first on ties).</summary>
    public static int ArgMin(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] < values[best]) best = i;
        return best;
    }
}
