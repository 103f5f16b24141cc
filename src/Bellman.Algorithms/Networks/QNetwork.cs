using System.Text.Json.Nodes;
using Bellman.Nn;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.Networks;

/// <summary>Builds Q-networks Q_φ(s, ·): one output per discrete action.</summary>
public static class QNetwork
{
    /// <summary>
    /// The features extractor of <paramref name="spec"/> (none, flatten, or convolutions) → hidden layers with
    /// ReLU → |A| outputs (parameter names "0.weight", …), or, when <paramref name="dueling"/>, a dueling
    /// network (Wang et al. 2016) on the same trunk.
    /// </summary>
    public static Module Create(IReadOnlyList<int> observationShape, int actionCount, NetworkSpec spec, bool dueling, IRandomSource random)
    {
        if (!dueling) return spec.Create(observationShape, actionCount, Activation.ReLU, random);
        return new DuelingQNetwork(observationShape, actionCount, spec, random);
    }
}

/// <summary>
/// Dueling architecture: a shared trunk h = f(s), a state value V(s) and advantages A(s, a), combined as
/// Q(s, a) = V(s) + A(s, a) − (1/|A|) Σ_a' A(s, a') so that V and A are identifiable.
/// Parameters: "trunk.*", "value.*", "advantage.*".
/// </summary>
public sealed class DuelingQNetwork : Module
{
    private readonly Sequential _trunk;
    private readonly Linear _value;
    private readonly Linear _advantage;
    private readonly Parameter[] _parameters;

    /// <summary>Creates the network: the trunk of <paramref name="spec"/> (ending with ReLU), then the two heads.</summary>
    public DuelingQNetwork(IReadOnlyList<int> observationShape, int actionCount, NetworkSpec spec, IRandomSource random)
    {
        if (spec.Hidden.Count == 0) throw new ArgumentException("A dueling network needs at least one hidden layer (net_arch).", nameof(spec));
        _trunk = spec.Create(observationShape, 0, Activation.ReLU, random);
        int features = spec.Hidden[^1];
        _value = new Linear(features, 1, random);
        _advantage = new Linear(features, actionCount, random);
        _parameters = [.. Adopt("trunk", _trunk), .. Adopt("value", _value), .. Adopt("advantage", _advantage)];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters() => _parameters;

    /// <inheritdoc/>
    public override Tensor Forward(Graph graph, Tensor x)
    {
        var h = _trunk.Forward(graph, x);
        var v = _value.Forward(graph, h);                 // [B, 1]
        var a = _advantage.Forward(graph, h);             // [B, |A|]
        var centered = graph.Sub(a, graph.Mean(a, axis: 1, keepDim: true));
        return graph.Add(centered, v);                    // broadcast [B, |A|] + [B, 1]
    }

    /// <inheritdoc/>
    public override JsonObject Describe() => new()
    {
        ["type"] = "dueling",
        ["combine"] = "q = value + advantage - mean(advantage, axis=1)",
        ["trunk"] = _trunk.Describe(),
        ["value"] = _value.Describe(),
        ["advantage"] = _advantage.Describe(),
    };
}
