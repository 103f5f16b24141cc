using System.Text.Json.Nodes;
using Bellman.Nn;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.Continuous;

/// <summary>
/// SAC's actor with generalised state-dependent exploration (gSDE, Raffin et al. 2022), as Stable-Baselines3's
/// <c>StateDependentNoiseDistribution</c> with <c>squash_output=True</c> builds it for SAC. With the ReLU trunk
/// h = h(s) ∈ ℝ^H (the "latent_sde" features), the mean μ(s) = clamp(W_μ h + b_μ, −c, c) (SB3's Hardtanh, c =
/// <c>clip_mean</c>) and a learned matrix of log-deviations ℓ ∈ ℝ^{H×d} (or ℝ^{H×1} shared across action
/// dimensions when not <c>full_std</c>), σ_θ = e^ℓ (or, with <c>use_expln</c>, e^ℓ for ℓ ≤ 0 and 1 + ln(1 + ℓ) above):
/// <list type="bullet">
/// <item>a noise matrix θ_ε = σ_θ ⊙ E, E ~ N(0, I_{H×d}), is drawn and held for several steps;</item>
/// <item>the exploratory action is a = tanh(u), u = μ(s) + h(s)·θ_ε, so the noise is a deterministic function of
/// the state while θ_ε is held;</item>
/// <item>for θ_ε random, u ~ N(μ(s), diag v(s)) with v_j(s) = Σ_p h_p(s)² σ_θ[p, j]² (SB3 adds 10⁻⁶ before the square
/// root), so log π(a|s) = log N(u; μ, v + 10⁻⁶) − Σ_j log(1 − tanh² u_j).</item>
/// </list>
/// Gradients reach ℓ through θ_ε (the reparameterised sample) and through v; they reach the trunk through h in both
/// places when <c>learn_features</c> (SB3's SAC sets it), and through μ only otherwise. Parameters "latent_pi.*",
/// "mu.*" and "log_std" (SB3's names).
/// </summary>
public sealed class GsdeActor : Module
{
    /// <summary>SB3's ε added to the variance.</summary>
    public const float VarianceEpsilon = 1e-6f;

    private readonly Sequential _latent;
    private readonly Linear _mu;
    private readonly Parameter _logStd;
    private readonly Parameter[] _parameters;
    private readonly float[] _ones;

    /// <summary>The actor for <paramref name="observationSize"/> inputs, <paramref name="hidden"/> layers (at least one), <paramref name="actionSize"/> actions and the gSDE settings.</summary>
    public GsdeActor(int observationSize, int actionSize, IReadOnlyList<int> hidden, IRandomSource random, double logStdInit, bool fullStd, bool useExpln, bool learnFeatures, double clipMean)
    {
        if (hidden.Count == 0) throw new ArgumentException("SAC's actor needs at least one hidden layer (net_arch).", nameof(hidden));
        _latent = Mlp.Create([observationSize, .. hidden], Activation.ReLU, random, Activation.ReLU);
        _mu = new Linear(hidden[^1], actionSize, random);
        FeatureSize = hidden[^1];
        ActionSize = actionSize;
        FullStd = fullStd;
        UseExpln = useExpln;
        LearnFeatures = learnFeatures;
        ClipMean = clipMean;
        _logStd = new Parameter("log_std", FeatureSize, fullStd ? actionSize : 1);
        _logStd.Data.AsSpan().Fill((float)logStdInit);
        _ones = new float[FeatureSize * actionSize];
        _ones.AsSpan().Fill(1f);
        _parameters = [.. Adopt("latent_pi", _latent), .. Adopt("mu", _mu), _logStd];
    }

    /// <summary>H, the size of the features h(s) the noise is linear in.</summary>
    public int FeatureSize { get; }

    /// <summary>d, the number of action dimensions.</summary>
    public int ActionSize { get; }

    /// <summary>One σ per (feature, action) pair (true) or per feature (false).</summary>
    public bool FullStd { get; }

    /// <summary>σ_θ = expln(ℓ) instead of e^ℓ.</summary>
    public bool UseExpln { get; }

    /// <summary>Whether the gradients of the noise and of the variance reach the trunk.</summary>
    public bool LearnFeatures { get; }

