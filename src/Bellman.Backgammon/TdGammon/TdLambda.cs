
namespace Bellman.Backgammon.TdGammon;

/// <summary>
/// TD(λ) with accumulating eligibility traces over the parameters of a <see cref="TdGammonNetwork"/>, with
/// γ = 1 and the reward only at the end (Tesauro 1992):
/// <code>
///   e ← λ e + ∇_w V(s_t)            (traces, zero at the start of each game)
///   δ = V(s_{t+1}) − V(s_t)          (or z − V(s_t) at the end, z = 1 if white won, else 0)
///   w ← w + α δ e
/// </code>
/// The gradient of V = σ(v·h + c), h = σ(Wᵀx + b), with g = V(1 − V) and u_j = g v_j h_j (1 − h_j):
/// ∂V/∂c = g, ∂V/∂v_j = g h_j, ∂V/∂b_j = u_j, ∂V/∂W_ij = x_i u_j.
/// </summary>
public sealed class TdLambda
{
    private readonly TdGammonNetwork _net;
    private readonly float[][] _traces;
    private readonly float[] _u;

    /// <summary>Traces for <paramref name="network"/>, all zero.</summary>
    public TdLambda(TdGammonNetwork network, float alpha, float lambda)
    {
        ArgumentNullException.ThrowIfNull(network);
        _net = network;
        Alpha = alpha;
        Lambda = lambda;
        _traces = network.Parameters.Select(p => new float[p.Size]).ToArray();
        _u = new float[network.Hidden];
    }

    /// <summary>Step size α.</summary>
    public float Alpha { get; }

    /// <summary>Trace decay λ.</summary>
    public float Lambda { get; }

    /// <summary>The trace of parameter <paramref name="k"/> (in <see cref="TdGammonNetwork.Parameters"/> order).</summary>
    public ReadOnlySpan<float> Trace(int k) => _traces[k];

    /// <summary>Sets every trace to zero (the start of a game).</summary>
    public void Reset()
    {
        foreach (var e in _traces) Array.Clear(e);
    }

    /// <summary>
    /// e ← λ e + ∇V(x) for the sparse input x = (<paramref name="index"/>, <paramref name="value"/>), given
    /// its hidden activations <paramref name="hidden"/> and output <paramref name="v"/> from the same weights.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Accumulate(ReadOnlySpan<int> index, ReadOnlySpan<float> value, ReadOnlySpan<float> hidden, float v)
    {
        int h = _net.Hidden;
        float g = v * (1f - v);
        float[] outW = _net.OutputWeight.Data;
        Span<float> u = _u;
        for (int j = 0; j < h; j++) u[j] = g * outW[j] * hidden[j] * (1f - hidden[j]);

        float[] eW = _traces[0], eB = _traces[1], eV = _traces[2], eC = _traces[3];
        SpanMath.Scale(eW, Lambda);
        for (int k = 0; k < index.Length; k++) SpanMath.AddScaled(u, value[k], new Span<float>(eW, index[k] * h, h));
        SpanMath.ScaleAdd(eB, Lambda, u);
        for (int j = 0; j < h; j++) eV[j] = Lambda * eV[j] + g * hidden[j];
        eC[0] = Lambda * eC[0] + g;
    }

    /// <summary>w ← w + α δ e for every parameter.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Update(float delta)
    {
        float step = Alpha * delta;
        var ps = _net.Parameters;
        for (int k = 0; k < ps.Count; k++) SpanMath.AddScaled(_traces[k], step, ps[k].Data);
    }
}
