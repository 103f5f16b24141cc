using Bellman.Nn.Layers;

namespace Bellman.Algorithms.Export;

/// <summary>One layer of a policy network to export; weights are row-major float32, copied from the model.</summary>
public abstract record OnnxLayer;

/// <summary>y = x Wᵀ + b with W [out, in] (ONNX Gemm with transB = 1).</summary>
public sealed record OnnxLinear(int InFeatures, int OutFeatures, float[] Weight, float[]? Bias) : OnnxLayer;

/// <summary>2-D convolution over NCHW, square kernel, W [out, in, k, k], zero padding on every side (ONNX Conv).</summary>
public sealed record OnnxConv2d(int InChannels, int OutChannels, int KernelSize, int Stride, int Padding, float[] Weight, float[]? Bias) : OnnxLayer;

/// <summary>An elementwise nonlinearity (ONNX Relu, Tanh or Sigmoid; SiLU and dSiLU as Sigmoid, Mul, Add and Sub).</summary>
public sealed record OnnxActivation(Activation Kind) : OnnxLayer;

/// <summary>y = min(max(x, low), high) elementwise (ONNX Clip with scalar min and max inputs; gSDE's clip_mean).</summary>
public sealed record OnnxClamp(float Low, float High) : OnnxLayer;

/// <summary>[N, ...] → [N, prod(...)] (ONNX Flatten with axis = 1).</summary>
public sealed record OnnxFlatten : OnnxLayer;

/// <summary>[N, H, W, C] → [N, C, H, W]: channels-last images to the convolutions' layout (ONNX Transpose, perm = [0, 3, 1, 2]).</summary>
public sealed record OnnxChannelsFirst : OnnxLayer;

/// <summary>
/// A dueling head after the trunk: Q(s, a) = V(s) + A(s, a) − (1/|A|) Σ_a' A(s, a'), with V and A each a
/// layer stack from the trunk's features (V ends with one output).
/// </summary>
public sealed record OnnxDuelingHead(IReadOnlyList<OnnxLayer> Value, IReadOnlyList<OnnxLayer> Advantage);

/// <summary>What the exported model outputs besides the raw network output.</summary>
public abstract record OnnxPolicyOutput(string RawName);

/// <summary>A discrete policy: the raw scores (Q-values or logits) and <c>action</c> = argmax over them, int64 [batch].</summary>
public sealed record OnnxDiscreteOutput(string RawName = "q") : OnnxPolicyOutput(RawName);

/// <summary>
/// A deterministic actor in tanh space: <c>action</c> = low + (a + 1)/2 · (high − low), with a = tanh(raw)
/// when <paramref name="Squash"/> (a SAC mean) or a = raw (an actor that ends with Tanh). Bounds must be finite.
/// </summary>
public sealed record OnnxRescaledOutput(float[] Low, float[] High, bool Squash, string RawName = "actor") : OnnxPolicyOutput(RawName);

/// <summary>A Gaussian policy's mean: <c>action</c> = min(max(mean, low), high), as a clipping environment wrapper would apply it.</summary>
public sealed record OnnxClippedOutput(float[] Low, float[] High, string RawName = "mean") : OnnxPolicyOutput(RawName);

/// <summary>
/// A policy network to export to ONNX, independent of how it was trained or saved: input <c>obs</c>
/// [batch, ...<see cref="ObservationShape"/>] float32 with a dynamic batch, the layers, an optional dueling
/// head and the output kind.
/// </summary>
public sealed record OnnxPolicySpec(IReadOnlyList<int> ObservationShape, IReadOnlyList<OnnxLayer> Layers, OnnxPolicyOutput Output)
{
    /// <summary>The lowest opset this exporter writes (Gemm, Conv, Flatten, ArgMax, ReduceMean as of opset 13).</summary>
    public const int MinOpset = 13;

    /// <summary>The highest opset this exporter writes.</summary>
    public const int MaxOpset = 21;

    /// <summary>The dueling head after <see cref="Layers"/>, or null.</summary>
    public OnnxDuelingHead? Dueling { get; init; }

    /// <summary>The ONNX operator set (default 13, read by every runtime in use: ONNX Runtime, Unity Sentis, Godot's ONNX plugins).</summary>
    public int Opset { get; init; } = MinOpset;

    /// <summary>Written into the model's doc_string (e.g. the algorithm and environment).</summary>
    public string? Description { get; init; }

    /// <summary>
    /// Checks that the layers chain (each layer's input matches the previous output, from the observation
    /// shape) and that the output fits; throws naming the first problem.
    /// </summary>
    public void Validate() => _ = ValidatedOutputSize();

