using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Continuous;
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
    /// mean clipped to the action bounds); the actor of DDPG and TD3, SAC's tanh-squashed mean (with or without gSDE) and NAF's μ(s)
    /// head, each mapped back to the Box bounds. MLP and CNN networks alike (channels-last images are
    /// transposed inside the model, as Bellman does). QT-Opt (a CEM search per action) is an error naming what is supported.
    /// </summary>
    public static OnnxPolicySpec SpecOf(Algorithm algorithm, int opset = 13)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        var shape = algorithm.Agent.ObservationSpace.Shape;
        var spec = algorithm.Agent switch
        {
            DqnAgent dqn => OnnxPolicySpecs.FromQNetwork(dqn.Q, shape),
            ActorCriticAgent ac => OnnxPolicySpecs.FromActorCritic(ac.Network, shape, ac.ActionSpace as Box),
            Td3Agent td3 => OnnxPolicySpecs.FromDeterministicActor(td3.Actor, shape, (Box)td3.ActionSpace),
            SacAgent { SdeActor: { } sde } sac => OnnxPolicySpecs.FromGsdeActor(sde, shape, (Box)sac.ActionSpace),
            SacAgent sac => OnnxPolicySpecs.FromSquashedGaussianActor(sac.Actor, shape, (Box)sac.ActionSpace),
            NafAgent naf => OnnxPolicySpecs.FromNaf(naf.Q, shape, (Box)naf.ActionSpace),
            QtOptAgent => throw new NotSupportedException($"{algorithm.Name} chooses each action by a cross-entropy search over its critic, which has no ONNX graph; ONNX export supports dqn, fqi, reinforce, actor-critic, a2c, ddpg, td3, sac and naf."),
            var other => throw new NotSupportedException($"ONNX export supports dqn, fqi, reinforce, actor-critic, a2c, ddpg, td3, sac and naf; {algorithm.Name}'s agent ({other.GetType().Name}) is not supported."),
        };
        return spec with { Opset = opset, Description = $"Bellman {algorithm.Name} on {algorithm.Environment.Name}, step {algorithm.State.Step}" };
    }

    /// <summary>Writes <paramref name="algorithm"/>'s policy to <paramref name="path"/> (temporary file, then renamed).</summary>
    public static void Export(this Algorithm algorithm, string path, int opset = 13) => OnnxPolicyExporter.ExportFile(path, SpecOf(algorithm, opset));
}
