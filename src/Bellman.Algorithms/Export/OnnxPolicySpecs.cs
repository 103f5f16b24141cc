using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Networks;
using Bellman.Core.Spaces;
using Bellman.Nn;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.Export;

/// <summary>
/// Builds <see cref="OnnxPolicySpec"/>s from Bellman's networks. The weights are copied, the networks are
/// only read.
/// </summary>
public static class OnnxPolicySpecs
{
    /// <summary>The layers of a <see cref="Sequential"/> of Linear, Conv2d, ReLU/Tanh/Sigmoid and Flatten modules.</summary>
    public static IReadOnlyList<OnnxLayer> Layers(Sequential network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var layers = new List<OnnxLayer>(network.Layers.Count);
        for (int i = 0; i < network.Layers.Count; i++)
        {
            layers.Add(network.Layers[i] switch
            {
                Linear l => new OnnxLinear(l.InFeatures, l.OutFeatures, Copy(l.Weight), l.Bias is null ? null : Copy(l.Bias)),
                Conv2d c => new OnnxConv2d(c.Weight.Shape[1], c.Weight.Shape[0], c.Weight.Shape[2], c.Stride, c.Padding, Copy(c.Weight), c.Bias is null ? null : Copy(c.Bias)),
                ReLU => new OnnxActivation(Activation.ReLU),
                Tanh => new OnnxActivation(Activation.Tanh),
                Sigmoid => new OnnxActivation(Activation.Sigmoid),
                Flatten => new OnnxFlatten(),
                Sequential => throw new ArgumentException($"Module {i} is a nested Sequential; flatten the network first."),
                var m => throw new ArgumentException($"Module {i} ({m.GetType().Name}) has no ONNX export; supported: Linear, Conv2d, ReLU, Tanh, Sigmoid, Flatten."),
            });
        }
        return layers;
    }

    /// <summary>
    /// A Q-network as built by <see cref="QNetwork.Create"/> (an MLP or any <see cref="Sequential"/>, e.g. a
    /// conv net) or a <see cref="DuelingQNetwork"/>: outputs <c>q</c> and the greedy <c>action</c>.
    /// </summary>
    public static OnnxPolicySpec FromQNetwork(Module network, IReadOnlyList<int> observationShape)
    {
        ArgumentNullException.ThrowIfNull(network);
        var output = new OnnxDiscreteOutput("q");
        return network switch
        {
            Sequential s => new OnnxPolicySpec(observationShape, Layers(s), output),
            DuelingQNetwork d => new OnnxPolicySpec(observationShape, MlpLayers(d, "trunk.", Activation.ReLU, activateLast: true), output)
            {
                Dueling = new OnnxDuelingHead(MlpLayers(d, "value.", Activation.None, false), MlpLayers(d, "advantage.", Activation.None, false)),
            },
            _ => throw new ArgumentException($"{network.GetType().Name} is not a Q-network the exporter knows (Sequential or DuelingQNetwork).", nameof(network)),
        };
    }

    /// <summary>
    /// The policy half of an <see cref="ActorCriticNetwork"/> (the critic is not exported). A categorical
    /// policy (no log-std) outputs <c>logits</c> and <c>action</c> = argmax; a Gaussian one outputs
    /// <c>mean</c> and <c>action</c> = the mean clipped to <paramref name="actionSpace"/>, which it then needs.
    /// <paramref name="activation"/> is the hidden activation the network was built with (it does not record it).
    /// </summary>
    public static OnnxPolicySpec FromActorCritic(ActorCriticNetwork network, IReadOnlyList<int> observationShape, Activation activation, Box? actionSpace = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        List<OnnxLayer> layers = network.Shared
            ? [.. MlpLayers(network, "trunk.", activation, activateLast: true), .. MlpLayers(network, "actor.", Activation.None, false)]
            : [.. MlpLayers(network, "actor.", activation, activateLast: false)];
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
    /// The Linear layers whose parameters are named <paramref name="prefix"/> + "{index}.weight"/"bias" (or
    /// <paramref name="prefix"/> + "weight" for a bare Linear), in order, with <paramref name="activation"/>
    /// between them and, if <paramref name="activateLast"/>, after the last.
    /// </summary>
    private static List<OnnxLayer> MlpLayers(Module network, string prefix, Activation activation, bool activateLast)
    {
        var weights = new List<(int Index, Parameter W, Parameter? B)>();
        var byName = network.Parameters().Where(p => p.Name.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(p => p.Name[prefix.Length..]);
        foreach (var (key, w) in byName)
        {
            if (!key.EndsWith("weight", StringComparison.Ordinal)) continue;
            string stem = key[..^"weight".Length];
            int index = stem.Length == 0 ? 0 : int.Parse(stem.TrimEnd('.'), System.Globalization.CultureInfo.InvariantCulture);
            if (w.Shape.Length != 2) throw new ArgumentException($"Parameter {prefix}{key} has shape [{string.Join(", ", w.Shape)}]; only Linear layers export by name.");
            weights.Add((index, w, byName.GetValueOrDefault(stem + "bias")));
        }
        if (weights.Count == 0) throw new ArgumentException($"{network.GetType().Name} has no Linear parameters under '{prefix}'.");
        weights.Sort((a, b) => a.Index.CompareTo(b.Index));
        var layers = new List<OnnxLayer>();
        for (int i = 0; i < weights.Count; i++)
        {
            var (_, w, b) = weights[i];
            layers.Add(new OnnxLinear(w.Shape[1], w.Shape[0], Copy(w), b is null ? null : Copy(b)));
            if (activation != Activation.None && (i + 1 < weights.Count || activateLast)) layers.Add(new OnnxActivation(activation));
        }
        return layers;
    }

    private static float[] Copy(Parameter p) => (float[])p.Data.Clone();
}
