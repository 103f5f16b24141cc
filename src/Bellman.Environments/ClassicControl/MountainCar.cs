using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Environment = Bellman.Core.Environments.Environment;

namespace Bellman.Environments.ClassicControl;

/// <summary>
/// Gymnasium's <c>MountainCar-v0</c> (Moore 1990; Sutton and Barto): an under-powered car in a valley must
/// rock back and forth to reach the flag at x = 0.5. State s = (x, v), float64; actions 0 (push left),
/// 1 (no push), 2 (push right).
/// <para>
/// Dynamics: v ← clip(v + ((a − 1)·0.001 + cos(3x)·(−0.0025)), −0.07, 0.07); x ← clip(x + v, −1.2, 0.6);
/// v ← 0 when x hits −1.2 while moving left. Terminates when x ≥ 0.5 and v ≥ <c>goal_velocity</c>. Reward −1
/// every step. The start state is (U(−0.6, −0.4), 0). No time limit here (see <see cref="MaxEpisodeSteps"/>).
/// </para>
/// </summary>
public sealed class MountainCar : ClassicControlEnvironment
{
    /// <summary>The Gymnasium id.</summary>
    public const string Id = "MountainCar-v0";

    /// <summary>The registered time limit.</summary>
    public const int MaxEpisodeSteps = 200;

    /// <summary>The registered reward threshold.</summary>
    public const double RewardThreshold = -110.0;

    private const double MinPosition = -1.2;
    private const double MaxPosition = 0.6;
    private const double MaxSpeed = 0.07;
    private const double GoalPosition = 0.5;
    private const double Force = 0.001;
    private const double Gravity = 0.0025;

    /// <inheritdoc/>
    protected override string StateLayout => "position, velocity";

    private readonly double _goalVelocity;
    private double _position, _velocity;

    /// <summary>Creates the environment.</summary>
    /// <param name="goalVelocity">Gymnasium's <c>goal_velocity</c>: the least velocity at the goal that ends the episode.</param>
    public MountainCar(double goalVelocity = 0.0)
        : base(new Box([(float)MinPosition, (float)-MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]), new Discrete(3))
    {
        if (!double.IsFinite(goalVelocity)) throw new ArgumentOutOfRangeException(nameof(goalVelocity), goalVelocity, "goal_velocity must be finite.");
        _goalVelocity = goalVelocity;
    }

    /// <summary>The least velocity at the goal that ends the episode.</summary>
    public double GoalVelocity => _goalVelocity;

    /// <inheritdoc/>
    public override int StateSize => 2;

    /// <inheritdoc/>
    protected override void ReadState(Span<double> destination)
    {
        destination[0] = _position;
        destination[1] = _velocity;
    }

    /// <inheritdoc/>
    protected override void SetState(ReadOnlySpan<double> state)
    {
        (_position, _velocity) = (state[0], state[1]);
    }

    /// <inheritdoc/>
    protected override void ResetCore()
    {
        _position = Random.Uniform(-0.6, -0.4);
        _velocity = 0.0;
        WriteObservation();
    }

    /// <inheritdoc/>
    protected override StepResult StepCore(int action)
    {
        double velocity = _velocity + ((action - 1) * Force + Math.Cos(3 * _position) * -Gravity);
        velocity = Math.Clamp(velocity, -MaxSpeed, MaxSpeed);
        double position = Math.Clamp(_position + velocity, MinPosition, MaxPosition);
        if (position == MinPosition && velocity < 0) velocity = 0.0;
        (_position, _velocity) = (position, velocity);
        WriteObservation();
        bool terminated = position >= GoalPosition && velocity >= _goalVelocity;
        return new StepResult(-1.0, terminated, false);
    }

    /// <inheritdoc/>
    public override string Render() => $"{Spec?.Id ?? Id}: position={StateVector.Format(_position)} velocity={StateVector.Format(_velocity)}";

    /// <inheritdoc/>
    protected override void WriteObservation()
    {
        var obs = ObservationBuffer;
        obs[0] = (float)_position;
        obs[1] = (float)_velocity;
    }
}
