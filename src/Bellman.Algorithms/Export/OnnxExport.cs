using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Spaces;

namespace Bellman.Algorithms.Export;

/// <summary>Exports a trained algorithm's policy as an ONNX model (input <c>obs</c>; outputs the raw head and the action).</summary>
public static class OnnxExport
{
    /// <summary>
    /// The ONNX description of <paramref name="algorithm"/>'s policy: the Q-network with an ArgMax action for
    /// DQN and fitted Q-iteration; the policy head for actor-critics (ArgMax of the logits, or the Gaussian
    /// mean clipped to the action bounds). Unsupported agents are an error naming what is supported.
    /// </summary>
    public static OnnxPolicySpec SpecOf(Algorithm algorithm, int opset = 13)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        var shape = algorithm.Agent.ObservationSpace.Shape;
        var spec = algorithm.Agent switch
        {
            DqnAgent dqn => OnnxPolicySpecs.FromQNetwork(dqn.Q, shape),
            ActorCriticAgent ac => OnnxPolicySpecs.FromActorCritic(ac.Network, shape, ((OnPolicyOptions)algorithm.Options).Activation, ac.ActionSpace as Box),
            var other => throw new NotSupportedException($"ONNX export supports DQN, fitted Q-iteration and the actor-critics; {algorithm.Name}'s agent ({other.GetType().Name}) is not supported yet."),
        };
        return spec with { Opset = opset, Description = $"Bellman {algorithm.Name} on {algorithm.Environment.Name}, step {algorithm.State.Step}" };
    }

    /// <summary>Writes <paramref name="algorithm"/>'s policy to <paramref name="path"/> (temporary file, then renamed).</summary>
    public static void Export(this Algorithm algorithm, string path, int opset = 13) => OnnxPolicyExporter.ExportFile(path, SpecOf(algorithm, opset));
}
