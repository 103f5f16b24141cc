using System.Text.Json.Nodes;
using Bellman.Nn;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.Continuous;

/// <summary>The networks of the continuous-action algorithms, shaped as Stable-Baselines3's TD3/SAC policies (ReLU MLPs).</summary>
public static class ContinuousNetworks
{
    /// <summary>
    /// The deterministic actor μθ(s) = tanh(MLP(s)) ∈ [−1, 1]^d of DDPG and TD3: Linear/ReLU over
    /// <paramref name="hidden"/>, then Linear(d) and tanh (parameters "0.weight", …).
    /// </summary>
    public static Sequential DeterministicActor(int observationSize, int actionSize, IReadOnlyList<int> hidden, IRandomSource random) =>
        Mlp.Create([observationSize, .. hidden, actionSize], Activation.ReLU, random, Activation.Tanh);
}

/// <summary>
/// One or more critics Q_φi(s, a), each an MLP over the concatenation [s, a] (a in the scaled space) with
/// one output, named "qf0.*", "qf1.*", … as SB3's <c>ContinuousCritic</c>. They share one optimizer.
/// </summary>
public sealed class CriticEnsemble : Module
{
    private readonly Sequential[] _critics;
    private readonly Parameter[] _parameters;

    /// <summary><paramref name="count"/> critics with <paramref name="hidden"/> layers, initialised from <paramref name="random"/> in order.</summary>
    public CriticEnsemble(int count, int observationSize, int actionSize, IReadOnlyList<int> hidden, IRandomSource random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _critics = new Sequential[count];
        var all = new List<Parameter>();
        for (int i = 0; i < count; i++)
        {
            _critics[i] = Mlp.Create([observationSize + actionSize, .. hidden, 1], Activation.ReLU, random);
            all.AddRange(Adopt($"qf{i}", _critics[i]));
        }
        _parameters = [.. all];
    }

    /// <summary>The number of critics.</summary>
    public int Count => _critics.Length;

    /// <summary>Critic i.</summary>
    public Sequential this[int i] => _critics[i];

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters() => _parameters;

    /// <summary>Q_φ0 of the rows of <paramref name="stateActions"/> = [s, a]: [B, 1].</summary>
    public override Tensor Forward(Graph graph, Tensor stateActions) => _critics[0].Forward(graph, stateActions);

    /// <summary>min_i Q_φi(s, a) over the critics: [B, 1].</summary>
    public Tensor Minimum(Graph graph, Tensor stateActions)
    {
        var q = _critics[0].Forward(graph, stateActions);
        for (int i = 1; i < _critics.Length; i++) q = graph.Minimum(q, _critics[i].Forward(graph, stateActions));
        return q;
    }

    /// <inheritdoc/>
    public override JsonObject Describe() => new()
    {
        ["type"] = "critic_ensemble",
        ["input"] = "concat(observation, scaled action)",
        ["critics"] = new JsonArray([.. _critics.Select(c => (JsonNode)c.Describe())]),
    };
}

/// <summary>
/// SAC's actor: a ReLU trunk h(s), then heads μ(h) and log σ(h) clamped to [−20, 2] as SB3 does; the
/// action is a = tanh(u) with u ~ N(μ, σ²). Parameters "latent_pi.*", "mu.*", "log_std.*" (SB3's names).
/// </summary>
public sealed class SquashedGaussianActor : Module
{
    /// <summary>SB3's LOG_STD_MIN.</summary>
    public const float LogStdMin = -20f;

    /// <summary>SB3's LOG_STD_MAX.</summary>
    public const float LogStdMax = 2f;

    private readonly Sequential _latent;
    private readonly Linear _mu;
    private readonly Linear _logStd;
    private readonly Parameter[] _parameters;

    /// <summary>The actor for <paramref name="observationSize"/> inputs, <paramref name="hidden"/> layers (at least one) and <paramref name="actionSize"/> actions.</summary>
    public SquashedGaussianActor(int observationSize, int actionSize, IReadOnlyList<int> hidden, IRandomSource random)
    {
        if (hidden.Count == 0) throw new ArgumentException("SAC's actor needs at least one hidden layer (net_arch).", nameof(hidden));
        _latent = Mlp.Create([observationSize, .. hidden], Activation.ReLU, random, Activation.ReLU);
        _mu = new Linear(hidden[^1], actionSize, random);
        _logStd = new Linear(hidden[^1], actionSize, random);
        _parameters = [.. Adopt("latent_pi", _latent), .. Adopt("mu", _mu), .. Adopt("log_std", _logStd)];
        ActionSize = actionSize;
    }

    /// <summary>d, the number of action dimensions.</summary>
    public int ActionSize { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters() => _parameters;

    /// <summary>μ(s) and clamp(log σ(s), −20, 2), each [B, d].</summary>
    public (Tensor Mean, Tensor LogStd) Distribution(Graph graph, Tensor observations)
    {
        var h = _latent.Forward(graph, observations);
        return (_mu.Forward(graph, h), graph.Clamp(_logStd.Forward(graph, h), LogStdMin, LogStdMax));
    }

    /// <summary>
    /// A reparameterised sample u = μ + σ ⊙ ε for the given standard-normal <paramref name="noise"/> [B, d],
    /// a = tanh(u), and log π(a|s) = log N(u; μ, σ²) − Σ_j log(1 − tanh² u_j) per row ([B]).
    /// </summary>
    public (Tensor Action, Tensor LogProb) Sample(Graph graph, Tensor observations, Tensor noise)
    {
        var (mean, logStd) = Distribution(graph, observations);
        var u = graph.Add(mean, graph.Mul(graph.Exp(logStd), noise));
        return (graph.Tanh(u), graph.TanhGaussianLogProb(u, mean, logStd));
    }

    /// <summary>The deterministic action tanh(μ(s)).</summary>
    public override Tensor Forward(Graph graph, Tensor observations) => graph.Tanh(Distribution(graph, observations).Mean);

    /// <inheritdoc/>
    public override JsonObject Describe() => new()
    {
        ["type"] = "squashed_gaussian_actor",
        ["action"] = "tanh(mu + exp(clamp(log_std, -20, 2)) * eps)",
        ["latent_pi"] = _latent.Describe(),
        ["mu"] = _mu.Describe(),
        ["log_std"] = _logStd.Describe(),
    };
}
