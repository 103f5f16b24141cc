using System.Text.Json.Nodes;
using Bellman.Algorithms.Networks;
using Bellman.Nn;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.ValueBased;

/// <summary>
/// NAF's network: one trunk h = f(s) and three heads, V(s), μ(s) = tanh(W_μ h + b_μ) in the scaled action
/// space [−1, 1], and the d (d + 1) / 2 entries of L(s) (diagonal as logarithms, see
/// <see cref="Graph.QuadraticAdvantage"/>). Q(s, a) = V(s) − ½ (a − μ)ᵀ L Lᵀ (a − μ).
/// Parameters: "trunk.*", "value.*", "mu.*", "lower.*".
/// </summary>
public sealed class NafNetwork : Module
{
    private readonly Sequential _trunk;
    private readonly Linear _value, _mean, _lower;
    private readonly Parameter[] _parameters;

    /// <summary>The trunk of <paramref name="spec"/> (ReLU hidden layers), then the three heads.</summary>
    public NafNetwork(IReadOnlyList<int> observationShape, int actionSize, NetworkSpec spec, IRandomSource random)
    {
        _trunk = spec.Create(observationShape, 0, Activation.ReLU, random);
        int features = spec.TrunkFeatures(observationShape);
        ActionSize = actionSize;
        _value = new Linear(features, 1, random);
        _mean = new Linear(features, actionSize, random);
        _lower = new Linear(features, Graph.LowerTriangleSize(actionSize), random);
        _parameters = [.. Adopt("trunk", _trunk), .. Adopt("value", _value), .. Adopt("mu", _mean), .. Adopt("lower", _lower)];
    }

    /// <summary>d.</summary>
    public int ActionSize { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters() => _parameters;

    /// <summary>V(s) [B, 1] (= max_a Q(s, a)).</summary>
    public override Tensor Forward(Graph graph, Tensor x) => _value.Forward(graph, _trunk.Forward(graph, x));

    /// <summary>V(s) [B, 1], μ(s) [B, d] and the packed L(s) [B, d (d + 1) / 2] from one trunk pass.</summary>
    public (Tensor Value, Tensor Mean, Tensor Lower) Heads(Graph graph, Tensor x)
    {
        var h = _trunk.Forward(graph, x);
        return (_value.Forward(graph, h), graph.Tanh(_mean.Forward(graph, h)), _lower.Forward(graph, h));
    }

    /// <summary>μ(s) [B, d] alone (acting).</summary>
    public Tensor Mean(Graph graph, Tensor x) => graph.Tanh(_mean.Forward(graph, _trunk.Forward(graph, x)));

    /// <summary>Q(s, a) [B, 1] for scaled actions <paramref name="action"/> [B, d].</summary>
    public Tensor Q(Graph graph, Tensor x, Tensor action)
    {
        var (v, mu, l) = Heads(graph, x);
        return graph.Add(v, graph.QuadraticAdvantage(l, mu, action));
    }

    /// <inheritdoc/>
    public override JsonObject Describe() => new()
    {
        ["type"] = "naf",
        ["combine"] = "q = value - 0.5 (a - tanh(mu))^T L L^T (a - tanh(mu)), L lower-triangular from 'lower' (row-major), diagonal exponentiated",
        ["action_size"] = ActionSize,
        ["trunk"] = _trunk.Describe(),
        ["value"] = _value.Describe(),
        ["mu"] = _mean.Describe(),
        ["lower"] = _lower.Describe(),
    };
}
