using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Environment = Bellman.Core.Environments.Environment;

namespace Bellman.Environments.ClassicControl;

/// <summary>
/// Gymnasium's <c>Pendulum-v1</c>: swing a frictionless pendulum up and hold it upright with a torque
/// u ∈ [−2, 2]. State s = (θ, θ̇), float64, θ = 0 upright; observation (cos θ, sin θ, θ̇).
/// <para>
/// With m = l = 1, dt = 0.05 and u clipped to [−2, 2] (in float32): cost = norm(θ)² + 0.1 θ̇² + 0.001 u², where
/// norm(θ) = ((θ + π) mod 2π) − π (floored modulo); θ̇ ← clip(θ̇ + (3g/(2l) sin θ + 3/(m l²) u) dt, −8, 8);
/// θ ← θ + θ̇ dt. Reward −cost, computed from the state before the step. Never terminates. The start state is
/// uniform in [−π, π] × [−1, 1]. No time limit here (see <see cref="MaxEpisodeSteps"/>); Pendulum has no
/// reward threshold.
/// </para>
/// </summary>
public sealed class Pendulum : ClassicControlEnvironment
{
    /// <summary>The Gymnasium id.</summary>
    public const string Id = "Pendulum-v1";

    /// <summary>The registered time limit.</summary>
    public const int MaxEpisodeSteps = 200;

    private const double MaxSpeed = 8;
    private const float MaxTorque = 2.0f;
    private const double Dt = 0.05;
    private const double Mass = 1.0;
    private const double PoleLength = 1.0;

    /// <inheritdoc/>
    protected override string StateLayout => "theta, theta_dot";

    private readonly double _g;
    private readonly double _gravityTerm;
    private double _theta, _thetaDot;

    /// <summary>Creates the environment.</summary>
    /// <param name="g">Gymnasium's <c>g</c>: the acceleration of gravity (m/s²).</param>
    public Pendulum(double g = 10.0)
        : base(new Box([-1f, -1f, -(float)MaxSpeed], [1f, 1f, (float)MaxSpeed]), new Box(-MaxTorque, MaxTorque, 1))
    {
        if (!double.IsFinite(g)) throw new ArgumentOutOfRangeException(nameof(g), g, "g must be finite.");
        _g = g;
        _gravityTerm = 3 * g / (2 * PoleLength);
    }

    /// <summary>The acceleration of gravity.</summary>
    public double G => _g;

    /// <summary>A finite torque outside [−2, 2] is clipped, as Gymnasium does.</summary>
    protected override bool ClipsContinuousActions => true;

    /// <inheritdoc/>
    public override int StateSize => 2;

    /// <inheritdoc/>
    protected override void ReadState(Span<double> destination)
    {
        destination[0] = _theta;
        destination[1] = _thetaDot;
    }

    /// <inheritdoc/>
    protected override void SetState(ReadOnlySpan<double> state)
    {
        (_theta, _thetaDot) = (state[0], state[1]);
    }

    /// <inheritdoc/>
    protected override void ResetCore()
    {
        _theta = Random.Uniform(-Math.PI, Math.PI);
        _thetaDot = Random.Uniform(-1.0, 1.0);
        WriteObservation();
    }

    /// <inheritdoc/>
    protected override StepResult StepCore(ReadOnlySpan<float> action)
    {
        double u = Math.Clamp(action[0], -MaxTorque, MaxTorque);
        double th = _theta, thDot = _thetaDot;
        double normalized = AngleNormalize(th);
        // NumPy's x**2 on a float64 is the C library's pow(x, 2), which can differ from x·x in the last bit;
        // u is a float32 value, so u·u is exact either way.
        double cost = Math.Pow(normalized, 2.0) + 0.1 * Math.Pow(thDot, 2.0) + 0.001 * (u * u);

        double newThDot = thDot + (_gravityTerm * Math.Sin(th) + 3.0 / (Mass * PoleLength * PoleLength) * u) * Dt;
        newThDot = Math.Clamp(newThDot, -MaxSpeed, MaxSpeed);
        _theta = th + newThDot * Dt;
        _thetaDot = newThDot;
        WriteObservation();
        return new StepResult(-cost, false, false);
    }

    /// <summary>((θ + π) mod 2π) − π with a floored modulo (the result has the sign of the divisor), as NumPy's <c>%</c>.</summary>
    public static double AngleNormalize(double theta)
    {
        const double period = 2 * Math.PI;
        double mod = (theta + Math.PI) % period;
        if (mod != 0)
        {
            if (mod < 0) mod += period;
        }
        else
        {
            mod = 0.0;
        }
        return mod - Math.PI;
    }

    /// <inheritdoc/>
    public override string Render() => $"{Spec?.Id ?? Id}: theta={StateVector.Format(_theta)} theta_dot={StateVector.Format(_thetaDot)}";

    /// <inheritdoc/>
    protected override void WriteObservation()
    {
        var obs = ObservationBuffer;
        var (sin, cos) = Math.SinCos(_theta);
        obs[0] = (float)cos;
        obs[1] = (float)sin;
        obs[2] = (float)_thetaDot;
    }
}
