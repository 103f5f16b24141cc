using Bellman.Core.Random;
using Bellman.Nn;

namespace Bellman.Backgammon.TdGammon;

/// <summary>
/// TD-Gammon's network: y_k(x) = σ(v_k·h + c_k), h = σ(Wᵀx + b), with x the 198 Tesauro inputs. Outputs are
/// fixed to white (player 0), as the inputs are:
/// <list type="bullet">
/// <item>one output (TD-Gammon 1.0): y₀ = P(white wins);</item>
/// <item>five outputs (gnubg's parametrisation, cumulative): P(white wins), P(white wins a gammon or
/// backgammon), P(white wins a backgammon), P(black wins a gammon or backgammon), P(black wins a backgammon).
/// The cubeless money equity for white is 2P(w) − 1 + P(wg) − P(lg) + P(wbg) − P(lbg).</item>
/// </list>
/// Forward and backward are written directly over spans for sparse inputs: W is stored input-major (row i
/// holds the weights from input i to every hidden unit), so a forward pass adds one contiguous row per
/// non-zero input; the output weights are output-major (row k is v_k). The four tensors are Bellman.Nn
/// <see cref="Parameter"/>s, so the safetensors checkpoint saves and loads them (a one-output network keeps
/// its original shapes, [hidden] and [1]).
/// </summary>
public sealed class TdGammonNetwork
{
    /// <summary>Output index of P(white wins).</summary>
    public const int Win = 0;

    /// <summary>Output index of P(white wins a gammon or backgammon) (five-output networks).</summary>
    public const int WinGammon = 1;

    /// <summary>Output index of P(white wins a backgammon) (five-output networks).</summary>
    public const int WinBackgammon = 2;

    /// <summary>Output index of P(black wins a gammon or backgammon) (five-output networks).</summary>
    public const int LoseGammon = 3;

    /// <summary>Output index of P(black wins a backgammon) (five-output networks).</summary>
    public const int LoseBackgammon = 4;

