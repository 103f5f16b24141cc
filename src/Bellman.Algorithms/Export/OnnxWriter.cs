using System.Runtime.InteropServices;
using Bellman.Algorithms.Protobuf;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.Export;

/// <summary>
/// Writes a policy as an ONNX model (onnx.proto: ModelProto → GraphProto of NodeProto, TensorProto
/// initializers and ValueInfoProto inputs/outputs), encoded by hand: input <c>obs</c> [batch, ...] float32,
/// outputs the raw network output (<c>q</c>, <c>logits</c>, <c>mean</c> or <c>actor</c>) and <c>action</c>
/// (int64 [batch] for a discrete policy, float32 [batch, d] inside the Box bounds for a continuous one).
/// </summary>
public static class OnnxPolicyExporter
{
    /// <summary>Writes the model for <paramref name="spec"/> to <paramref name="destination"/>.</summary>
    public static void Export(Stream destination, OnnxPolicySpec spec)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(spec);
        destination.Write(Encode(spec));
    }

    /// <summary>Writes the model to <paramref name="path"/> through a temporary file renamed at the end.</summary>
    public static void ExportFile(string path, OnnxPolicySpec spec)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Encode(spec);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>The ONNX IR version that goes with an opset: the oldest IR the ONNX release introducing that opset wrote.</summary>
    public static int IrVersion(int opset) => opset switch
    {
        <= 13 => 7,
        <= 18 => 8,
        <= 20 => 9,
        _ => 10,
    };

    /// <summary>The serialized ModelProto.</summary>
    public static byte[] Encode(OnnxPolicySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int outputs = spec.ValidatedOutputSize();
        var g = new OnnxGraph(spec.Opset);
        string x = g.Layers("obs", spec.Layers, "trunk");
        if (spec.Dueling is { } duel)
        {
            string v = g.Layers(x, duel.Value, "value");
            string a = g.Layers(x, duel.Advantage, "advantage");
            string mean = g.ReduceMeanAxis1(a);
            x = g.Node("Add", [g.Node("Sub", [a, mean]), v], output: spec.Output.RawName);
        }
        else x = g.Node("Identity", [x], output: spec.Output.RawName);

        const string Action = "action";
        int actionType;
        long[] actionDims;
        switch (spec.Output)
        {
            case OnnxDiscreteOutput:
                g.Node("ArgMax", [x], output: Action, attributes: [OnnxGraph.Int("axis", 1), OnnxGraph.Int("keepdims", 0)]);
                (actionType, actionDims) = (OnnxGraph.Int64, [-1]);
                break;
            case OnnxRescaledOutput r:
            {
                string a = r.Squash ? g.Node("Tanh", [x]) : x;
                float[] scale = new float[outputs], offset = new float[outputs];
                for (int i = 0; i < outputs; i++)
                {
                    scale[i] = 0.5f * (r.High[i] - r.Low[i]);
                    offset[i] = r.Low[i] + scale[i];       // low + (a + 1)/2 (high − low) = a·scale + (low + scale)
                }
                g.Node("Add", [g.Node("Mul", [a, g.Initializer("action_scale", [outputs], scale)]), g.Initializer("action_offset", [outputs], offset)], output: Action);
                (actionType, actionDims) = (OnnxGraph.Float, [-1, outputs]);
                break;
            }
            case OnnxClippedOutput c:
                g.Node("Min", [g.Node("Max", [x, g.Initializer("action_low", [outputs], c.Low)]), g.Initializer("action_high", [outputs], c.High)], output: Action);
                (actionType, actionDims) = (OnnxGraph.Float, [-1, outputs]);
                break;
            default:
                throw new ArgumentException($"Unknown output kind {spec.Output.GetType().Name}.", nameof(spec));
        }

        long[] obsDims = [-1, .. spec.ObservationShape.Select(d => (long)d)];
        var graph = g.ToGraph(
            name: "bellman_policy",
            inputs: [OnnxGraph.ValueInfo("obs", OnnxGraph.Float, obsDims)],
            outputs: [OnnxGraph.ValueInfo(spec.Output.RawName, OnnxGraph.Float, [-1, outputs]), OnnxGraph.ValueInfo(Action, actionType, actionDims)]);

        var model = new ProtoWriter()
            .Int64(1, IrVersion(spec.Opset))                         // ir_version
            .String(2, "Bellman")                                    // producer_name
            .String(3, typeof(OnnxPolicyExporter).Assembly.GetName().Version?.ToString(3) ?? "0");
        if (spec.Description is { Length: > 0 } doc) model.String(6, doc);
        model.Message(7, graph);                                     // graph
        model.Message(8, new ProtoWriter().String(1, "").Int64(2, spec.Opset)); // opset_import: default domain
        return model.WrittenSpan.ToArray();
    }
}

