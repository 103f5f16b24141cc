using System.Text.Json.Nodes;

namespace Bellman.Nn.Layers;

/// <summary>
/// Modules applied in order (<c>nn.Sequential</c>). Child i's parameters are renamed "i." + name, so an
/// MLP's keys are "0.weight", "0.bias", "2.weight", ... as in PyTorch.
/// </summary>
public sealed class Sequential : Module
{
    private readonly Module[] _layers;
    private readonly Parameter[] _parameters;
    private readonly bool[] _fuseWithNextRelu;

    /// <summary>Creates the sequence; the modules must not belong to another container.</summary>
    public Sequential(params Module[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0) throw new ArgumentException("Sequential needs at least one module.", nameof(layers));
        _layers = (Module[])layers.Clone();
        var all = new List<Parameter>();
        for (int i = 0; i < _layers.Length; i++)
        {
            if (_layers[i] is null) throw new ArgumentException($"Sequential: module {i} is null.", nameof(layers));
            foreach (Parameter p in _layers[i].Parameters())
            {
                p.Name = $"{i}.{p.Name}";
                all.Add(p);
            }
        }
        _parameters = [.. all];
        _fuseWithNextRelu = new bool[_layers.Length];
        for (int i = 0; i + 1 < _layers.Length; i++) _fuseWithNextRelu[i] = _layers[i] is Linear or Conv2d && _layers[i + 1] is ReLU;
    }

    /// <summary>The modules in order.</summary>
    public IReadOnlyList<Module> Layers => _layers;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters() => _parameters;

    /// <inheritdoc/>
    public override JsonObject Describe() => new()
    {
        ["type"] = "sequential",
        ["layers"] = new JsonArray([.. _layers.Select(l => (JsonNode?)l.Describe())]),
    };

    /// <summary>Applies the modules in order; a Linear or Conv2d followed by a ReLU runs as one fused <see cref="Graph.LinearRelu"/> or <see cref="Graph.Conv2dRelu"/>.</summary>
    public override Tensor Forward(Graph graph, Tensor x)
    {
        for (int i = 0; i < _layers.Length; i++)
        {
            if (_fuseWithNextRelu[i])
            {
                x = _layers[i] is Linear linear ? linear.ForwardRelu(graph, x) : ((Conv2d)_layers[i]).ForwardRelu(graph, x);
                i++;
            }
            else x = _layers[i].Forward(graph, x);
        }
        return x;
    }
}

/// <summary>The nonlinearity between (or after) MLP layers.</summary>
public enum Activation
{
    /// <summary>No activation (identity).</summary>
    None,

    /// <summary>max(x, 0).</summary>
    ReLU,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>σ(x).</summary>
    Sigmoid,

    /// <summary>x·σ(x) (SiLU).</summary>
    SiLU,

    /// <summary>σ(x)(1 + x(1 − σ(x))) (dSiLU, SiLU's derivative).</summary>
    DSiLU,
}

/// <summary>Builds multi-layer perceptrons as a flat <see cref="Sequential"/> of Linear and activation modules.</summary>
public static class Mlp
{
    /// <summary>
    /// sizes = [in, h1, ..., out]: Linear(in, h1), act, ..., Linear(h_last, out) and, if given, an output
    /// activation. Parameter names follow the module indices ("0.weight", "2.weight", ...).
    /// </summary>
    public static Sequential Create(ReadOnlySpan<int> sizes, Activation activation, IRandomSource random, Activation outputActivation = Activation.None)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (sizes.Length < 2) throw new ArgumentException($"Mlp needs at least [in, out] sizes, got [{string.Join(", ", sizes.ToArray())}].", nameof(sizes));
        var layers = new List<Module>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            layers.Add(new Linear(sizes[i], sizes[i + 1], random));
            Activation act = i + 2 < sizes.Length ? activation : outputActivation;
            if (act != Activation.None) layers.Add(Create(act));
        }
        return new Sequential([.. layers]);
    }

    /// <summary>
    /// SB3's A2C/PPO initialisation: every Linear weight orthogonal with <paramref name="hiddenGain"/>
    /// (√2 in SB3), the last Linear's with <paramref name="outputGain"/> (0.01 for a policy head, 1 for a
    /// value head), every bias zero. Applies to the Linear layers of <paramref name="network"/> in order.
    /// </summary>
    public static void InitOrthogonal(Sequential network, float hiddenGain, float outputGain, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(random);
        var linears = network.Layers.OfType<Linear>().ToArray();
        if (linears.Length == 0) throw new ArgumentException("InitOrthogonal: the network has no Linear layer.", nameof(network));
        for (int i = 0; i < linears.Length; i++)
        {
            Init.Orthogonal(linears[i].Weight, i == linears.Length - 1 ? outputGain : hiddenGain, random);
            if (linears[i].Bias is { } b) Init.Constant(b, 0f);
        }
    }

    /// <summary>The module for an activation (not <see cref="Activation.None"/>).</summary>
    public static Module Create(Activation activation) => activation switch
    {
        Activation.ReLU => new ReLU(),
        Activation.Tanh => new Tanh(),
        Activation.Sigmoid => new Sigmoid(),
        Activation.SiLU => new SiLU(),
        Activation.DSiLU => new DSiLU(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Choose ReLU, Tanh, Sigmoid, SiLU or DSiLU."),
    };
}