    /// <summary>A network with <paramref name="hidden"/> sigmoid units and <paramref name="outputs"/> (1 or 5) outputs, weights uniform in ±<paramref name="initScale"/>.</summary>
    public TdGammonNetwork(int hidden, Rng rng, float initScale = 0.1f, int outputs = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        ArgumentNullException.ThrowIfNull(rng);
        if (outputs is not (1 or 5)) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "A TD-Gammon network has 1 or 5 outputs.");
        Hidden = hidden;
        Outputs = outputs;
        HiddenWeight = new Parameter("hidden.weight", TesauroEncoding.Inputs, hidden);
        HiddenBias = new Parameter("hidden.bias", hidden);
        OutputWeight = outputs == 1 ? new Parameter("output.weight", hidden) : new Parameter("output.weight", outputs, hidden);
        OutputBias = new Parameter("output.bias", outputs);
        foreach (var p in Parameters)
            for (int i = 0; i < p.Data.Length; i++) p.Data[i] = (float)rng.Uniform(-initScale, initScale);
    }

    /// <summary>Hidden units.</summary>
    public int Hidden { get; }

    /// <summary>Outputs: 1 (P(white wins)) or 5 (with gammons and backgammons).</summary>
    public int Outputs { get; }

    /// <summary>W, [198, hidden], input-major.</summary>
    public Parameter HiddenWeight { get; }

    /// <summary>b, [hidden].</summary>
    public Parameter HiddenBias { get; }

    /// <summary>v, [hidden] for one output, else [outputs, hidden] (row k is v_k).</summary>
    public Parameter OutputWeight { get; }

    /// <summary>c, [outputs].</summary>
    public Parameter OutputBias { get; }

    /// <summary>The four parameters, in checkpoint order.</summary>
    public IReadOnlyList<Parameter> Parameters => [HiddenWeight, HiddenBias, OutputWeight, OutputBias];

    /// <summary>
    /// The outputs for one sparse input into <paramref name="outputs"/> (length <see cref="Outputs"/>);
    /// <paramref name="hidden"/> (length <see cref="Hidden"/>) receives h, which the gradient needs.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<int> index, ReadOnlySpan<float> value, Span<float> hidden, Span<float> outputs)
    {
        hidden = hidden[..Hidden];
        HiddenBias.Data.CopyTo(hidden);
        float[] w = HiddenWeight.Data;
        int h = Hidden;
        for (int k = 0; k < index.Length; k++)
        {
            var row = new ReadOnlySpan<float>(w, index[k] * h, h);
            if (value[k] == 1f) SpanMath.Add(row, hidden);
            else SpanMath.AddScaled(row, value[k], hidden);
        }
        SpanMath.Sigmoid(hidden);
        float[] v = OutputWeight.Data, c = OutputBias.Data;
        for (int k = 0; k < Outputs; k++)
            outputs[k] = Sigmoid(SpanMath.Dot(hidden, new ReadOnlySpan<float>(v, k * h, h)) + c[k]);
    }

    /// <summary>P(white wins) of a one-output network for one sparse input (see <see cref="Forward(ReadOnlySpan{int}, ReadOnlySpan{float}, Span{float}, Span{float})"/>).</summary>
    public float Forward(ReadOnlySpan<int> index, ReadOnlySpan<float> value, Span<float> hidden)
    {
        Span<float> y = stackalloc float[Outputs];
        Forward(index, value, hidden, y);
        return y[Win];
    }

    /// <summary>
    /// The value white maximises and black minimises: P(white wins) for one output, white's cubeless money
    /// equity 2P(w) − 1 + P(wg) − P(lg) + P(wbg) − P(lbg) for five.
    /// </summary>
    public static float Score(ReadOnlySpan<float> outputs) => outputs.Length == 1
        ? outputs[Win]
        : 2f * outputs[Win] - 1f + outputs[WinGammon] - outputs[LoseGammon] + outputs[WinBackgammon] - outputs[LoseBackgammon];

    /// <summary>White's cubeless money equity from the outputs (2P(w) − 1 when gammons are not modelled).</summary>
    public static float Equity(ReadOnlySpan<float> outputs) => outputs.Length == 1 ? 2f * outputs[Win] - 1f : Score(outputs);

    /// <summary>
    /// The final target vector z of a game in which <paramref name="whiteWon"/> says who won and
    /// <paramref name="points"/> (1, 2, 3) how much; for one output z = [white won].
    /// </summary>
    public static void Outcome(bool whiteWon, int points, Span<float> z)
    {
        z[Win] = whiteWon ? 1f : 0f;
        if (z.Length == 1) return;
        z[WinGammon] = whiteWon && points >= 2 ? 1f : 0f;
        z[WinBackgammon] = whiteWon && points >= 3 ? 1f : 0f;
        z[LoseGammon] = !whiteWon && points >= 2 ? 1f : 0f;
        z[LoseBackgammon] = !whiteWon && points >= 3 ? 1f : 0f;
    }

    /// <summary>
    /// The scores (<see cref="Score"/>) of a batch of sparse inputs in compressed rows, input r being
    /// (index, value)[start[r]..start[r + 1]); every output of input r goes to
    /// <paramref name="outputs"/>[r·Outputs ..].
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(ReadOnlySpan<int> start, ReadOnlySpan<int> index, ReadOnlySpan<float> value, Span<float> scores, Span<float> outputs, Span<float> scratch)
    {
        int m = Outputs;
        for (int r = 0; r < scores.Length; r++)
        {
            int a = start[r], b = start[r + 1];
            var y = outputs.Slice(r * m, m);
            Forward(index[a..b], value[a..b], scratch, y);
            scores[r] = Score(y);
        }
    }

    /// <summary>σ(z) = 1 / (1 + e^(−z)).</summary>
    public static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));
}
