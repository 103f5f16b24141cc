using System.Text.Json.Nodes;
using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Networks;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Spaces;
using Bellman.Nn;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.Export;

/// <summary>
/// Builds <see cref="OnnxPolicySpec"/>s from Bellman's networks. The layers come from each network's own
/// <see cref="Module.Describe"/> (the architecture a checkpoint records) and the weights, looked up by the
/// parameter names it gives, are copied: the networks are only read.
/// </summary>
public static class OnnxPolicySpecs
{
    /// <summary>
    /// The layers of <paramref name="network"/>: a <see cref="Sequential"/> (nested ones too) of Linear, Conv2d,
    /// ReLU/Tanh/Sigmoid/SiLU/dSiLU, Flatten and channels-first modules, or one such module.
    /// </summary>
    public static IReadOnlyList<OnnxLayer> Layers(Module network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return FromDescription(network.Describe(), network);
    }

    /// <summary>
    /// A Q-network as built by <see cref="QNetwork.Create"/> (an MLP, a CNN for image observations, or any
    /// <see cref="Sequential"/>) or a <see cref="DuelingQNetwork"/>: outputs <c>q</c> and the greedy <c>action</c>.
    /// </summary>
    public static OnnxPolicySpec FromQNetwork(Module network, IReadOnlyList<int> observationShape)
    {
        ArgumentNullException.ThrowIfNull(network);
        var output = new OnnxDiscreteOutput("q");
        return network switch
        {
            Sequential s => new OnnxPolicySpec(observationShape, Layers(s), output),
            DuelingQNetwork d => Dueling(d, d.Describe()),
            _ => throw new ArgumentException($"{network.GetType().Name} is not a Q-network the exporter knows (Sequential or DuelingQNetwork).", nameof(network)),
        };

        OnnxPolicySpec Dueling(DuelingQNetwork d, JsonObject j) => new(observationShape, FromDescription(j["trunk"], d), output)
        {
            Dueling = new OnnxDuelingHead(FromDescription(j["value"], d), FromDescription(j["advantage"], d)),
        };
    }

    /// <summary>
    /// The policy half of an <see cref="ActorCriticNetwork"/> (the critic is not exported), MLP or CNN. A
    /// categorical policy (no log-std) outputs <c>logits</c> and <c>action</c> = argmax; a Gaussian one outputs
    /// <c>mean</c> and <c>action</c> = the mean clipped to <paramref name="actionSpace"/>, which it then needs.
    /// </summary>
    public static OnnxPolicySpec FromActorCritic(ActorCriticNetwork network, IReadOnlyList<int> observationShape, Box? actionSpace = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        var j = network.Describe();
        List<OnnxLayer> layers = [.. FromDescription(j["trunk"], network, optional: true), .. FromDescription(j["actor"], network)];
        OnnxPolicyOutput output;
        if (network.LogStd is null) output = new OnnxDiscreteOutput("logits");
        else
        {
            if (actionSpace is null) throw new ArgumentException("A Gaussian policy needs its Box action space to clip the action.", nameof(actionSpace));
            output = new OnnxClippedOutput(actionSpace.Low.ToArray(), actionSpace.High.ToArray());
        }
        return new OnnxPolicySpec(observationShape, layers, output);
    }

