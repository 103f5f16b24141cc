using Bellman.Core.Environments;
using Bellman.Core.Spaces;

namespace Bellman.Environments.Wrappers;

/// <summary>
/// Affinely maps actions from [min, max] onto the inner environment's Box [low, high], as Gymnasium 1.x's
/// <c>RescaleAction</c> (<c>rescale_box</c>). Per element, with finite bounds,
/// <code>
/// g = (max − min) / (high − low),   b = g·(−low) + min,   a_inner = (a − b) / g,
/// </code>
/// with g and b stored as float32 and the mapping done in float32, as Gymnasium does for a float32 Box.
/// An element unbounded on both sides passes unchanged (g = 1, b = 0); one bounded on one side only
/// is shifted (g = 1). The wrapper does not clip: an action outside [min, max] maps outside [low, high]
/// and the inner environment decides (rejects or clips).
/// </summary>
public sealed class RescaleAction : Wrapper
{
    private readonly float[] _gradient;
    private readonly float[] _intercept;
    private readonly float[] _action;

    /// <summary>Rescales the actions of <paramref name="env"/> to [<paramref name="minAction"/>, <paramref name="maxAction"/>] in every element.</summary>
    public RescaleAction(IEnvironment env, double minAction, double maxAction)
        : this(env, Fill(env, minAction), Fill(env, maxAction)) { }

    /// <summary>Rescales the actions of <paramref name="env"/> to per-element bounds.</summary>
    public RescaleAction(IEnvironment env, double[] minAction, double[] maxAction) : base(env)
    {
        ArgumentNullException.ThrowIfNull(minAction);
        ArgumentNullException.ThrowIfNull(maxAction);
        var box = env.ActionSpace as Box
            ?? throw new ArgumentException($"{env.Name}: RescaleAction needs a Box action space, got {env.ActionSpace}.", nameof(env));
        int n = box.FlatSize;
        if (minAction.Length != n || maxAction.Length != n)
            throw new ArgumentException($"{env.Name}: RescaleAction bounds have {minAction.Length} and {maxAction.Length} elements; the action space {box} has {n}.");
        _gradient = new float[n];
        _intercept = new float[n];
        _action = new float[n];
        var low = new float[n];
        var high = new float[n];
        for (int i = 0; i < n; i++)
        {
            double lo = box.Low[i], hi = box.High[i], newMin = minAction[i], newMax = maxAction[i];
            if (double.IsNaN(newMin) || double.IsNaN(newMax) || newMin > newMax)
                throw new ArgumentException($"{env.Name}: RescaleAction bound {i} is invalid: min {newMin}, max {newMax}.");
            if ((double.IsInfinity(newMin) || double.IsInfinity(lo)) && newMin != lo || (double.IsInfinity(newMax) || double.IsInfinity(hi)) && newMax != hi)
                throw new ArgumentException($"{env.Name}: RescaleAction bound {i} [{newMin}, {newMax}] must keep the infinite bounds of the action space [{lo}, {hi}].");
            low[i] = (float)newMin;
            high[i] = (float)newMax;
            if (low[i] == high[i])
                throw new ArgumentException($"{env.Name}: RescaleAction min {newMin} must be strictly smaller than max {newMax} (element {i}); the rescaling has no inverse.");
            bool minFinite = double.IsFinite(newMin), maxFinite = double.IsFinite(newMax);
            float g = minFinite && maxFinite ? (float)((newMax - newMin) / (hi - lo)) : 1f;
            float b = 0f;
            if (maxFinite) b = (float)(newMax - hi);
            if (minFinite) b = (float)((double)(g * -(float)lo) + newMin);
            _gradient[i] = g;
            _intercept[i] = b;
        }
        ActionSpace = new Box(low, high, [.. box.Shape]);
    }

    /// <inheritdoc/>
    public override Space ActionSpace { get; }

    /// <inheritdoc/>
    public override StepResult Step(ReadOnlySpan<float> action)
    {
        if (action.Length != _action.Length)
            throw new InvalidActionException($"{Name}: action has {action.Length} elements, but the action space {ActionSpace} needs {_action.Length}.");
        Unscale(action, _gradient, _intercept, _action);
        return Inner.Step(_action);
    }

    /// <summary>The inverse map a_inner = (a − b) / g, element by element in float32.</summary>
    public static void Unscale(ReadOnlySpan<float> action, ReadOnlySpan<float> gradient, ReadOnlySpan<float> intercept, Span<float> destination)
    {
        if (gradient.Length != action.Length || intercept.Length != action.Length || destination.Length != action.Length)
            throw new ArgumentException($"Unscale needs equal lengths: action {action.Length}, gradient {gradient.Length}, intercept {intercept.Length}, destination {destination.Length}.");
        for (int i = 0; i < action.Length; i++) destination[i] = (action[i] - intercept[i]) / gradient[i];
    }

    private static double[] Fill(IEnvironment env, double value)
    {
        ArgumentNullException.ThrowIfNull(env);
        var a = new double[env.ActionSpace.FlatSize];
        Array.Fill(a, value);
        return a;
    }
}
