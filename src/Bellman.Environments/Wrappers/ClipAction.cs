using Bellman.Core.Environments;
using Bellman.Core.Spaces;

namespace Bellman.Environments.Wrappers;

/// <summary>
/// Clips continuous actions into the inner environment's Box, as Gymnasium 1.x's <c>ClipAction</c>:
/// the wrapper's action space is Box(−inf, inf) of the same shape, and a = clip(a, low, high) is passed on
/// (a NaN stays NaN and is rejected by the inner environment).
/// </summary>
public sealed class ClipAction : Wrapper
{
    private readonly Box _innerSpace;
    private readonly float[] _action;

    /// <summary>Clips the actions of <paramref name="env"/>, whose action space must be a <see cref="Box"/>.</summary>
    public ClipAction(IEnvironment env) : base(env)
    {
        _innerSpace = env.ActionSpace as Box
            ?? throw new ArgumentException($"{env.Name}: ClipAction needs a Box action space, got {env.ActionSpace}.", nameof(env));
        ActionSpace = new Box(float.NegativeInfinity, float.PositiveInfinity, [.. _innerSpace.Shape]);
        _action = new float[_innerSpace.FlatSize];
    }

    /// <inheritdoc/>
    public override Space ActionSpace { get; }

    /// <inheritdoc/>
    public override StepResult Step(ReadOnlySpan<float> action)
    {
        if (action.Length != _action.Length)
            throw new InvalidActionException($"{Name}: action has {action.Length} elements, but the action space {ActionSpace} needs {_action.Length}.");
        action.CopyTo(_action);
        _innerSpace.Clip(_action);
        return Inner.Step(_action);
    }
}