/// <summary>Accumulates the nodes and initializers of one ONNX graph (field numbers from onnx.proto).</summary>
internal sealed class OnnxGraph(int opset)
{
    /// <summary>TensorProto.DataType FLOAT.</summary>
    public const int Float = 1;

    /// <summary>TensorProto.DataType INT64.</summary>
    public const int Int64 = 7;

    private const int AttrFloat = 1, AttrInt = 2, AttrInts = 7;
    private readonly List<ProtoWriter> _nodes = [];
    private readonly List<ProtoWriter> _initializers = [];
    private int _next;

    /// <summary>Adds a node and returns the name of its (single) output.</summary>
    public string Node(string op, string[] inputs, string? output = null, ProtoWriter[]? attributes = null)
    {
        output ??= $"{op.ToLowerInvariant()}_{_next}";
        var node = new ProtoWriter();
        foreach (string i in inputs) node.String(1, i);
        node.String(2, output).String(3, $"{op}_{_next++}").String(4, op);
        foreach (var a in attributes ?? []) node.Message(5, a);
        _nodes.Add(node);
        return output;
    }

    /// <summary>Adds a float32 initializer (weights travel as raw little-endian bytes) and returns its name.</summary>
    public string Initializer(string name, long[] dims, ReadOnlySpan<float> values)
    {
        var t = new ProtoWriter();
        foreach (long d in dims) t.Int64(1, d);
        t.Int64(2, Float).String(8, name).Bytes(9, MemoryMarshal.AsBytes(values));
        _initializers.Add(t);
        return name;
    }

    private string Int64Initializer(string name, long[] values)
    {
        var t = new ProtoWriter().Int64(1, values.Length).Int64(2, Int64).String(8, name).Bytes(9, MemoryMarshal.AsBytes(values.AsSpan()));
        _initializers.Add(t);
        return name;
    }

    /// <summary>Mean over axis 1, keeping the axis ([B, n] → [B, 1]); axes is an attribute before opset 18 and an input from 18 on.</summary>
    public string ReduceMeanAxis1(string x) => opset < 18
        ? Node("ReduceMean", [x], attributes: [Ints("axes", [1]), Int("keepdims", 1)])
        : Node("ReduceMean", [x, Int64Initializer($"axes_{_next}", [1])], attributes: [Int("keepdims", 1)]);

