using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Environment = Bellman.Core.Environments.Environment;

namespace Bellman.Environments.ClassicControl;

/// <summary>
/// Gymnasium's <c>Acrobot-v1</c> (Sutton 1996; Sutton and Barto, the book's dynamics): two links hang from a
/// fixed joint and a torque τ ∈ {−1, 0, +1} (actions 0, 1, 2) drives the middle joint. State
/// s = (θ₁, θ₂, θ̇₁, θ̇₂), float64; observation (cos θ₁, sin θ₁, cos θ₂, sin θ₂, θ̇₁, θ̇₂).
/// <para>
/// Equations of motion (m₁ = m₂ = l₁ = 1, l_c1 = l_c2 = ½, I₁ = I₂ = 1, g = 9.8):
/// d₁ = m₁l_c1² + m₂(l₁² + l_c2² + 2l₁l_c2 cos θ₂) + I₁ + I₂,
/// d₂ = m₂(l_c2² + l₁l_c2 cos θ₂) + I₂,
/// φ₂ = m₂l_c2 g cos(θ₁ + θ₂ − π/2),
/// φ₁ = −m₂l₁l_c2 θ̇₂² sin θ₂ − 2m₂l₁l_c2 θ̇₂θ̇₁ sin θ₂ + (m₁l_c1 + m₂l₁) g cos(θ₁ − π/2) + φ₂,
/// θ̈₂ = (τ + d₂/d₁ φ₁ − m₂l₁l_c2 θ̇₁² sin θ₂ − φ₂) / (m₂l_c2² + I₂ − d₂²/d₁),
/// θ̈₁ = −(d₂θ̈₂ + φ₁)/d₁;
/// one classical Runge–Kutta step of dt = 0.2, then θ₁, θ₂ wrapped into [−π, π] and θ̇₁, θ̇₂ clipped to
/// ±4π, ±9π. Terminates when −cos θ₁ − cos(θ₂ + θ₁) &gt; 1 (the tip above the bar). Reward −1 per step,
/// 0 on the terminating step. The start state is uniform in (−0.1, 0.1)⁴, rounded to float32.
/// No time limit here (see <see cref="MaxEpisodeSteps"/>).
/// </para>
/// </summary>
public sealed class Acrobot : ClassicControlEnvironment
{
    /// <summary>The Gymnasium id.</summary>
    public const string Id = "Acrobot-v1";

    /// <summary>The registered time limit.</summary>
    public const int MaxEpisodeSteps = 500;

    /// <summary>The registered reward threshold.</summary>
    public const double RewardThreshold = -100.0;

    private const double Dt = 0.2;
    private const double L1 = 1.0;
    private const double M1 = 1.0;
    private const double M2 = 1.0;
    private const double Lc1 = 0.5;
    private const double Lc2 = 0.5;
    private const double I1 = 1.0;
    private const double I2 = 1.0;
    private const double G = 9.8;
    private const double MaxVel1 = 4 * Math.PI;
    private const double MaxVel2 = 9 * Math.PI;

    /// <inheritdoc/>
    protected override string StateLayout => "theta1, theta2, theta1_dot, theta2_dot";

    private State _s;

    /// <summary>Creates the environment (Gymnasium's defaults: book dynamics, no torque noise).</summary>
    public Acrobot()
        : base(new Box([-1f, -1f, -1f, -1f, -(float)MaxVel1, -(float)MaxVel2], [1f, 1f, 1f, 1f, (float)MaxVel1, (float)MaxVel2]),
               new Discrete(3))
    {
    }

    /// <inheritdoc/>
    public override int StateSize => 4;

    /// <inheritdoc/>
    protected override void ReadState(Span<double> destination)
    {
        destination[0] = _s.Theta1;
        destination[1] = _s.Theta2;
        destination[2] = _s.Theta1Dot;
        destination[3] = _s.Theta2Dot;
    }

