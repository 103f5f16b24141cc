using Bellman.Nn;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.Networks;

/// <summary>Builds Q-networks Q_φ(s, ·): one output per discrete action.</summary>
public static class QNetwork
{
    /// <summary>
    /// An MLP obs → hidden… → |A| with ReLU (parameter names "0.weight", …), or, when
    /// <paramref name="dueling"/>, a dueling network (Wang et al. 2016).
    /// </summary>
    public static Module Create(int observationSize, int actionCount, IReadOnlyList<int> hidden, bool dueling, IRandomSource random)
    {
        if (!dueling)
        {
            int[] sizes = [observationSize, .. hidden, actionCount];
            return Mlp.Create(sizes, Activation.ReLU, random);
        }
        return new DuelingQNetwork(observationSize, actionCount, hidden, random);
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

    /// <summary>Creates the network with the given hidden sizes (the trunk ends with ReLU).</summary>
    public DuelingQNetwork(int observationSize, int actionCount, IReadOnlyList<int> hidden, IRandomSource random)
    {
        if (hidden.Count == 0) throw new ArgumentException("A dueling network needs at least one hidden layer.", nameof(hidden));
        int[] sizes = [observationSize, .. hidden];
        _trunk = Mlp.Create(sizes, Activation.ReLU, random, Activation.ReLU);
        _value = new Linear(hidden[^1], 1, random);
        _advantage = new Linear(hidden[^1], actionCount, random);
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
}
