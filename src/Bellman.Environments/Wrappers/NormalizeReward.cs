using Bellman.Core.Environments;
using Bellman.Core.State;

namespace Bellman.Environments.Wrappers;

/// <summary>The saved state of a <see cref="NormalizeReward"/>: the return statistics and the running discounted return.</summary>
/// <param name="ReturnStatistics">The statistics of the discounted return (one element).</param>
/// <param name="DiscountedReturn">The running discounted return R_t.</param>
public sealed record NormalizeRewardState(RunningMeanStdState ReturnStatistics, double DiscountedReturn);

/// <summary>
/// Scales rewards by the running standard deviation of the discounted return, as Gymnasium 1.x's
/// <c>NormalizeReward</c> (float64 throughout). Each step updates
/// <code>
/// R_t = γ·R_{t−1}·(1 − terminated_t) + r_t,
/// </code>
/// merges R_t into the return statistics (unless <see cref="UpdateRunningMean"/> is false) and returns
/// r_t / √(σ²_R + ε); the mean is not subtracted. As in Gymnasium, R is zeroed by termination only:
/// neither truncation nor <see cref="Wrapper.Reset"/> clears it (R then carries into the next episode).
/// </summary>
public sealed class NormalizeReward : Wrapper
{
    private readonly RunningMeanStd<double> _rms = new(1);

    /// <summary>Normalises the rewards of <paramref name="env"/> with discount <paramref name="gamma"/> and stability constant <paramref name="epsilon"/>.</summary>
    public NormalizeReward(IEnvironment env, double gamma = 0.99, double epsilon = 1e-8) : base(env)
    {
        if (!(gamma >= 0 && gamma <= 1))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, $"{env.Name}: NormalizeReward gamma must be in [0, 1].");
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"{env.Name}: NormalizeReward epsilon must be positive and finite.");
        Gamma = gamma;
        Epsilon = epsilon;
    }

    /// <summary>The discount γ of the running return.</summary>
    public double Gamma { get; }

    /// <summary>The ε added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>Whether steps update the statistics (true by default; false to freeze them, e.g. for evaluation).</summary>
    public bool UpdateRunningMean { get; set; } = true;

    /// <summary>The running discounted return R.</summary>
    public double DiscountedReturn { get; private set; }

    /// <summary>The running statistics of R.</summary>
    public RunningMeanStd<double> Statistics => _rms;

    /// <inheritdoc/>
    public override StepResult Step(int action) => Scale(Inner.Step(action));

    /// <inheritdoc/>
    public override StepResult Step(ReadOnlySpan<float> action) => Scale(Inner.Step(action));

    /// <summary>The statistics and the running return, for a checkpoint.</summary>
    public NormalizeRewardState GetState() => new(_rms.GetState(), DiscountedReturn);

    /// <summary>Restores a state saved by <see cref="GetState"/>.</summary>
    public void SetState(NormalizeRewardState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!double.IsFinite(state.DiscountedReturn))
            throw new ArgumentException($"{Name}: saved discounted return {state.DiscountedReturn} is not finite.", nameof(state));
        _rms.SetState(state.ReturnStatistics);
        DiscountedReturn = state.DiscountedReturn;
    }

    /// <summary>Scales one step's reward; the formula of the class summary.</summary>
    /// <inheritdoc/>
    protected override void WriteOwnState(BinaryWriter writer)
    {
        StatisticsIO.Write(writer, _rms.GetState());
        writer.Write(DiscountedReturn);
    }

    /// <inheritdoc/>
    protected override void ReadOwnState(BinaryReader reader)
    {
        _rms.SetState(StatisticsIO.Read(reader, 1));
        DiscountedReturn = reader.ReadDouble();
    }

    private StepResult Scale(StepResult result)
    {
        DiscountedReturn = DiscountedReturn * Gamma * (result.Terminated ? 0.0 : 1.0) + result.Reward;
        if (UpdateRunningMean) _rms.Update([DiscountedReturn]);
        return result with { Reward = result.Reward / Math.Sqrt(_rms.Var[0] + Epsilon) };
    }
}
