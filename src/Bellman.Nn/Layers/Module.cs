using System.Numerics.Tensors;
using System.Text.Json.Nodes;

namespace Bellman.Nn.Layers;

/// <summary>
/// A layer or a network: maps a tensor to a tensor inside a <see cref="Graph"/> and owns named parameters
/// (names as PyTorch's <c>state_dict</c> keys: "weight", "bias", or "0.weight", "2.bias" inside a
/// <see cref="Sequential"/>).
/// </summary>
public abstract class Module
{
    /// <summary>The parameters, in a stable order, with stable names.</summary>
    public abstract IReadOnlyList<Parameter> Parameters();

    /// <summary>Applies the module to <paramref name="x"/>, recording on <paramref name="graph"/>.</summary>
    public abstract Tensor Forward(Graph graph, Tensor x);

    /// <summary>
    /// The module's architecture as JSON — its type, sizes, activation and the names of its parameter
    /// tensors — complete enough for a program in another language to rebuild the forward pass from a
    /// checkpoint alone. Containers list their children; the default names the type and the parameters.
    /// </summary>
    public virtual JsonObject Describe() => new()
    {
        ["type"] = GetType().Name,
        ["parameters"] = new JsonArray([.. Parameters().Select(p => (JsonNode?)p.Name)]),
    };

    /// <summary>
    /// For modules built from children (an actor with a trunk and two heads): renames every parameter of
    /// <paramref name="child"/> to "<paramref name="prefix"/>." + name, as PyTorch names a submodule's
    /// parameters after the attribute, and returns them. Call once per child, in the constructor.
    /// </summary>
    protected static IReadOnlyList<Parameter> Adopt(string prefix, Module child)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentNullException.ThrowIfNull(child);
        var ps = child.Parameters();
        for (int i = 0; i < ps.Count; i++) ps[i].Name = $"{prefix}.{ps[i].Name}";
        return ps;
    }

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        var ps = Parameters();
        for (int i = 0; i < ps.Count; i++) ps[i].ZeroGrad();
    }

    /// <summary>Freezes (false) or unfreezes (true) every parameter; frozen ones still pass gradients to their inputs.</summary>
    public void SetRequiresGrad(bool requiresGrad)
    {
        var ps = Parameters();
        for (int i = 0; i < ps.Count; i++) ps[i].RequiresGrad = requiresGrad;
    }

    /// <summary>The total number of parameter values.</summary>
    public int ParameterCount()
    {
        int total = 0;
        foreach (Parameter p in Parameters()) total += p.Size;
        return total;
    }

    /// <summary>Hard update: copies every parameter of <paramref name="source"/> into this module (target ← online).</summary>
    public void CopyFrom(Module source)
    {
        var (dst, src) = Match(source);
        for (int i = 0; i < dst.Count; i++) src[i].Data.AsSpan().CopyTo(dst[i].Data);
    }

    /// <summary>
    /// Polyak averaging: θ_target ← τ θ_online + (1 − τ) θ_target for every parameter, where this module
    /// is the target and <paramref name="source"/> the online network.
    /// </summary>
    public void PolyakFrom(Module source, float tau)
    {
        if (!(tau >= 0f && tau <= 1f)) throw new ArgumentOutOfRangeException(nameof(tau), tau, "Polyak tau must be in [0, 1].");
        var (dst, src) = Match(source);
        for (int i = 0; i < dst.Count; i++) TensorPrimitives.Lerp(dst[i].Data, src[i].Data, tau, dst[i].Data);
    }

    private (IReadOnlyList<Parameter> Dst, IReadOnlyList<Parameter> Src) Match(Module source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var dst = Parameters();
        var src = source.Parameters();
        if (dst.Count != src.Count)
            throw new ArgumentException($"Parameter lists differ: target has {dst.Count} parameters, source has {src.Count}.", nameof(source));
        for (int i = 0; i < dst.Count; i++)
        {
            if (dst[i].Name != src[i].Name || !dst[i].Shape.AsSpan().SequenceEqual(src[i].Shape))
                throw new ArgumentException($"Parameter {i} differs: target {dst[i]} vs source {src[i]}.", nameof(source));
        }
        return (dst, src);
    }
}

/// <summary>A module without parameters.</summary>
public abstract class StatelessModule : Module
{
    /// <inheritdoc/>
    public sealed override IReadOnlyList<Parameter> Parameters() => [];
}

/// <summary>max(x, 0).</summary>
public sealed class ReLU : StatelessModule
{
    /// <inheritdoc/>
    public override Tensor Forward(Graph graph, Tensor x) => graph.Relu(x);

    /// <inheritdoc/>
    public override JsonObject Describe() => new() { ["type"] = "relu" };
}

/// <summary>tanh(x).</summary>
public sealed class Tanh : StatelessModule
{
    /// <inheritdoc/>
    public override Tensor Forward(Graph graph, Tensor x) => graph.Tanh(x);

    /// <inheritdoc/>
    public override JsonObject Describe() => new() { ["type"] = "tanh" };
}

/// <summary>σ(x).</summary>
public sealed class Sigmoid : StatelessModule
{
    /// <inheritdoc/>
    public override Tensor Forward(Graph graph, Tensor x) => graph.Sigmoid(x);

    /// <inheritdoc/>
    public override JsonObject Describe() => new() { ["type"] = "sigmoid" };
}

/// <summary>[N, ...] → [N, prod(...)].</summary>
public sealed class Flatten : StatelessModule
{
    /// <inheritdoc/>
    public override Tensor Forward(Graph graph, Tensor x) => graph.Flatten(x);

    /// <inheritdoc/>
    public override JsonObject Describe() => new() { ["type"] = "flatten" };
}

/// <summary>[N, H, W, C] → [N, C, H, W]: channels-last images (as environments give them) to the convolutions' layout.</summary>
public sealed class ChannelsFirst : StatelessModule
{
    /// <inheritdoc/>
    public override Tensor Forward(Graph graph, Tensor x) => graph.ToChannelsFirst(x);

    /// <inheritdoc/>
    public override JsonObject Describe() => new() { ["type"] = "nhwc_to_nchw" };
}

/// <summary>SiLU: x·σ(x) (Elfwing et al. 2018).</summary>
public sealed class SiLU : StatelessModule
{
    /// <inheritdoc/>
    public override Tensor Forward(Graph graph, Tensor x) => graph.Silu(x);

    /// <inheritdoc/>
    public override JsonObject Describe() => new() { ["type"] = "silu" };
}

/// <summary>dSiLU: σ(x)(1 + x(1 − σ(x))), the derivative of SiLU (Elfwing et al. 2018).</summary>
public sealed class DSiLU : StatelessModule
{
    /// <inheritdoc/>
    public override Tensor Forward(Graph graph, Tensor x) => graph.DSilu(x);

    /// <inheritdoc/>
    public override JsonObject Describe() => new() { ["type"] = "dsilu" };
}
