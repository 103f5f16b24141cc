namespace Bellman.Nn.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay,
/// as torch.optim.SGD: g ← ∇θ + λθ; b₁ ← g, bₜ ← μbₜ₋₁ + (1 − τ)g; g ← g + μbₜ (Nesterov) or bₜ; θ ← θ − γg.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly float[][]? _momentumBuffers;

    /// <summary>Creates the optimizer; defaults are PyTorch's (momentum 0, dampening 0, weight decay 0).</summary>
    public Sgd(IReadOnlyList<Parameter> parameters, double learningRate = 1e-3, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false)
        : base(parameters, learningRate)
    {
        Momentum = Check(momentum, nameof(momentum), 0, double.MaxValue);
        Dampening = Check(dampening, nameof(dampening), double.MinValue, double.MaxValue);
        WeightDecay = Check(weightDecay, nameof(weightDecay), 0, double.MaxValue);
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException($"Nesterov momentum requires momentum > 0 and dampening = 0 (got momentum {momentum}, dampening {dampening}).", nameof(nesterov));
        Nesterov = nesterov;
        if (momentum != 0) _momentumBuffers = NewBuffers();
    }

    /// <summary>μ.</summary>
    public double Momentum { get; }

    /// <summary>τ.</summary>
    public double Dampening { get; }

    /// <summary>λ (L2 penalty added to the gradient).</summary>
    public double WeightDecay { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override string Algorithm => "Sgd";

    /// <inheritdoc/>
    protected override void Update(int index, Parameter parameter, long step, int start, int count)
    {
        var c = SgdCoefficients.Create(LearningRate, WeightDecay, Momentum, Dampening, Nesterov, step == 1);
        OptimizerMath.SgdStep(parameter.Data.AsSpan(start, count), parameter.Grad.AsSpan(start, count),
            _momentumBuffers is null ? default : _momentumBuffers[index].AsSpan(start, count), c);
    }

    /// <inheritdoc/>
    protected override IEnumerable<KeyValuePair<string, double>> Hyperparameters() =>
    [
        new("momentum", Momentum), new("dampening", Dampening), new("weight_decay", WeightDecay), new("nesterov", Nesterov ? 1 : 0),
    ];

    /// <inheritdoc/>
    protected override IEnumerable<(string Kind, int Index, float[] Buffer)> Buffers()
    {
        if (_momentumBuffers is null) yield break;
        for (int i = 0; i < _momentumBuffers.Length; i++) yield return ("momentum_buffer", i, _momentumBuffers[i]);
    }
}
