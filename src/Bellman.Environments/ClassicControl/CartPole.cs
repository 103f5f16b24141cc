using System.Runtime.CompilerServices;
using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Environment = Bellman.Core.Environments.Environment;

namespace Bellman.Environments.ClassicControl;

/// <summary>
/// Gymnasium's <c>CartPole-v1</c> (Barto, Sutton and Anderson 1983): a pole hinged on a cart that a force of
/// ±10 N pushes along a frictionless track. State s = (x, ẋ, θ, θ̇), float64; actions 0 (push left), 1 (push right).
/// <para>
/// Dynamics (Florian 2007, frictionless), with F = ±10, m = 0.1, M = m + 1.0, l = 0.5 (half length), g = 9.8:
/// temp = (F + m l θ̇² sin θ) / M,
/// θ̈ = (g sin θ − cos θ · temp) / (l (4/3 − m cos²θ / M)),
/// ẍ = temp − m l θ̈ cos θ / M;
/// explicit Euler with τ = 0.02: x += τ ẋ, ẋ += τ ẍ, θ += τ θ̇, θ̇ += τ θ̈ (each update from the old values).
/// </para>
/// <para>
/// Terminates when |x| &gt; 2.4 or |θ| &gt; 12° (24π/360 rad). Reward +1 every step, including the terminating
/// one; with <c>sutton_barto_reward</c> it is 0 per step and −1 on termination. The start state is uniform
/// in (−0.05, 0.05)⁴. There is no time limit here: the registry's wrapper cuts episodes at
/// <see cref="MaxEpisodeSteps"/>.
/// </para>
/// </summary>
public sealed class CartPole : ClassicControlEnvironment
{
    /// <summary>The Gymnasium id.</summary>
    public const string Id = "CartPole-v1";

    /// <summary>The registered time limit.</summary>
    public const int MaxEpisodeSteps = 500;

    /// <summary>The registered reward threshold.</summary>
    public const double RewardThreshold = 475.0;

    private const double Gravity = 9.8;
    private const double MassCart = 1.0;
    private const double MassPole = 0.1;
    private const double TotalMass = MassPole + MassCart;
    private const double Length = 0.5;
    private const double PoleMassLength = MassPole * Length;
    private const double ForceMag = 10.0;
    private const double Tau = 0.02;
    private const double ThetaThresholdRadians = 12 * 2 * Math.PI / 360;
    private const double XThreshold = 2.4;

    /// <inheritdoc/>
    protected override string StateLayout => "x, x_dot, theta, theta_dot";

    private readonly bool _suttonBartoReward;
    private double _x, _xDot, _theta, _thetaDot;

    /// <summary>Creates the environment.</summary>
    /// <param name="suttonBartoReward">Gymnasium's <c>sutton_barto_reward</c>: reward 0 per step and −1 on termination, instead of +1 per step.</param>
    public CartPole(bool suttonBartoReward = false)
        : base(ObservationBox(), new Discrete(2))
    {
        _suttonBartoReward = suttonBartoReward;
    }

    /// <summary>Whether the Sutton–Barto reward (0 per step, −1 on termination) is in use.</summary>
    public bool SuttonBartoReward => _suttonBartoReward;

    /// <inheritdoc/>
    public override int StateSize => 4;

    /// <inheritdoc/>
    protected override void ReadState(Span<double> destination)
    {
        destination[0] = _x;
        destination[1] = _xDot;
        destination[2] = _theta;
        destination[3] = _thetaDot;
    }

    /// <inheritdoc/>
    protected override void SetState(ReadOnlySpan<double> state)
    {
        (_x, _xDot, _theta, _thetaDot) = (state[0], state[1], state[2], state[3]);
    }

    /// <inheritdoc/>
    protected override void ResetCore()
    {
        var rng = Random;
        _x = rng.Uniform(-0.05, 0.05);
        _xDot = rng.Uniform(-0.05, 0.05);
        _theta = rng.Uniform(-0.05, 0.05);
        _thetaDot = rng.Uniform(-0.05, 0.05);
        WriteObservation();
    }

    /// <inheritdoc/>
    protected override StepResult StepCore(int action)
    {
        // glibc's sincos gives the same bits as its sin and cos (ClassicControlPlatformTests checks this).
        // Called before the state is read so that nothing needs to live across the call.
        var (sin, cos) = Math.SinCos(_theta);
        double force = action == 1 ? ForceMag : -ForceMag;
        double x = _x, xDot = _xDot, theta = _theta, thetaDot = _thetaDot;

        double temp = (force + PoleMassLength * (thetaDot * thetaDot) * sin) / TotalMass;
        double thetaAcc = (Gravity * sin - cos * temp) / (Length * (4.0 / 3.0 - MassPole * (cos * cos) / TotalMass));
        double xAcc = temp - PoleMassLength * thetaAcc * cos / TotalMass;

        _x = x = x + Tau * xDot;
        _xDot = xDot + Tau * xAcc;
        _theta = theta = theta + Tau * thetaDot;
        _thetaDot = thetaDot + Tau * thetaAcc;
        WriteObservation();

        bool terminated = x < -XThreshold || x > XThreshold || theta < -ThetaThresholdRadians || theta > ThetaThresholdRadians;
        double reward = _suttonBartoReward ? (terminated ? -1.0 : 0.0) : 1.0;
        return new StepResult(reward, terminated, false);
    }

    /// <inheritdoc/>
    public override string Render() =>
        $"{Spec?.Id ?? Id}: x={StateVector.Format(_x)} x_dot={StateVector.Format(_xDot)} theta={StateVector.Format(_theta)} theta_dot={StateVector.Format(_thetaDot)}";

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected override void WriteObservation()
    {
        var obs = ObservationBuffer;
        obs[3] = (float)_thetaDot;
        obs[2] = (float)_theta;
        obs[1] = (float)_xDot;
        obs[0] = (float)_x;
    }

    /// <summary>Box(−high, high) with high = (4.8, ∞, 24° in rad, ∞) as float32.</summary>
    private static Box ObservationBox()
    {
        float[] high = [(float)(XThreshold * 2), float.PositiveInfinity, (float)(ThetaThresholdRadians * 2), float.PositiveInfinity];
        float[] low = [-high[0], -high[1], -high[2], -high[3]];
        return new Box(low, high);
    }
}
