namespace Bellman.Nn.Optimizers;

/// <summary>
/// RMSprop (Hinton, lecture 6e), as torch.optim.RMSprop: g ← ∇θ + λθ; v ← αv + (1 − α)g²; centered:
/// ḡ ← αḡ + (1 − α)g, ṽ ← v − ḡ²; a ← √ṽ + ε (ε outside the root, unlike TensorFlow); with momentum
/// b ← μb + g/a, θ ← θ − γb; otherwise θ ← θ − γg/a. With <c>tfLike</c> it is SB3's RMSpropTFLike
/// (the zoo's A2C on Atari): v starts at 1 instead of 0 and a ← √(ṽ + ε).
/// </summary>
public sealed class RmsProp : Optimizer
{
    private readonly float[][] _squareAvg;
    private readonly float[][]? _gradAvg, _momentumBuffers;

    /// <summary>Creates the optimizer; defaults are PyTorch's (lr 1e-2, alpha 0.99, eps 1e-8, no decay, no momentum, not centered).</summary>
    public RmsProp(IReadOnlyList<Parameter> parameters, double learningRate = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false, bool tfLike = false)
        : base(parameters, learningRate)
    {
        Alpha = Check(alpha, nameof(alpha), 0, 1);
        Eps = Check(eps, nameof(eps), 0, double.MaxValue);
        WeightDecay = Check(weightDecay, nameof(weightDecay), 0, double.MaxValue);
        Momentum = Check(momentum, nameof(momentum), 0, double.MaxValue);
        Centered = centered;
        TfLike = tfLike;
        _squareAvg = NewBuffers();
        if (tfLike) foreach (float[] v in _squareAvg) Array.Fill(v, 1f);
        if (centered) _gradAvg = NewBuffers();
        if (momentum != 0) _momentumBuffers = NewBuffers();
    }

    /// <summary>α, the smoothing constant.</summary>
    public double Alpha { get; }

    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <summary>λ.</summary>
    public double WeightDecay { get; }

    /// <summary>μ.</summary>
    public double Momentum { get; }

    /// <summary>Whether the gradient's running mean is subtracted (centered RMSprop).</summary>
    public bool Centered { get; }

    /// <summary>Whether this is SB3's RMSpropTFLike (v₀ = 1, ε inside the square root).</summary>
    public bool TfLike { get; }

    /// <inheritdoc/>
    public override string Algorithm => "RMSprop";

    /// <inheritdoc/>
    protected override void Update(int index, Parameter parameter, long step, int start, int count)
    {
        var c = RmsPropCoefficients.Create(LearningRate, Alpha, Eps, WeightDecay, Momentum, Centered, TfLike);
        OptimizerMath.RmsPropStep(parameter.Data.AsSpan(start, count), parameter.Grad.AsSpan(start, count), _squareAvg[index].AsSpan(start, count),
            _gradAvg is null ? default : _gradAvg[index].AsSpan(start, count), _momentumBuffers is null ? default : _momentumBuffers[index].AsSpan(start, count), c);
    }

    /// <inheritdoc/>
    protected override IEnumerable<KeyValuePair<string, double>> Hyperparameters() =>
    [
        new("alpha", Alpha), new("eps", Eps), new("weight_decay", WeightDecay), new("momentum", Momentum), new("centered", Centered ? 1 : 0), new("tf_like", TfLike ? 1 : 0),
    ];

    /// <inheritdoc/>
    protected override IEnumerable<(string Kind, int Index, float[] Buffer)> Buffers()
    {
        for (int i = 0; i < _squareAvg.Length; i++) yield return ("square_avg", i, _squareAvg[i]);
        if (_gradAvg is not null)
            for (int i = 0; i < _gradAvg.Length; i++) yield return ("grad_avg", i, _gradAvg[i]);
        if (_momentumBuffers is not null)
            for (int i = 0; i < _momentumBuffers.Length; i++) yield return ("momentum_buffer", i, _momentumBuffers[i]);
    }
}
