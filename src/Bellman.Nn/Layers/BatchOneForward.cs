using Bellman.Nn.Kernels;

namespace Bellman.Nn.Layers;

/// <summary>
/// The forward pass of a <see cref="Sequential"/> MLP (<see cref="Linear"/> layers, each optionally followed by a
/// <see cref="ReLU"/>) for one observation, without a graph: what acting greedily, argmaxₐ Q(s, a), needs at every
/// environment step. Buffers are allocated once; a wide layer keeps its weight transposed, Wᵀ [in, out], so that
/// y = x·Wᵀ is a streaming axpy over the rows of Wᵀ (y += xₚ·Wᵀ[p, :]) with vector accumulators instead of out dot
/// products with lane sums.
/// <para>
/// Bits: every layer takes the same summation path as <see cref="Sequential.Forward"/> at a batch of 8 or more rows
/// (a wide layer: the chain fma over p = 0..in−1 of the tile kernel; a layer with fewer than V/2 outputs: the same
/// dot products), then the same bias and ReLU kernels, so each output equals that row of the batched forward bit for
/// bit. (The graph's own batch-1 forward uses dot products for every layer and can differ from it in the last bits.)
/// </para>
/// <para>
/// The copy is a snapshot: call <see cref="Refresh"/> after the network's parameters change (an optimizer step, a
/// target sync, a load). Refreshing transposes the wide weights, once per change instead of once per action.
/// </para>
/// </summary>
public sealed class BatchOneForward
{
    private readonly Linear[] _linears;
    private readonly bool[] _relu;
    private readonly bool[] _transposed;
    private readonly float[][] _weights;
    private readonly float[]?[] _biases;
    private readonly float[][] _activations;

    /// <summary>Prepares the batch-1 forward of <paramref name="network"/> and takes a first snapshot of its weights.</summary>
    /// <exception cref="ArgumentException">The network holds a module other than Linear and ReLU, or a ReLU not after a Linear.</exception>
    public BatchOneForward(Sequential network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var linears = new List<Linear>();
        var relu = new List<bool>();
        foreach (Module layer in network.Layers)
        {
            if (layer is Linear linear)
            {
                if (linears.Count > 0 && linears[^1].OutFeatures != linear.InFeatures)
                    throw new ArgumentException($"BatchOneForward: layer sizes {linears[^1].OutFeatures} and {linear.InFeatures} do not chain.", nameof(network));
                linears.Add(linear);
                relu.Add(false);
            }
            else if (layer is ReLU && linears.Count > 0 && !relu[^1]) relu[^1] = true;
            else throw new ArgumentException($"BatchOneForward supports Linear layers each optionally followed by one ReLU; found {layer.GetType().Name}.", nameof(network));
        }
        if (linears.Count == 0) throw new ArgumentException("BatchOneForward needs at least one Linear layer.", nameof(network));
        _linears = [.. linears];
        _relu = [.. relu];
        _transposed = new bool[_linears.Length];
        _weights = new float[_linears.Length][];
        _biases = new float[_linears.Length][];
        _activations = new float[_linears.Length][];
        for (int i = 0; i < _linears.Length; i++)
        {
            Linear l = _linears[i];
            _transposed[i] = !Gemm.UsesDotProducts(l.OutFeatures);
            _weights[i] = new float[l.InFeatures * l.OutFeatures];
            _biases[i] = l.Bias is null ? null : new float[l.OutFeatures];
            _activations[i] = new float[l.OutFeatures];
        }
        Refresh();
    }

    /// <summary>Observation size.</summary>
    public int InputSize => _linears[0].InFeatures;

    /// <summary>Output size (the number of actions of a Q-network).</summary>
    public int OutputSize => _linears[^1].OutFeatures;

    /// <summary>Copies the network's current weights (transposing the wide ones) and biases.</summary>
    public void Refresh()
    {
        for (int i = 0; i < _linears.Length; i++)
        {
            Linear l = _linears[i];
            if (l.Bias is not null) l.Bias.Data.AsSpan(0, l.OutFeatures).CopyTo(_biases[i]);
            float[] w = l.Weight.Data, dest = _weights[i];
            int outF = l.OutFeatures, inF = l.InFeatures;
            if (!_transposed[i])
            {
                w.CopyTo(dest, 0);
                continue;
            }
            Gemm.Transpose(w.AsSpan(0, outF * inF), outF, inF, dest);
        }
    }

    /// <summary>Writes the network's outputs for <paramref name="input"/> (InputSize values) into <paramref name="destination"/>.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> destination)
    {
        if (input.Length != InputSize) throw new ArgumentException($"BatchOneForward: the input has {input.Length} values, the network takes {InputSize}.", nameof(input));
        if (destination.Length < OutputSize) throw new ArgumentException($"BatchOneForward: the destination has {destination.Length} values, needs {OutputSize}.", nameof(destination));
        ReadOnlySpan<float> x = input;
        for (int i = 0; i < _linears.Length; i++)
        {
            Linear l = _linears[i];
            Span<float> y = _activations[i];
            // Wᵀ [in, out]: y = x·Wᵀ as an m = 1 product with op(B) = B (the axpy path); W [out, in]: dot products.
            Gemm.Multiply(x, _weights[i], y, 1, l.OutFeatures, l.InFeatures, transposeB: !_transposed[i]);
            float[]? bias = _biases[i];
            if (_relu[i]) Simd.AddRowVectorRelu(y, 1, l.OutFeatures, bias);
            else if (bias is not null) Simd.AddRowVector(y, 1, l.OutFeatures, bias);
            x = y;
        }
        x.CopyTo(destination);
    }

    /// <summary>The index of the largest output for <paramref name="input"/> (the first maximum, as <see cref="Numerics.ArgMax"/>).</summary>
    public int ArgMax(ReadOnlySpan<float> input)
    {
        Span<float> q = _activations[^1];
        Forward(input, q);
        return Numerics.ArgMax(q);
    }
}