    /// <summary>
    /// The deterministic actor μθ(s) ∈ [−1, 1]^d of DDPG and TD3 (a <see cref="Sequential"/> ending with Tanh, over
    /// the flattened observation): outputs <c>actor</c> = μθ(s) and <c>action</c> = low + ½ (μθ(s) + 1)(high − low).
    /// </summary>
    public static OnnxPolicySpec FromDeterministicActor(Sequential actor, IReadOnlyList<int> observationShape, Box actionSpace)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(actionSpace);
        var layers = Layers(actor);
        if (layers is not [.., OnnxActivation { Kind: Activation.Tanh }])
            throw new ArgumentException("A deterministic actor must end with Tanh (its output is the action in [-1, 1]).", nameof(actor));
        return new OnnxPolicySpec(observationShape, [.. FlattenFor(observationShape), .. layers], Rescaled(actionSpace, squash: false, "actor"));
    }

    /// <summary>
    /// SAC's <see cref="SquashedGaussianActor"/> acting greedily (the log-std head is not exported): outputs
    /// <c>mean</c> = μ(s), the Gaussian mean before the squash, and <c>action</c> = low + ½ (tanh μ(s) + 1)(high − low).
    /// </summary>
    public static OnnxPolicySpec FromSquashedGaussianActor(SquashedGaussianActor actor, IReadOnlyList<int> observationShape, Box actionSpace)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(actionSpace);
        var j = actor.Describe();
        List<OnnxLayer> layers = [.. FlattenFor(observationShape), .. FromDescription(j["latent_pi"], actor), .. FromDescription(j["mu"], actor)];
        return new OnnxPolicySpec(observationShape, layers, Rescaled(actionSpace, squash: true, "mean"));
    }

    /// <summary>
    /// SAC's <see cref="GsdeActor"/> acting greedily (log σ_θ and the noise matrix are not exported): outputs <c>mean</c> =
    /// μ(s) = clamp(W_μ h(s) + b_μ, −c, c) (no clamp when clip_mean is 0) and <c>action</c> = low + ½ (tanh μ(s) + 1)(high − low),
    /// the action <see cref="GsdeActor.Forward"/> gives.
    /// </summary>
    public static OnnxPolicySpec FromGsdeActor(GsdeActor actor, IReadOnlyList<int> observationShape, Box actionSpace)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(actionSpace);
        var j = actor.Describe();
        List<OnnxLayer> layers = [.. FlattenFor(observationShape), .. FromDescription(j["latent_pi"], actor), .. FromDescription(j["mu"], actor)];
        if (actor.ClipMean > 0) layers.Add(new OnnxClamp(-(float)actor.ClipMean, (float)actor.ClipMean));
        return new OnnxPolicySpec(observationShape, layers, Rescaled(actionSpace, squash: true, "mean"));
    }

    /// <summary>
    /// NAF's greedy action, the μ head (V and L are not exported): outputs <c>mu</c> = μ(s) = tanh(W_μ h(s) + b_μ)
    /// ∈ [−1, 1]^d and <c>action</c> = low + ½ (μ(s) + 1)(high − low). MLP or CNN trunk.
    /// </summary>
    public static OnnxPolicySpec FromNaf(NafNetwork network, IReadOnlyList<int> observationShape, Box actionSpace)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(actionSpace);
        var j = network.Describe();
        List<OnnxLayer> layers = [.. FromDescription(j["trunk"], network), .. FromDescription(j["mu"], network), new OnnxActivation(Activation.Tanh)];
        return new OnnxPolicySpec(observationShape, layers, Rescaled(actionSpace, squash: false, "mu"));
    }

    private static OnnxRescaledOutput Rescaled(Box box, bool squash, string rawName) => new(box.Low.ToArray(), box.High.ToArray(), squash, rawName);

    /// <summary>The continuous actors read the observation flattened.</summary>
    private static OnnxLayer[] FlattenFor(IReadOnlyList<int> observationShape) => observationShape.Count > 1 ? [new OnnxFlatten()] : [];

    /// <summary>
    /// The layers of one node of a <see cref="Module.Describe"/> tree (sequential, linear, conv2d, relu, tanh,
    /// sigmoid, flatten, nhwc_to_nchw, identity), with the weights of <paramref name="owner"/>'s parameters named there.
    /// </summary>
    private static List<OnnxLayer> FromDescription(JsonNode? node, Module owner, bool optional = false)
    {
        var layers = new List<OnnxLayer>();
        if (node is null)
        {
            if (optional) return layers;
            throw new ArgumentException($"{owner.GetType().Name}'s description lacks a part the exporter needs.");
        }
        var byName = owner.Parameters().ToDictionary(p => p.Name);
        Walk(node, byName, layers, owner.GetType().Name);
        return layers;
    }

    private static void Walk(JsonNode node, Dictionary<string, Parameter> byName, List<OnnxLayer> layers, string where)
    {
        string type = (string?)node["type"] ?? throw new ArgumentException($"{where}: a module description without a type.");
        switch (type)
        {
            case "sequential":
                foreach (var child in node["layers"]!.AsArray()) Walk(child!, byName, layers, where);
                break;
            case "linear":
                layers.Add(new OnnxLinear((int)node["in_features"]!, (int)node["out_features"]!, Weights(node["weight"], byName, where)!, Weights(node["bias"], byName, where)));
                break;
            case "conv2d":
                layers.Add(new OnnxConv2d((int)node["in_channels"]!, (int)node["out_channels"]!, (int)node["kernel_size"]!, (int)node["stride"]!, (int)node["padding"]!,
                    Weights(node["weight"], byName, where)!, Weights(node["bias"], byName, where)));
                break;
            case "relu": layers.Add(new OnnxActivation(Activation.ReLU)); break;
            case "tanh": layers.Add(new OnnxActivation(Activation.Tanh)); break;
            case "sigmoid": layers.Add(new OnnxActivation(Activation.Sigmoid)); break;
            case "silu": layers.Add(new OnnxActivation(Activation.SiLU)); break;
            case "dsilu": layers.Add(new OnnxActivation(Activation.DSiLU)); break;
            case "flatten": layers.Add(new OnnxFlatten()); break;
            case "nhwc_to_nchw": layers.Add(new OnnxChannelsFirst()); break;
            case "identity": break;
            default:
                throw new ArgumentException($"{where}: module '{type}' has no ONNX export; supported: linear, conv2d, relu, tanh, sigmoid, silu, dsilu, flatten, nhwc_to_nchw.");
        }
    }

    private static float[]? Weights(JsonNode? name, Dictionary<string, Parameter> byName, string where)
    {
        if (name is null) return null;
        string key = (string)name!;
        return byName.TryGetValue(key, out var p) ? (float[])p.Data.Clone() : throw new ArgumentException($"{where}: parameter '{key}' named in its description does not exist.");
    }
}
