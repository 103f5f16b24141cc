using Bellman.Nn;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.Networks;

/// <summary>How observations become features (Stable-Baselines3's <c>MlpPolicy</c> / <c>CnnPolicy</c>).</summary>
public enum PolicyKind
{
    /// <summary>The observation, flattened, feeds the hidden layers.</summary>
    Mlp,
    /// <summary>Convolutions (with ReLU, or cnn_activation) over an image observation, flattened, feed the hidden layers.</summary>
    Cnn,
}

/// <summary>The shape of an agent's networks: the features extractor and the hidden layers after it.</summary>
/// <param name="Policy">mlp or cnn.</param>
/// <param name="Hidden">Hidden layer sizes after the extractor.</param>
/// <param name="CnnFilters">Filters of each convolution (cnn).</param>
/// <param name="CnnKernelSize">Square kernel size (cnn).</param>
/// <param name="CnnStride">Stride (cnn).</param>
/// <param name="CnnActivation">The activation after each convolution (cnn).</param>
public sealed record NetworkSpec(PolicyKind Policy, IReadOnlyList<int> Hidden, IReadOnlyList<int> CnnFilters, int CnnKernelSize = 3, int CnnStride = 1,
    Activation CnnActivation = Activation.ReLU)
{
    /// <summary>An MLP with the given hidden sizes.</summary>
    public static NetworkSpec MlpOf(IReadOnlyList<int> hidden) => new(PolicyKind.Mlp, hidden, [16]);

    /// <summary>
    /// The features extractor for observations of <paramref name="shape"/>, as a list of modules, and the
    /// number of features it produces. For an MLP of a vector observation there is none (the observation
    /// feeds the first Linear directly); a higher-rank observation is flattened. For a CNN the observation
    /// must be an image, [H, W, C] (channels last, as Gymnasium and MinAtar give them; permuted to NCHW
    /// first) or [C, H, W] (channels first), told apart as Stable-Baselines3 does: the smallest axis is the
    /// channel axis.
    /// </summary>
    public (IReadOnlyList<Module> Layers, int Features) CreateExtractor(IReadOnlyList<int> shape, IRandomSource random)
    {
        int flat = 1;
        foreach (int d in shape) flat *= d;
        if (Policy == PolicyKind.Mlp) return (shape.Count == 1 ? [] : [new Flatten()], flat);
        if (shape.Count != 3)
            throw new ArgumentException($"policy = cnn needs image observations of shape [H, W, C] or [C, H, W]; the observations have shape [{string.Join(", ", shape)}] (use policy = mlp).");
        bool channelsFirst = shape[0] < shape[2];
        int c = channelsFirst ? shape[0] : shape[2], h = channelsFirst ? shape[1] : shape[0], w = channelsFirst ? shape[2] : shape[1];
        var layers = new List<Module>();
        if (!channelsFirst) layers.Add(new ChannelsFirst());
        foreach (int filters in CnnFilters)
        {
            layers.Add(new Conv2d(c, filters, CnnKernelSize, random, CnnStride));
            layers.Add(Mlp.Create(CnnActivation));
            h = (h - CnnKernelSize) / CnnStride + 1;
            w = (w - CnnKernelSize) / CnnStride + 1;
            if (h <= 0 || w <= 0)
                throw new ArgumentException($"policy = cnn: the convolutions (kernel {CnnKernelSize}, stride {CnnStride}) shrink the [{string.Join(", ", shape)}] image to nothing; use fewer cnn_filters or a smaller cnn_kernel_size.");
            c = filters;
        }
        layers.Add(new Flatten());
        return (layers, c * h * w);
    }

    /// <summary>
    /// Extractor → Linear/activation for each hidden size → Linear(outputs), as one <see cref="Sequential"/>
    /// (so an MLP's parameters are "0.weight", "0.bias", "2.weight", … as in PyTorch, and Linear + ReLU fuse).
    /// With <paramref name="outputs"/> = 0 it ends after the last hidden layer's activation (a trunk).
    /// </summary>
    public Sequential Create(IReadOnlyList<int> observationShape, int outputs, Activation activation, IRandomSource random)
    {
        var (extractor, features) = CreateExtractor(observationShape, random);
        int[] sizes = outputs > 0 ? [features, .. Hidden, outputs] : [features, .. Hidden];
        var layers = new List<Module>(extractor);
        // The same layers, in the same order of initialisation, as Mlp.Create.
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            layers.Add(new Linear(sizes[i], sizes[i + 1], random));
            Activation act = i + 2 < sizes.Length || outputs == 0 ? activation : Activation.None;
            if (act != Activation.None) layers.Add(Mlp.Create(act));
        }
        if (layers.Count == 0) layers.Add(new Identity());
        return new Sequential([.. layers]);
    }

    /// <summary>The number of features a trunk from <see cref="Create"/> with outputs = 0 produces.</summary>
    public int TrunkFeatures(IReadOnlyList<int> observationShape)
    {
        if (Hidden.Count > 0) return Hidden[^1];
        return CreateExtractor(observationShape, NoRandom.Instance).Features;
    }

    private sealed class Identity : StatelessModule
    {
        public override Tensor Forward(Graph graph, Tensor x) => x;

        public override System.Text.Json.Nodes.JsonObject Describe() => new() { ["type"] = "identity" };
    }

    private sealed class NoRandom : IRandomSource
    {
        public static NoRandom Instance { get; } = new();

        public double NextDouble() => 0.5;

        public double NextNormal() => 0;
    }
}

/// <summary>Shapes of batches of observations.</summary>
public static class ObservationBatch
{
    /// <summary>[rows, ...observation shape].</summary>
    public static Shape ShapeOf(int rows, IReadOnlyList<int> observationShape)
    {
        Span<int> dims = stackalloc int[observationShape.Count + 1];
        dims[0] = rows;
        for (int i = 0; i < observationShape.Count; i++) dims[i + 1] = observationShape[i];
        return Shape.Of(dims);
    }
}
