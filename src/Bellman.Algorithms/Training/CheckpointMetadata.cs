using Bellman.Core.Spaces;

namespace Bellman.Algorithms.Training;

/// <summary>
/// What a checkpoint's sidecar records besides the weights and the architecture: enough to rebuild the
/// agent and resume the run without the caller remembering any option.
/// </summary>
/// <param name="Algo">The algorithm (<c>dqn</c>, <c>a2c</c>, …).</param>
/// <param name="Env">The environment id (or a user environment's name).</param>
/// <param name="EnvOptions">Environment options.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Step">Environment steps so far.</param>
/// <param name="Episodes">Episodes so far.</param>
/// <param name="Updates">Gradient steps so far.</param>
/// <param name="BestEvaluation">The best evaluation mean so far.</param>
/// <param name="Options">Every algorithm option as a string.</param>
/// <param name="ObservationSpace">The observation space the networks take (<see cref="SpaceDescription"/>).</param>
/// <param name="ActionSpace">The action space the agent acts in.</param>
public sealed record CheckpointMetadata(string Algo, string Env, Dictionary<string, string> EnvOptions, int Seed, long Step, long Episodes, long Updates,
    double? BestEvaluation, Dictionary<string, string> Options, SpaceDescription? ObservationSpace = null, SpaceDescription? ActionSpace = null)
{
    /// <summary>The run counters this metadata records.</summary>
    public RunState ToState() => new() { Step = Step, Episodes = Episodes, Updates = Updates, BestEvaluation = BestEvaluation ?? double.NegativeInfinity };
}

/// <summary>A space as plain data: <c>discrete</c> with <c>n</c> (and <c>start</c>), or <c>box</c> with its shape and bounds.</summary>
/// <param name="Type"><c>discrete</c> or <c>box</c>.</param>
/// <param name="Shape">The shape of one element.</param>
/// <param name="N">The number of discrete values.</param>
/// <param name="Start">The first discrete value.</param>
/// <param name="Low">Box lower bounds, flattened (null infinities written as ±3.4e38).</param>
/// <param name="High">Box upper bounds, flattened.</param>
public sealed record SpaceDescription(string Type, int[] Shape, int? N = null, int? Start = null, float[]? Low = null, float[]? High = null)
{
    /// <summary>The description of <paramref name="space"/>.</summary>
    public static SpaceDescription Of(Space space) => space switch
    {
        Discrete d => new("discrete", [], d.N, d.Start),
        Box b => new("box", [.. b.Shape], Low: Finite(b.Low), High: Finite(b.High)),
        _ => new(space.GetType().Name.ToLowerInvariant(), [.. space.Shape]),
    };

    // JSON has no infinity; float.MaxValue stands for it, as in Gymnasium's serialised spaces.
    private static float[] Finite(ReadOnlySpan<float> bounds)
    {
        var result = bounds.ToArray();
        for (int i = 0; i < result.Length; i++)
            if (float.IsInfinity(result[i])) result[i] = result[i] > 0 ? float.MaxValue : float.MinValue;
        return result;
    }
}
