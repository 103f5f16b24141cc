using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Environment = Bellman.Core.Environments.Environment;

namespace Bellman.Environments.ClassicControl;

/// <summary>
/// Gymnasium's <c>MountainCarContinuous-v0</c>: the mountain car with a continuous force a ∈ [−1, 1].
/// State s = (x, v), stored as float32 after every step (as Gymnasium does) and held here as float64.
/// <para>
/// Dynamics, in float64: f = clip(a, −1, 1); v ← clip(v + (0.0015 f − 0.0025 cos(3x)), −0.07, 0.07);
/// x ← clip(x + v, −1.2, 0.6); v ← 0 when x hits −1.2 while moving left; then both are rounded to float32.
/// Terminates when x ≥ 0.45 and v ≥ <c>goal_velocity</c> (tested before the rounding). Reward
/// 100·[terminated] − 0.1 a², with the unclipped action a. The start state is (U(−0.6, −0.4), 0).
/// No time limit here (see <see cref="MaxEpisodeSteps"/>).
/// </para>
/// </summary>
public sealed class MountainCarContinuous : ClassicControlEnvironment
{
    /// <summary>The Gymnasium id.</summary>
    public const string Id = "MountainCarContinuous-v0";

    /// <summary>The registered time limit.</summary>
    public const int MaxEpisodeSteps = 999;

    /// <summary>The registered reward threshold.</summary>
    public const double RewardThreshold = 90.0;

    private const double MinAction = -1.0;
    private const double MaxAction = 1.0;
    private const double MinPosition = -1.2;
    private const double MaxPosition = 0.6;
    private const double MaxSpeed = 0.07;
    private const double GoalPosition = 0.45;
    private const double Power = 0.0015;

    /// <inheritdoc/>
    protected override string StateLayout => "position, velocity";

    private readonly double _goalVelocity;
    private double _position, _velocity;

    /// <summary>Creates the environment.</summary>
    /// <param name="goalVelocity">Gymnasium's <c>goal_velocity</c>: the least velocity at the goal that ends the episode.</param>
    public MountainCarContinuous(double goalVelocity = 0.0)
        : base(new Box([(float)MinPosition, (float)-MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]),
               new Box((float)MinAction, (float)MaxAction, 1))
    {
        if (!double.IsFinite(goalVelocity)) throw new ArgumentOutOfRangeException(nameof(goalVelocity), goalVelocity, "goal_velocity must be finite.");
        _goalVelocity = goalVelocity;
    }

    /// <summary>The least velocity at the goal that ends the episode.</summary>
    public double GoalVelocity => _goalVelocity;

    /// <summary>A finite action outside [−1, 1] is clipped for the force (the reward uses it unclipped).</summary>
    protected override bool ClipsContinuousActions => true;

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
    protected override StepResult StepCore(ReadOnlySpan<float> action)
    {
        double a = action[0];
        double force = Math.Min(Math.Max(a, MinAction), MaxAction);
        double velocity = _velocity + (force * Power - 0.0025 * Math.Cos(3 * _position));
        if (velocity > MaxSpeed) velocity = MaxSpeed;
        if (velocity < -MaxSpeed) velocity = -MaxSpeed;
        double position = _position + velocity;
        if (position > MaxPosition) position = MaxPosition;
        if (position < MinPosition) position = MinPosition;
        if (position == MinPosition && velocity < 0) velocity = 0.0;

        bool terminated = position >= GoalPosition && velocity >= _goalVelocity;
        double reward = (terminated ? 100.0 : 0.0) - a * a * 0.1;

        _position = (float)position;
        _velocity = (float)velocity;
        WriteObservation();
        return new StepResult(reward, terminated, false);
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
