using Bellman.Core.Random;
using Bellman.Nn;

namespace Bellman.Backgammon.TdGammon;

/// <summary>
/// TD-Gammon's network: V(x) = σ(v·h + c), h = σ(Wᵀx + b), with x the 198 Tesauro inputs and V the
/// probability that white wins. Forward and backward are written directly over spans for sparse inputs:
/// W is stored input-major (row i holds the weights from input i to every hidden unit), so a forward pass
/// adds one contiguous row per non-zero input. The four tensors are Bellman.Nn <see cref="Parameter"/>s,
/// so the safetensors checkpoint saves and loads them.
/// </summary>
public sealed class TdGammonNetwork
{
    /// <summary>A network with <paramref name="hidden"/> sigmoid units, weights uniform in ±<paramref name="initScale"/>.</summary>
    public TdGammonNetwork(int hidden, Rng rng, float initScale = 0.1f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        ArgumentNullException.ThrowIfNull(rng);
        Hidden = hidden;
        HiddenWeight = new Parameter("hidden.weight", TesauroEncoding.Inputs, hidden);
        HiddenBias = new Parameter("hidden.bias", hidden);
        OutputWeight = new Parameter("output.weight", hidden);
        OutputBias = new Parameter("output.bias", 1);
        foreach (var p in Parameters)
            for (int i = 0; i < p.Data.Length; i++) p.Data[i] = (float)rng.Uniform(-initScale, initScale);
    }

    /// <summary>Hidden units.</summary>
    public int Hidden { get; }

    /// <summary>W, [198, hidden], input-major.</summary>
    public Parameter HiddenWeight { get; }

    /// <summary>b, [hidden].</summary>
    public Parameter HiddenBias { get; }

    /// <summary>v, [hidden].</summary>
    public Parameter OutputWeight { get; }

    /// <summary>c, [1].</summary>
    public Parameter OutputBias { get; }

    /// <summary>The four parameters, in checkpoint order.</summary>
    public IReadOnlyList<Parameter> Parameters => [HiddenWeight, HiddenBias, OutputWeight, OutputBias];

    /// <summary>
    /// V for one sparse input; <paramref name="hidden"/> (length <see cref="Hidden"/>) receives h, which the
    /// gradient needs.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public float Forward(ReadOnlySpan<int> index, ReadOnlySpan<float> value, Span<float> hidden)
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
        float z = SpanMath.Dot(hidden, OutputWeight.Data) + OutputBias.Data[0];
        return Sigmoid(z);
    }

    /// <summary>
    /// V for a batch of sparse inputs in compressed rows: input r is (index, value)[start[r]..start[r + 1]).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(ReadOnlySpan<int> start, ReadOnlySpan<int> index, ReadOnlySpan<float> value, Span<float> output, Span<float> scratch)
    {
        for (int r = 0; r < output.Length; r++)
        {
            int a = start[r], b = start[r + 1];
            output[r] = Forward(index[a..b], value[a..b], scratch);
        }
    }

    /// <summary>σ(z) = 1 / (1 + e^(−z)).</summary>
    public static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));
}
