using Bellman.Core.Environments;
using Bellman.Core.State;
using Bellman.Core.Spaces;

namespace Bellman.Environments.Wrappers;

/// <summary>
/// Normalises observations to zero mean and unit variance with running statistics, as Gymnasium 1.x's
/// <c>NormalizeObservation</c>: after every reset and step it merges the raw observation x into a
/// <see cref="RunningMeanStd{T}"/> (unless <see cref="UpdateRunningMean"/> is false) and returns
/// (x − μ) / √(σ² + ε). As in Gymnasium 1.x the statistics and the arithmetic are float32 (the
/// observation dtype), and the observation space becomes Box(−inf, inf) of the same shape.
/// </summary>
public sealed class NormalizeObservation : Wrapper
{
    private readonly RunningMeanStd<float> _rms;
    private readonly float[] _observation;
    private readonly float _epsilon;

    /// <summary>Normalises the observations of <paramref name="env"/>; <paramref name="epsilon"/> keeps the division away from zero.</summary>
    public NormalizeObservation(IEnvironment env, double epsilon = 1e-8) : base(env)
    {
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"{env.Name}: NormalizeObservation epsilon must be positive and finite.");
        Epsilon = epsilon;
        _epsilon = (float)epsilon;
        var inner = env.ObservationSpace;
        int[] shape = [.. inner.Shape];
        ObservationSpace = new Box(float.NegativeInfinity, float.PositiveInfinity, shape);
        _rms = new RunningMeanStd<float>(inner.FlatSize);
        _observation = new float[inner.FlatSize];
    }

    /// <summary>The ε added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>Whether resets and steps update the statistics (true by default; false to freeze them, e.g. for evaluation).</summary>
    public bool UpdateRunningMean { get; set; } = true;

    /// <summary>The running statistics of the raw observations.</summary>
    public RunningMeanStd<float> Statistics => _rms;

    /// <inheritdoc/>
    public override Space ObservationSpace { get; }

    /// <inheritdoc/>
    public override ReadOnlySpan<float> Observation => _observation;

    /// <inheritdoc/>
    protected override ReadOnlySpan<float> OnReset(ReadOnlySpan<float> obs)
    {
        Normalize(obs);
        return _observation;
    }

    /// <inheritdoc/>
    public override StepResult Step(int action)
    {
        var result = Inner.Step(action);
        Normalize(Inner.Observation);
        return result;
    }

    /// <inheritdoc/>
    public override StepResult Step(ReadOnlySpan<float> action)
    {
        var result = Inner.Step(action);
        Normalize(Inner.Observation);
        return result;
    }

    /// <summary>The statistics as plain arrays, for a checkpoint.</summary>
    public RunningMeanStdState GetState() => _rms.GetState();

    /// <summary>Restores statistics saved by <see cref="GetState"/>.</summary>
    public void SetState(RunningMeanStdState state) => _rms.SetState(state);

    /// <inheritdoc/>
    protected override void WriteOwnState(BinaryWriter writer)
    {
        StatisticsIO.Write(writer, _rms.GetState());
        writer.WriteSpan(_observation);
    }

    /// <inheritdoc/>
    protected override void ReadOwnState(BinaryReader reader)
    {
        _rms.SetState(StatisticsIO.Read(reader, _rms.Size));
        reader.ReadInto(_observation);
    }

    private void Normalize(ReadOnlySpan<float> raw)
    {
        if (UpdateRunningMean) _rms.Update(raw);
        _rms.Normalize(raw, _epsilon, _observation);
    }
}