    /// <summary>c of μ = clamp(W_μ h + b_μ, −c, c); 0 for no clamp.</summary>
    public double ClipMean { get; }

    /// <summary>The log-deviation matrix ℓ [H, d] (or [H, 1]).</summary>
    public Parameter LogStd => _logStd;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters() => _parameters;

    /// <summary>μ(s) [B, d] and the features h(s) [B, H].</summary>
    public (Tensor Mean, Tensor Features) Distribution(Graph graph, Tensor observations)
    {
        var h = _latent.Forward(graph, observations);
        var mean = _mu.Forward(graph, h);
        if (ClipMean > 0) mean = graph.Clamp(mean, -(float)ClipMean, (float)ClipMean);
        return (mean, h);
    }

    /// <summary>σ_θ [H, d] (broadcast over the action dimensions when not full_std).</summary>
    public Tensor Std(Graph graph)
    {
        var l = graph.Param(_logStd);
        var std = UseExpln ? Expln(graph, l) : graph.Exp(l);
        return FullStd ? std : graph.Mul(graph.Input(_ones, new Shape(FeatureSize, ActionSize)), std);
    }

    /// <summary>σ_θ [H·d] as numbers (the same formula as <see cref="Std(Graph)"/>), for acting without a graph.</summary>
    public void StdValues(Span<float> destination)
    {
        ReadOnlySpan<float> l = _logStd.Data;
        for (int p = 0; p < FeatureSize; p++)
            for (int j = 0; j < ActionSize; j++)
            {
                float v = l[FullStd ? p * ActionSize + j : p];
                destination[p * ActionSize + j] = UseExpln ? (v <= 0 ? MathF.Exp(v) : 1f + MathF.Log(1f + v)) : MathF.Exp(v);
            }
    }

    /// <summary>
    /// A reparameterised sample for the standard-normal matrix <paramref name="weightNoise"/> E [H, d], shared by every
    /// row: u = μ(s) + h(s)·(σ_θ ⊙ E), a = tanh(u), and log π(a|s) per row ([B]) under N(μ, v(s) + 10⁻⁶).
    /// </summary>
    public (Tensor Action, Tensor LogProb) Sample(Graph graph, Tensor observations, Tensor weightNoise)
    {
        var (mean, h) = Distribution(graph, observations);
        var features = LearnFeatures ? h : graph.Detach(h);
        var std = Std(graph);
        var u = graph.Add(mean, graph.MatMul(features, graph.Mul(std, weightNoise)));
        var variance = graph.MatMul(graph.Square(features), graph.Square(std));
        var logStd = graph.Scale(graph.Log(graph.AddScalar(variance, VarianceEpsilon)), 0.5f);
        return (graph.Tanh(u), graph.TanhGaussianLogProb(u, mean, logStd));
    }

    /// <summary>The deterministic action tanh(μ(s)).</summary>
    public override Tensor Forward(Graph graph, Tensor observations) => graph.Tanh(Distribution(graph, observations).Mean);

    /// <inheritdoc/>
    public override JsonObject Describe() => new()
    {
        ["type"] = "gsde_squashed_gaussian_actor",
        ["action"] = "tanh(clamp(mu, -clip_mean, clip_mean) + latent_pi . (std(log_std) * E))",
        ["clip_mean"] = ClipMean,
        ["full_std"] = FullStd,
        ["use_expln"] = UseExpln,
        ["learn_features"] = LearnFeatures,
        ["latent_pi"] = _latent.Describe(),
        ["mu"] = _mu.Describe(),
        ["log_std"] = new JsonArray(FeatureSize, FullStd ? ActionSize : 1),
    };

    /// <summary>expln(ℓ) = e^{min(ℓ, 0)} + ln(1 + max(ℓ, 0)): e^ℓ for ℓ ≤ 0, 1 + ln(1 + ℓ) above (SB3 adds 10⁻⁶ inside the log).</summary>
    private static Tensor Expln(Graph graph, Tensor l)
    {
        var zero = graph.Zeros(l.Shape);
        return graph.Add(graph.Exp(graph.Minimum(l, zero)), graph.Log(graph.AddScalar(graph.Maximum(l, zero), 1f)));
    }
}
