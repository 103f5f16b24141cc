namespace Bellman.Nn.Optimizers;

/// <summary>
/// Adam (Kingma &amp; Ba, 2015) with L2 weight decay and optional AMSGrad, as torch.optim.Adam:
/// g ← ∇θ + λθ; m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; θ ← θ − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε),
/// with v replaced by its running maximum under AMSGrad. t counts each parameter's own updates.
/// </summary>
public class Adam : Optimizer
{
    private readonly float[][] _expAvg, _expAvgSq;
    private readonly float[][]? _maxExpAvgSq;

    /// <summary>Creates the optimizer; defaults are PyTorch's (lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay).</summary>
    public Adam(IReadOnlyList<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0, bool amsGrad = false)
        : base(parameters, learningRate)
    {
        Beta1 = Check(beta1, nameof(beta1), 0, 1, maxExclusive: true);
        Beta2 = Check(beta2, nameof(beta2), 0, 1, maxExclusive: true);
        Eps = Check(eps, nameof(eps), 0, double.MaxValue);
        WeightDecay = Check(weightDecay, nameof(weightDecay), 0, double.MaxValue);
        AmsGrad = amsGrad;
        _expAvg = NewBuffers();
        _expAvgSq = NewBuffers();
        if (amsGrad) _maxExpAvgSq = NewBuffers();
    }

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <summary>λ.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether AMSGrad is used.</summary>
    public bool AmsGrad { get; }

    /// <summary>Whether weight decay is decoupled from the gradient (AdamW) rather than an L2 penalty.</summary>
    private protected virtual bool DecoupledWeightDecay => false;

    /// <inheritdoc/>
    public override string Algorithm => "Adam";

    /// <inheritdoc/>
    protected sealed override void Update(int index, Parameter parameter, long step, int start, int count)
    {
        double l2 = DecoupledWeightDecay ? 0 : WeightDecay, decoupled = DecoupledWeightDecay ? WeightDecay : 0;
        var c = AdamCoefficients.Create(LearningRate, Beta1, Beta2, Eps, l2, decoupled, AmsGrad, step);
        OptimizerMath.AdamStep(parameter.Data.AsSpan(start, count), parameter.Grad.AsSpan(start, count), _expAvg[index].AsSpan(start, count),
            _expAvgSq[index].AsSpan(start, count), _maxExpAvgSq is null ? default : _maxExpAvgSq[index].AsSpan(start, count), c);
    }

    /// <inheritdoc/>
    protected sealed override IEnumerable<KeyValuePair<string, double>> Hyperparameters() =>
    [
        new("beta1", Beta1), new("beta2", Beta2), new("eps", Eps), new("weight_decay", WeightDecay), new("amsgrad", AmsGrad ? 1 : 0),
    ];

    /// <inheritdoc/>
    protected sealed override IEnumerable<(string Kind, int Index, float[] Buffer)> Buffers()
    {
        for (int i = 0; i < _expAvg.Length; i++) yield return ("exp_avg", i, _expAvg[i]);
        for (int i = 0; i < _expAvgSq.Length; i++) yield return ("exp_avg_sq", i, _expAvgSq[i]);
        if (_maxExpAvgSq is null) yield break;
        for (int i = 0; i < _maxExpAvgSq.Length; i++) yield return ("max_exp_avg_sq", i, _maxExpAvgSq[i]);
    }
}

/// <summary>
/// AdamW (Loshchilov &amp; Hutter, 2019), as torch.optim.AdamW: the weight decay is decoupled,
/// θ ← θ(1 − γλ) before the Adam update on the raw gradient. Default λ = 0.01.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimizer; defaults are PyTorch's (lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01).</summary>
    public AdamW(IReadOnlyList<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 1e-2, bool amsGrad = false)
        : base(parameters, learningRate, beta1, beta2, eps, weightDecay, amsGrad)
    {
    }

    private protected override bool DecoupledWeightDecay => true;

    /// <inheritdoc/>
    public override string Algorithm => "AdamW";
}
