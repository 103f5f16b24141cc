using System.Text.Json.Nodes;

namespace Bellman.Nn.Layers;

/// <summary>
/// y = x Wᵀ + b with W [out, in] and b [out] (<c>nn.Linear</c>). PyTorch's default initialisation:
/// W ~ kaiming_uniform(a = √5) = U(−1/√in, 1/√in) and b ~ U(−1/√in, 1/√in).
/// </summary>
public sealed class Linear : Module
{
    private readonly Parameter[] _parameters;

    /// <summary>Creates the layer, initialised from <paramref name="random"/>.</summary>
    public Linear(int inFeatures, int outFeatures, IRandomSource random, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (inFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(inFeatures), inFeatures, "Linear needs at least one input feature.");
        if (outFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(outFeatures), outFeatures, "Linear needs at least one output feature.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = new Parameter("weight", outFeatures, inFeatures);
        Init.PyTorchDefault(Weight, inFeatures, random);
        if (bias)
        {
            Bias = new Parameter("bias", outFeatures);
            Init.PyTorchDefault(Bias, inFeatures, random);
            _parameters = [Weight, Bias];
        }
        else _parameters = [Weight];
    }

    /// <summary>The number of input features.</summary>
    public int InFeatures { get; }

    /// <summary>The number of output features.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight [out, in].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias [out], or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters() => _parameters;

    /// <inheritdoc/>
    public override Tensor Forward(Graph graph, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Linear(x, graph.Param(Weight), Bias is null ? null : graph.Param(Bias));
    }

    /// <inheritdoc/>
    public override JsonObject Describe() => new()
    {
        ["type"] = "linear",
        ["in_features"] = InFeatures,
        ["out_features"] = OutFeatures,
        ["weight"] = Weight.Name,
        ["bias"] = Bias?.Name,
    };

    /// <summary>relu(Forward(x)) as one fused op.</summary>
    public Tensor ForwardRelu(Graph graph, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.LinearRelu(x, graph.Param(Weight), Bias is null ? null : graph.Param(Bias));
    }
}

/// <summary>
/// 2-D convolution over NCHW input (<c>nn.Conv2d</c>), square kernel, stride and zero padding. Weight
/// [out, in, k, k], bias [out]; initialised as PyTorch with fan_in = in·k·k.
/// </summary>
public sealed class Conv2d : Module
{
    private readonly Parameter[] _parameters;

    /// <summary>Creates the layer, initialised from <paramref name="random"/>.</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, IRandomSource random, int stride = 1, int padding = 0, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (inChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, "Conv2d needs at least one input channel.");
        if (outChannels <= 0) throw new ArgumentOutOfRangeException(nameof(outChannels), outChannels, "Conv2d needs at least one output channel.");
        if (kernelSize <= 0) throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "Conv2d kernel size must be positive.");
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), stride, "Conv2d stride must be positive.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "Conv2d padding must be non-negative.");
        (Stride, Padding) = (stride, padding);
        int fanIn = inChannels * kernelSize * kernelSize;
        Weight = new Parameter("weight", outChannels, inChannels, kernelSize, kernelSize);
        Init.PyTorchDefault(Weight, fanIn, random);
        if (bias)
        {
            Bias = new Parameter("bias", outChannels);
            Init.PyTorchDefault(Bias, fanIn, random);
            _parameters = [Weight, Bias];
        }
        else _parameters = [Weight];
    }

    /// <summary>The stride.</summary>
    public int Stride { get; }

    /// <summary>The zero padding on each side.</summary>
    public int Padding { get; }

    /// <summary>The weight [out, in, k, k].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias [out], or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters() => _parameters;

    /// <inheritdoc/>
    public override JsonObject Describe() => new()
    {
        ["type"] = "conv2d",
        ["layout"] = "nchw",
        ["in_channels"] = Weight.Shape[1],
        ["out_channels"] = Weight.Shape[0],
        ["kernel_size"] = Weight.Shape[2],
        ["stride"] = Stride,
        ["padding"] = Padding,
        ["weight"] = Weight.Name,
        ["bias"] = Bias?.Name,
    };

    /// <inheritdoc/>
    public override Tensor Forward(Graph graph, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Conv2d(x, graph.Param(Weight), Bias is null ? null : graph.Param(Bias), Stride, Padding);
    }

    /// <summary>relu(Forward(x)) as one fused op.</summary>
    public Tensor ForwardRelu(Graph graph, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Conv2dRelu(x, graph.Param(Weight), Bias is null ? null : graph.Param(Bias), Stride, Padding);
    }
}
