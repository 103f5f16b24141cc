namespace Bellman.Core.Schedules;

/// <summary>
/// A value that changes over training, as a function of progress in [0, 1] (the fraction of the
/// training budget elapsed). Used for exploration rates, temperatures, learning rates and β.
/// </summary>
public abstract record Schedule
{
    /// <summary>The value at <paramref name="progress"/> (clamped to [0, 1]).</summary>
    public abstract double ValueAt(double progress);

    /// <summary>The value after <paramref name="step"/> of <paramref name="totalSteps"/> steps.</summary>
    public double ValueAt(long step, long totalSteps) => ValueAt(totalSteps <= 0 ? 1.0 : (double)step / totalSteps);

    /// <summary>A constant value.</summary>
    public static Schedule Constant(double value) => new ConstantSchedule(value);

    /// <summary>Linear from <paramref name="start"/> to <paramref name="end"/> over the first <paramref name="fraction"/> of training, then constant (SB3's <c>get_linear_fn</c>).</summary>
    public static Schedule Linear(double start, double end, double fraction = 1.0) => new LinearSchedule(start, end, fraction);

    /// <summary>Linear decay to 0 over training, <c>start × (1 − progress)</c>: Stable-Baselines3's <c>linear_schedule</c> (the zoo's <c>lin_</c> values).</summary>
    public static Schedule LinearDecay(double start) => new LinearDecaySchedule(start);

    /// <summary>Exponential decay from <paramref name="start"/> toward <paramref name="end"/> with the given half-life in progress units.</summary>
    public static Schedule Exponential(double start, double end, double halfLife) => new ExponentialSchedule(start, end, halfLife);
}

/// <summary>A constant value.</summary>
/// <param name="Value">The value at every point.</param>
public sealed record ConstantSchedule(double Value) : Schedule
{
    /// <inheritdoc/>
    public override double ValueAt(double progress) => Value;
}

/// <summary>Linear interpolation from <paramref name="Start"/> to <paramref name="End"/> over the first <paramref name="Fraction"/> of training.</summary>
/// <param name="Start">The value at progress 0.</param>
/// <param name="End">The value from progress <paramref name="Fraction"/> on.</param>
/// <param name="Fraction">The fraction of training over which the value moves.</param>
public sealed record LinearSchedule(double Start, double End, double Fraction) : Schedule
{
    /// <inheritdoc/>
    public override double ValueAt(double progress)
    {
        progress = Math.Clamp(progress, 0.0, 1.0);
        if (Fraction <= 0 || progress >= Fraction) return End;
        return Start + (End - Start) * (progress / Fraction);
    }
}

/// <summary><paramref name="Start"/> × (1 − progress): linear decay to 0 at the end of training.</summary>
/// <param name="Start">The value at progress 0.</param>
public sealed record LinearDecaySchedule(double Start) : Schedule
{
    /// <inheritdoc/>
    public override double ValueAt(double progress) => Start * Math.Max(0.0, 1.0 - Math.Max(0.0, progress));
}

/// <summary>Exponential approach from <paramref name="Start"/> to <paramref name="End"/>.</summary>
/// <param name="Start">The value at progress 0.</param>
/// <param name="End">The limit.</param>
/// <param name="HalfLife">The progress after which half the distance is covered.</param>
public sealed record ExponentialSchedule(double Start, double End, double HalfLife) : Schedule
{
    /// <inheritdoc/>
    public override double ValueAt(double progress)
    {
        progress = Math.Clamp(progress, 0.0, 1.0);
        return End + (Start - End) * Math.Pow(0.5, progress / HalfLife);
    }
}