    /// <summary>Appends a layer stack after <paramref name="x"/> and returns the last output's name.</summary>
    public string Layers(string x, IReadOnlyList<OnnxLayer> layers, string prefix)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            string p = $"{prefix}.{i}";
            x = layers[i] switch
            {
                OnnxLinear l => Node("Gemm",
                    l.Bias is null
                        ? [x, Initializer($"{p}.weight", [l.OutFeatures, l.InFeatures], l.Weight)]
                        : [x, Initializer($"{p}.weight", [l.OutFeatures, l.InFeatures], l.Weight), Initializer($"{p}.bias", [l.OutFeatures], l.Bias)],
                    attributes: [Float32("alpha", 1f), Float32("beta", 1f), Int("transB", 1)]),
                OnnxConv2d c => Node("Conv",
                    c.Bias is null
                        ? [x, ConvWeight(p, c)]
                        : [x, ConvWeight(p, c), Initializer($"{p}.bias", [c.OutChannels], c.Bias)],
                    attributes: [Ints("kernel_shape", [c.KernelSize, c.KernelSize]), Ints("strides", [c.Stride, c.Stride]),
                        Ints("pads", [c.Padding, c.Padding, c.Padding, c.Padding]), Ints("dilations", [1, 1]), Int("group", 1)]),
                OnnxActivation { Kind: Activation.ReLU } => Node("Relu", [x]),
                OnnxActivation { Kind: Activation.Tanh } => Node("Tanh", [x]),
                OnnxActivation { Kind: Activation.Sigmoid } => Node("Sigmoid", [x]),
                OnnxActivation { Kind: Activation.SiLU } => Node("Mul", [x, Node("Sigmoid", [x])]),
                OnnxActivation { Kind: Activation.DSiLU } => DSilu(x, p),
                OnnxClamp c => Node("Clip", [x, Initializer($"{p}.min", [], [c.Low]), Initializer($"{p}.max", [], [c.High])]),
                OnnxFlatten => Node("Flatten", [x], attributes: [Int("axis", 1)]),
                OnnxChannelsFirst => Node("Transpose", [x], attributes: [Ints("perm", [0, 3, 1, 2])]),
                var other => throw new ArgumentException($"{p}: cannot export {other}."),
            };
        }
        return x;
    }

    /// <summary>dSiLU(x) = σ(x)·(1 + x·(1 − σ(x))), as ONNX Sigmoid, Sub, Mul and Add nodes.</summary>
    private string DSilu(string x, string p)
    {
        string s = Node("Sigmoid", [x]), one = Initializer($"{p}.one", [], [1f]);
        return Node("Mul", [s, Node("Add", [one, Node("Mul", [x, Node("Sub", [one, s])])])]);
    }

    private string ConvWeight(string p, OnnxConv2d c) =>
        Initializer($"{p}.weight", [c.OutChannels, c.InChannels, c.KernelSize, c.KernelSize], c.Weight);

    /// <summary>The GraphProto.</summary>
    public ProtoWriter ToGraph(string name, ProtoWriter[] inputs, ProtoWriter[] outputs)
    {
        var g = new ProtoWriter();
        foreach (var n in _nodes) g.Message(1, n);
        g.String(2, name);
        foreach (var t in _initializers) g.Message(5, t);
        foreach (var i in inputs) g.Message(11, i);
        foreach (var o in outputs) g.Message(12, o);
        return g;
    }

    /// <summary>A ValueInfoProto of a tensor; a dimension of −1 becomes the symbolic "batch".</summary>
    public static ProtoWriter ValueInfo(string name, int elementType, long[] dims)
    {
        var shape = new ProtoWriter();
        foreach (long d in dims) shape.Message(1, d < 0 ? new ProtoWriter().String(2, "batch") : new ProtoWriter().Int64(1, d));
        var tensor = new ProtoWriter().Int64(1, elementType).Message(2, shape);
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensor));
    }

    /// <summary>An INT attribute.</summary>
    public static ProtoWriter Int(string name, long value) => new ProtoWriter().String(1, name).Int64(3, value).Int64(20, AttrInt);

    private static ProtoWriter Float32(string name, float value) => new ProtoWriter().String(1, name).Float(2, value).Int64(20, AttrFloat);

    private static ProtoWriter Ints(string name, long[] values)
    {
        var a = new ProtoWriter().String(1, name);
        foreach (long v in values) a.Int64(8, v);   // onnx.proto is proto2: repeated scalars unpacked
        return a.Int64(20, AttrInts);
    }
}