    /// <inheritdoc/>
    protected override void SetState(ReadOnlySpan<double> state)
    {
        _s = new State(state[0], state[1], state[2], state[3]);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Gymnasium keeps the start state as float32 and so computes the first observation with float32
    /// sin/cos; here the state is widened to float64 and the cosines rounded to float32 afterwards, which
    /// matches the reference data.
    /// </remarks>
    protected override void ResetCore()
    {
        var rng = Random;
        double Draw() => (float)rng.Uniform(-0.1, 0.1);
        double t1 = Draw(), t2 = Draw(), d1 = Draw(), d2 = Draw();
        _s = new State(t1, t2, d1, d2);
        WriteObservation();
    }

    /// <inheritdoc/>
    protected override StepResult StepCore(int action)
    {
        double torque = action - 1.0;
        var next = Rk4(_s, torque);
        _s = new State(
            Wrap(next.Theta1, -Math.PI, Math.PI),
            Wrap(next.Theta2, -Math.PI, Math.PI),
            Math.Min(Math.Max(next.Theta1Dot, -MaxVel1), MaxVel1),
            Math.Min(Math.Max(next.Theta2Dot, -MaxVel2), MaxVel2));
        WriteObservation();
        bool terminated = -Math.Cos(_s.Theta1) - Math.Cos(_s.Theta2 + _s.Theta1) > 1.0;
        return new StepResult(terminated ? 0.0 : -1.0, terminated, false);
    }

    /// <summary>
    /// The time derivative of <paramref name="s"/> under torque <paramref name="a"/> (book dynamics), evaluated
    /// in Gymnasium's operation order.
    /// </summary>
    private static State Derivative(in State s, double a)
    {
        double theta1 = s.Theta1, theta2 = s.Theta2, dtheta1 = s.Theta1Dot, dtheta2 = s.Theta2Dot;
        var (sin2, cos2) = Math.SinCos(theta2);
        double d1 = M1 * (Lc1 * Lc1) + M2 * (L1 * L1 + Lc2 * Lc2 + 2 * L1 * Lc2 * cos2) + I1 + I2;
        double d2 = M2 * (Lc2 * Lc2 + L1 * Lc2 * cos2) + I2;
        double phi2 = M2 * Lc2 * G * Math.Cos(theta1 + theta2 - Math.PI / 2.0);
        double phi1 = -M2 * L1 * Lc2 * Square(dtheta2) * sin2
                      - 2 * M2 * L1 * Lc2 * dtheta2 * dtheta1 * sin2
                      + (M1 * Lc1 + M2 * L1) * G * Math.Cos(theta1 - Math.PI / 2)
                      + phi2;
        double ddtheta2 = (a + d2 / d1 * phi1 - M2 * L1 * Lc2 * Square(dtheta1) * sin2 - phi2)
                          / (M2 * (Lc2 * Lc2) + I2 - Square(d2) / d1);
        double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
        return new State(dtheta1, dtheta2, ddtheta1, ddtheta2);
    }

    /// <summary>
    /// x² as NumPy's <c>x**2</c> computes it: the C library's pow(x, 2). glibc's pow is not always correctly
    /// rounded and differs from x·x in the last bit for some x (e.g. 0.28560742279823936), which the
    /// reference data shows (Acrobot-v1 seed 1, step 435), so x·x would not do.
    /// </summary>
    private static double Square(double x) => Math.Pow(x, 2.0);

    /// <summary>
    /// One classical Runge–Kutta step of length dt with the torque held constant:
    /// y₁ = y₀ + dt/6 (k₁ + 2k₂ + 2k₃ + k₄), k₂ = f(y₀ + dt/2 k₁), k₃ = f(y₀ + dt/2 k₂), k₄ = f(y₀ + dt k₃).
    /// </summary>
    private static State Rk4(in State y0, double torque)
    {
        const double half = Dt / 2.0;
        var k1 = Derivative(y0, torque);
        var k2 = Derivative(y0.Add(half, k1), torque);
        var k3 = Derivative(y0.Add(half, k2), torque);
        var k4 = Derivative(y0.Add(Dt, k3), torque);
        const double sixth = Dt / 6.0;
        return new State(
            y0.Theta1 + sixth * (k1.Theta1 + 2 * k2.Theta1 + 2 * k3.Theta1 + k4.Theta1),
            y0.Theta2 + sixth * (k1.Theta2 + 2 * k2.Theta2 + 2 * k3.Theta2 + k4.Theta2),
            y0.Theta1Dot + sixth * (k1.Theta1Dot + 2 * k2.Theta1Dot + 2 * k3.Theta1Dot + k4.Theta1Dot),
            y0.Theta2Dot + sixth * (k1.Theta2Dot + 2 * k2.Theta2Dot + 2 * k3.Theta2Dot + k4.Theta2Dot));
    }

    /// <summary>Wraps <paramref name="x"/> into [m, M] by whole periods M − m (repeated subtraction, as Gymnasium).</summary>
    private static double Wrap(double x, double m, double max)
    {
        double diff = max - m;
        while (x > max) x -= diff;
        while (x < m) x += diff;
        return x;
    }

    /// <inheritdoc/>
    public override string Render() =>
        $"{Spec?.Id ?? Id}: theta1={StateVector.Format(_s.Theta1)} theta2={StateVector.Format(_s.Theta2)} theta1_dot={StateVector.Format(_s.Theta1Dot)} theta2_dot={StateVector.Format(_s.Theta2Dot)}";

    /// <inheritdoc/>
    protected override void WriteObservation()
    {
        var obs = ObservationBuffer;
        var (sin1, cos1) = Math.SinCos(_s.Theta1);
        var (sin2, cos2) = Math.SinCos(_s.Theta2);
        obs[0] = (float)cos1;
        obs[1] = (float)sin1;
        obs[2] = (float)cos2;
        obs[3] = (float)sin2;
        obs[4] = (float)_s.Theta1Dot;
        obs[5] = (float)_s.Theta2Dot;
    }

    /// <summary>The state (θ₁, θ₂, θ̇₁, θ̇₂), or its derivative.</summary>
    private readonly record struct State(double Theta1, double Theta2, double Theta1Dot, double Theta2Dot)
    {
        /// <summary>this + h·k, element by element.</summary>
        public State Add(double h, in State k) =>
            new(Theta1 + h * k.Theta1, Theta2 + h * k.Theta2, Theta1Dot + h * k.Theta1Dot, Theta2Dot + h * k.Theta2Dot);
    }
}
