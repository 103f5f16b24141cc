using System.Numerics;
using System.Runtime.InteropServices;
using Bellman.Nn;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.ValueBased;

/// <summary>
/// A critic Q(s, a) on [s, a] evaluated at many actions per state with the state's part of the first layer computed
/// once per state: the first Linear's pre-activation is W [s, a] + b = (W_s s) + W_a a + b, so for the N candidates of
/// one state W_s s (H·|s| multiply-adds) is shared and each candidate adds only W_a a (H·|a|). The rest of the network
/// runs as <see cref="Sequential.Forward"/> would, on all candidates at once.
/// <para>
/// Rounding: every pre-activation is summed as the chain c = fma(x_p, W[h, p], c) over p = 0 … |s| + |a| − 1 from 0,
/// then c + b[h]: the order of the batched product's register tiles (<see cref="Nn.Kernels.Gemm"/>), so the result
/// equals the plain forward bit for bit where the product takes that path (8 rows and more); elsewhere the two differ
/// only by the order of a (|s| + |a|)-term sum.
/// </para>
/// </summary>
public sealed class SharedStateCritic
{
    private float[] _weightT = [], _stateParts = [];

    /// <summary>
    /// Whether <paramref name="critic"/> has the shape this evaluation needs: a <see cref="Sequential"/> whose first
    /// module is a <see cref="Linear"/> over <paramref name="inputSize"/> features.
    /// </summary>
    public static bool Supports(Module critic, int inputSize) =>
        critic is Sequential { Layers: [Linear first, ..] } && first.InFeatures == inputSize;

    /// <summary>
    /// Q at the rows (s_{r / repeat}, a_r) into <paramref name="destination"/> [rows]: <paramref name="observations"/>
    /// [rows / repeat, |s|], <paramref name="actions"/> [rows, |a|], in no-grad mode on <paramref name="graph"/> (reset here).
    /// </summary>
    /// <exception cref="ArgumentException">The critic is not supported (<see cref="Supports"/>) or the sizes disagree.</exception>
    public void Evaluate(Graph graph, Module critic, ReadOnlySpan<float> observations, int observationSize, ReadOnlySpan<float> actions,
        int actionSize, int repeat, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int width = observationSize + actionSize;
        if (!Supports(critic, width)) throw new ArgumentException($"SharedStateCritic needs a Sequential starting with a Linear over {width} features.", nameof(critic));
        int rows = actions.Length / actionSize, states = rows / repeat;
        if (rows * actionSize != actions.Length || states * repeat != rows || observations.Length < states * observationSize)
            throw new ArgumentException($"SharedStateCritic: {actions.Length} action values, {observations.Length} observation values and repeat {repeat} do not fit |s| = {observationSize}, |a| = {actionSize}.");
        var layers = ((Sequential)critic).Layers;
        var first = (Linear)layers[0];
        int h = first.OutFeatures;
        bool relu = layers.Count > 1 && layers[1] is ReLU;

        // Wᵀ [width, H], so that every step of the chain is a contiguous row.
        if (_weightT.Length < width * h) _weightT = new float[width * h];
        if (_stateParts.Length < states * h) _stateParts = new float[states * h];
        ReadOnlySpan<float> w = first.Weight.Data;
        Span<float> wT = _weightT.AsSpan(0, width * h);
        for (int o = 0; o < h; o++)
            for (int p = 0; p < width; p++) wT[p * h + o] = w[o * width + p];

        // W_s s for each state: the chain over the observation's features.
        Span<float> parts = _stateParts.AsSpan(0, states * h);
        parts.Clear();
        for (int i = 0; i < states; i++)
        {
            Span<float> c = parts.Slice(i * h, h);
            for (int p = 0; p < observationSize; p++) FusedAdd(wT.Slice(p * h, h), observations[i * observationSize + p], c, c);
        }

        graph.Reset();
        using var _ = graph.NoGrad();
        Tensor x = graph.Zeros(new Shape(rows, h));
        Span<float> hidden = x.Data;
        ReadOnlySpan<float> bias = first.Bias is null ? default : first.Bias.Data;
        for (int r = 0; r < rows; r++)
            FirstLayerRow(parts.Slice(r / repeat * h, h), wT[(observationSize * h)..], actions.Slice(r * actionSize, actionSize), bias, relu, hidden.Slice(r * h, h));

        // The remaining modules exactly as Sequential.Forward runs them (a Linear followed by a ReLU fused).
        for (int i = relu ? 2 : 1; i < layers.Count; i++)
        {
            if (layers[i] is Linear linear && i + 1 < layers.Count && layers[i + 1] is ReLU)
            {
                x = linear.ForwardRelu(graph, x);
                i++;
            }
            else x = layers[i].Forward(graph, x);
        }
        x.Data.CopyTo(destination);
    }

    /// <summary>y[k] = fma(x[k], s, c[k]) (one rounding), vectorised; the result does not depend on the width.</summary>
    private static void FusedAdd(ReadOnlySpan<float> x, float s, ReadOnlySpan<float> c, Span<float> y)
    {
        int k = 0, v = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            var sv = new Vector<float>(s);
            for (; k <= x.Length - v; k += v)
                Vector.FusedMultiplyAdd(new Vector<float>(x[k..]), sv, new Vector<float>(c[k..])).CopyTo(y[k..]);
        }
        for (; k < x.Length; k++) y[k] = MathF.FusedMultiplyAdd(x[k], s, c[k]);
    }

    /// <summary>
    /// y = relu(fma(a_{d−1}, W_a[d−1], … fma(a_0, W_a[0], part)) + b) in one pass (no ReLU when <paramref name="relu"/> is
    /// false; NaN kept, as the fused Linear + ReLU does), W_a [d, H] row-major; the result does not depend on the width.
    /// </summary>
    private static void FirstLayerRow(ReadOnlySpan<float> part, ReadOnlySpan<float> actionWeights, ReadOnlySpan<float> action,
        ReadOnlySpan<float> bias, bool relu, Span<float> y)
    {
        int h = y.Length, d = action.Length, k = 0, v = Vector<float>.Count;
        ref float p0 = ref MemoryMarshal.GetReference(part), w0 = ref MemoryMarshal.GetReference(actionWeights);
        ref float y0 = ref MemoryMarshal.GetReference(y), b0 = ref MemoryMarshal.GetReference(bias);
        if (Vector.IsHardwareAccelerated && part.Length >= h && actionWeights.Length >= d * h && (bias.IsEmpty || bias.Length >= h))
        {
            for (; k <= h - v; k += v)
            {
                var c = Vector.LoadUnsafe(ref p0, (nuint)k);
                for (int j = 0; j < d; j++) c = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref w0, (nuint)(j * h + k)), new Vector<float>(action[j]), c);
                if (!bias.IsEmpty) c += Vector.LoadUnsafe(ref b0, (nuint)k);
                if (relu) c = Vector.ConditionalSelect(Vector.LessThan(c, Vector<float>.Zero), Vector<float>.Zero, c);
                c.StoreUnsafe(ref y0, (nuint)k);
            }
        }
        for (; k < h; k++)
        {
            float c = part[k];
            for (int j = 0; j < d; j++) c = MathF.FusedMultiplyAdd(actionWeights[j * h + k], action[j], c);
            if (!bias.IsEmpty) c += bias[k];
            y[k] = relu && c < 0 ? 0f : c;
        }
    }
}
