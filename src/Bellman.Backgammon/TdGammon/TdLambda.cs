
namespace Bellman.Backgammon.TdGammon;

/// <summary>
/// TD(λ) with accumulating eligibility traces over the parameters of a <see cref="TdGammonNetwork"/>, with
/// γ = 1 and the reward only at the end (Tesauro 1992), for each output y_k of the network:
/// <code>
///   e_k ← λ e_k + ∇_w y_k(s_t)            (traces, zero at the start of each game)
///   δ_k = y_k(s_{t+1}) − y_k(s_t)          (or z_k − y_k(s_t) at the end, z the outcome vector)
///   w ← w + α Σ_k δ_k e_k
/// </code>
/// The gradient of y_k = σ(v_k·h + c_k), h = σ(Wᵀx + b), with g_k = y_k(1 − y_k) and
/// u_kj = g_k v_kj h_j (1 − h_j): ∂y_k/∂c_k = g_k, ∂y_k/∂v_kj = g_k h_j, ∂y_k/∂b_j = u_kj,
/// ∂y_k/∂W_ij = x_i u_kj. The shared hidden layer keeps one trace per output; the output layer's row k
/// only ever receives output k's gradient, so one trace of its own shape serves it.
/// </summary>
public sealed class TdLambda
{
    private readonly TdGammonNetwork _net;
    private readonly float[][] _eW, _eB;
    private readonly float[] _eV, _eC;
    private readonly float[] _u;

    /// <summary>Traces for <paramref name="network"/>, all zero.</summary>
    public TdLambda(TdGammonNetwork network, float alpha, float lambda)
    {
        ArgumentNullException.ThrowIfNull(network);
        _net = network;
        Alpha = alpha;
        Lambda = lambda;
        int m = network.Outputs;
        _eW = Enumerable.Range(0, m).Select(_ => new float[network.HiddenWeight.Size]).ToArray();
        _eB = Enumerable.Range(0, m).Select(_ => new float[network.Hidden]).ToArray();
        _eV = new float[network.OutputWeight.Size];
        _eC = new float[m];
        _u = new float[network.Hidden];
    }

    /// <summary>Step size α.</summary>
    public float Alpha { get; }

    /// <summary>Trace decay λ.</summary>
    public float Lambda { get; }

    /// <summary>
    /// The trace of parameter <paramref name="parameter"/> (in <see cref="TdGammonNetwork.Parameters"/>
    /// order) for output <paramref name="output"/>: all of W or b, or row <paramref name="output"/> of v or c.
    /// </summary>
    public ReadOnlySpan<float> Trace(int parameter, int output = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(output);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(output, _net.Outputs);
        int h = _net.Hidden;
        return parameter switch
        {
            0 => _eW[output],
            1 => _eB[output],
            2 => _eV.AsSpan(output * h, h),
            3 => _eC.AsSpan(output, 1),
            _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter, "The network has parameters 0..3."),
        };
    }

    /// <summary>Sets every trace to zero (the start of a game).</summary>
    public void Reset()
    {
        foreach (var e in _eW) Array.Clear(e);
        foreach (var e in _eB) Array.Clear(e);
        Array.Clear(_eV);
        Array.Clear(_eC);
    }

    /// <summary>
    /// e_k ← λ e_k + ∇y_k(x) for the sparse input x = (<paramref name="index"/>, <paramref name="value"/>),
    /// given its hidden activations <paramref name="hidden"/> and outputs <paramref name="y"/> from the same weights.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Accumulate(ReadOnlySpan<int> index, ReadOnlySpan<float> value, ReadOnlySpan<float> hidden, ReadOnlySpan<float> y)
    {
        int h = _net.Hidden;
        float[] outW = _net.OutputWeight.Data;
        Span<float> u = _u;
        for (int m = 0; m < _net.Outputs; m++)
        {
            float g = y[m] * (1f - y[m]);
            int row = m * h;
            for (int j = 0; j < h; j++) u[j] = g * outW[row + j] * hidden[j] * (1f - hidden[j]);
            float[] eW = _eW[m];
            SpanMath.Scale(eW, Lambda);
            for (int k = 0; k < index.Length; k++) SpanMath.AddScaled(u, value[k], new Span<float>(eW, index[k] * h, h));
            SpanMath.ScaleAdd(_eB[m], Lambda, u);
            for (int j = 0; j < h; j++) _eV[row + j] = Lambda * _eV[row + j] + g * hidden[j];
            _eC[m] = Lambda * _eC[m] + g;
        }
    }

    /// <summary>One-output form of <see cref="Accumulate(ReadOnlySpan{int}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>.</summary>
    public void Accumulate(ReadOnlySpan<int> index, ReadOnlySpan<float> value, ReadOnlySpan<float> hidden, float v) =>
        Accumulate(index, value, hidden, [v]);

    /// <summary>w ← w + α Σ_k δ_k e_k for every parameter (<paramref name="delta"/> has one entry per output).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Update(ReadOnlySpan<float> delta)
    {
        if (delta.Length != _net.Outputs) throw new ArgumentException($"delta has {delta.Length} entries, the network {_net.Outputs} outputs.", nameof(delta));
        int h = _net.Hidden;
        float[] w = _net.HiddenWeight.Data, b = _net.HiddenBias.Data, v = _net.OutputWeight.Data, c = _net.OutputBias.Data;
        for (int m = 0; m < delta.Length; m++)
        {
            float step = Alpha * delta[m];
            SpanMath.AddScaled(_eW[m], step, w);
            SpanMath.AddScaled(_eB[m], step, b);
            SpanMath.AddScaled(_eV.AsSpan(m * h, h), step, v.AsSpan(m * h, h));
            c[m] += step * _eC[m];
        }
    }

    /// <summary>One-output form of <see cref="Update(ReadOnlySpan{float})"/>.</summary>
    public void Update(float delta) => Update([delta]);
}
