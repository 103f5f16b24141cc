using System.Text.Json.Nodes;
using Bellman.Algorithms.Networks;
using Bellman.Nn;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.ActorCritic;

/// <summary>
/// The lecture's two architectures for π_θ(a|s) and V̂_φ(s).
/// <list type="bullet">
/// <item>Two networks (<c>shared = false</c>; simple and stable, no shared features): an actor MLP
/// s → head ("actor.*") and a critic MLP s → V̂ ("critic.*").</item>
/// <item>One shared network (<c>shared = true</c>): a trunk s → h ("trunk.*") with a policy head
/// h → head ("actor.*") and a value head h → V̂ ("critic.*").</item>
/// </list>
/// Without a critic (REINFORCE without a learned baseline) only the actor exists. A Gaussian policy adds
/// the state-independent "log_std" [d]. Orthogonal initialisation follows SB3: hidden gain √2, policy
/// output 0.01, value output 1, biases 0.
/// </summary>
public sealed class ActorCriticNetwork : Module
{
    private readonly Sequential? _trunk;
    private readonly Sequential _actor;
    private readonly Sequential? _critic;
    private readonly Parameter[] _parameters;

    /// <summary>Builds the network; <paramref name="logStdInit"/> (not null) adds a log-std vector of size <paramref name="headSize"/>.</summary>
    public ActorCriticNetwork(IReadOnlyList<int> observationShape, int headSize, NetworkSpec spec, Activation activation, bool shared, bool critic,
        float? logStdInit, bool orthogonalInit, IRandomSource random)
    {
        var hidden = spec.Hidden;
        if (hidden.Count == 0 && shared) throw new ArgumentException("A shared network needs at least one hidden layer (net_arch).", nameof(hidden));
        Shared = shared;
        HasCritic = critic;
        var actorParams = new List<Parameter>();
        var criticParams = new List<Parameter>();
        var all = new List<Parameter>();
        if (shared)
        {
            _trunk = spec.Create(observationShape, 0, activation, random);
            _actor = Mlp.Create([hidden[^1], headSize], Activation.None, random);
            _critic = critic ? Mlp.Create([hidden[^1], 1], Activation.None, random) : null;
            if (orthogonalInit)
            {
                Mlp.InitOrthogonal(_trunk, MathF.Sqrt(2), MathF.Sqrt(2), random);
                Mlp.InitOrthogonal(_actor, 1, 0.01f, random);
                if (_critic is not null) Mlp.InitOrthogonal(_critic, 1, 1, random);
            }
            var trunk = Adopt("trunk", _trunk);
            all.AddRange(trunk);
            actorParams.AddRange(trunk);
            if (critic) criticParams.AddRange(trunk);
        }
        else
        {
            _actor = spec.Create(observationShape, headSize, activation, random);
            _critic = critic ? spec.Create(observationShape, 1, activation, random) : null;
            if (orthogonalInit)
            {
                Mlp.InitOrthogonal(_actor, MathF.Sqrt(2), 0.01f, random);
                if (_critic is not null) Mlp.InitOrthogonal(_critic, MathF.Sqrt(2), 1, random);
            }
        }
        var actor = Adopt("actor", _actor);
        all.AddRange(actor);
        actorParams.AddRange(actor);
        if (_critic is not null)
        {
            var c = Adopt("critic", _critic);
            all.AddRange(c);
            criticParams.AddRange(c);
        }
        if (logStdInit is float init)
        {
            LogStd = new Parameter("log_std", headSize);
            Array.Fill(LogStd.Data, init);
            all.Add(LogStd);
            actorParams.Add(LogStd);
        }
        _parameters = [.. all];
        ActorParameters = actorParams;
        CriticParameters = criticParams;
    }

    /// <summary>Whether actor and critic share a trunk.</summary>
    public bool Shared { get; }

    /// <summary>Whether there is a value head V̂_φ.</summary>
    public bool HasCritic { get; }

    /// <summary>The Gaussian log-std, or null for a categorical policy.</summary>
    public Parameter? LogStd { get; }

    /// <summary>θ: the parameters that π depends on (the trunk too, when shared).</summary>
    public IReadOnlyList<Parameter> ActorParameters { get; }

    /// <summary>φ: the parameters that V̂ depends on (the trunk too, when shared).</summary>
    public IReadOnlyList<Parameter> CriticParameters { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters() => _parameters;

    /// <summary>The policy head (logits or mean), [B, head].</summary>
    public override Tensor Forward(Graph graph, Tensor x) => _actor.Forward(graph, _trunk is null ? x : _trunk.Forward(graph, x));

    /// <summary>Both heads with one trunk pass: (policy head [B, head], V̂ [B, 1]; null without a critic).</summary>
    public (Tensor Head, Tensor? Value) Evaluate(Graph graph, Tensor x)
    {
        if (_trunk is null) return (_actor.Forward(graph, x), _critic?.Forward(graph, x));
        var h = _trunk.Forward(graph, x);
        return (_actor.Forward(graph, h), _critic?.Forward(graph, h));
    }

    /// <inheritdoc/>
    public override JsonObject Describe() => new()
    {
        ["type"] = "actor_critic",
        ["distribution"] = LogStd is null ? "categorical (softmax of the actor's logits)" : "diagonal_gaussian (the actor's output is the mean; std = exp(log_std))",
        ["trunk"] = _trunk?.Describe(),
        ["actor"] = _actor.Describe(),
        ["critic"] = _critic?.Describe(),
        ["log_std"] = LogStd?.Name,
    };

    /// <summary>V̂_φ(s), [B, 1].</summary>
    public Tensor Value(Graph graph, Tensor x)
    {
        if (_critic is null) throw new InvalidOperationException("This network has no critic (value head).");
        return _critic.Forward(graph, _trunk is null ? x : _trunk.Forward(graph, x));
    }
}