    /// <summary>Validates and returns the raw output's size n ([batch, n]).</summary>
    internal int ValidatedOutputSize()
    {
        if (Opset < MinOpset || Opset > MaxOpset) throw new ArgumentOutOfRangeException(nameof(Opset), Opset, $"Opset must be in {MinOpset}..{MaxOpset}.");
        if (ObservationShape is null || ObservationShape.Count == 0) throw new ArgumentException("The observation shape is empty.", nameof(ObservationShape));
        foreach (int d in ObservationShape)
            if (d <= 0) throw new ArgumentException($"Observation shape [{string.Join(", ", ObservationShape)}] has a non-positive dimension.", nameof(ObservationShape));
        ArgumentNullException.ThrowIfNull(Layers);
        ArgumentNullException.ThrowIfNull(Output);
        int[] shape = Propagate([.. ObservationShape], Layers, "layer");
        if (Dueling is { } d2)
        {
            int[] v = Propagate(shape, d2.Value, "value layer");
            int[] a = Propagate(shape, d2.Advantage, "advantage layer");
            if (v is not [1]) throw new ArgumentException($"The dueling value stream must end with one output, got [{string.Join(", ", v)}].", nameof(Dueling));
            if (a.Length != 1) throw new ArgumentException($"The dueling advantage stream must end flat, got [{string.Join(", ", a)}].", nameof(Dueling));
            shape = a;
        }
        if (shape.Length != 1) throw new ArgumentException($"The network must end with flat features [batch, n], got [batch, {string.Join(", ", shape)}]; add a Flatten.", nameof(Layers));
        int n = shape[0];
        if (string.IsNullOrWhiteSpace(Output.RawName) || Output.RawName is "obs" or "action")
            throw new ArgumentException($"Raw output name '{Output.RawName}' is empty or clashes with 'obs'/'action'.", nameof(Output));
        switch (Output)
        {
            case OnnxRescaledOutput r: CheckBounds(r.Low, r.High, n, finite: true); break;
            case OnnxClippedOutput c: CheckBounds(c.Low, c.High, n, finite: false); break;
        }
        if (Dueling is not null && Output is not OnnxDiscreteOutput) throw new ArgumentException("A dueling head outputs Q-values: use a discrete output.", nameof(Output));
        return n;
    }

    private static void CheckBounds(float[] low, float[] high, int n, bool finite)
    {
        if (low.Length != n || high.Length != n) throw new ArgumentException($"Action bounds have {low.Length} and {high.Length} entries, the network outputs {n}.");
        for (int i = 0; i < n; i++)
        {
            if (finite && !(float.IsFinite(low[i]) && float.IsFinite(high[i])))
                throw new ArgumentException($"Rescaling from tanh space needs finite bounds; dimension {i} is [{low[i]}, {high[i]}].");
            if (!(low[i] <= high[i])) throw new ArgumentException($"Action bound {i}: low {low[i]} is above high {high[i]}.");
        }
    }

    private static int[] Propagate(int[] shape, IReadOnlyList<OnnxLayer> layers, string what)
    {
        ArgumentNullException.ThrowIfNull(layers);
        for (int i = 0; i < layers.Count; i++)
        {
            string at = $"{what} {i}";
            shape = layers[i] switch
            {
                OnnxLinear l when shape is [int f] && f == l.InFeatures && l.Weight.Length == l.OutFeatures * l.InFeatures && (l.Bias is null || l.Bias.Length == l.OutFeatures) => [l.OutFeatures],
                OnnxLinear l => throw new ArgumentException($"{at}: Linear({l.InFeatures} → {l.OutFeatures}) with {l.Weight.Length} weights and {l.Bias?.Length ?? 0} biases does not fit input [{string.Join(", ", shape)}]."),
                OnnxConv2d c when shape is [int ch, int h, int w] && ch == c.InChannels && c.Weight.Length == c.OutChannels * c.InChannels * c.KernelSize * c.KernelSize
                    && (c.Bias is null || c.Bias.Length == c.OutChannels) && c.Stride > 0 && c.Padding >= 0 && ConvOut(h, c) > 0 && ConvOut(w, c) > 0
                    => [c.OutChannels, ConvOut(h, c), ConvOut(w, c)],
                OnnxConv2d c => throw new ArgumentException($"{at}: Conv2d({c.InChannels} → {c.OutChannels}, k {c.KernelSize}, stride {c.Stride}, padding {c.Padding}) does not fit input [{string.Join(", ", shape)}]."),
                OnnxActivation { Kind: Activation.ReLU or Activation.Tanh or Activation.Sigmoid or Activation.SiLU or Activation.DSiLU } => shape,
                OnnxActivation a => throw new ArgumentException($"{at}: activation {a.Kind} has no ONNX operator here; choose ReLU, Tanh, Sigmoid, SiLU or DSiLU."),
                OnnxClamp c when c.Low <= c.High => shape,
                OnnxClamp c => throw new ArgumentException($"{at}: clamp low {c.Low} is above high {c.High} (or one is NaN)."),
                OnnxFlatten => [shape.Aggregate(1, (p, d) => p * d)],
                OnnxChannelsFirst when shape is [int h, int w, int ch] => [ch, h, w],
                OnnxChannelsFirst => throw new ArgumentException($"{at}: channels-first needs an [H, W, C] input, got [{string.Join(", ", shape)}]."),
                null => throw new ArgumentException($"{at} is null."),
                var other => throw new ArgumentException($"{at}: {other.GetType().Name} is not a layer the exporter knows."),
            };
        }
        return shape;
    }

    private static int ConvOut(int size, OnnxConv2d c) => (size + 2 * c.Padding - c.KernelSize) / c.Stride + 1;
}
