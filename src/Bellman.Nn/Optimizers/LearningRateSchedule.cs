namespace Bellman.Nn.Optimizers;

/// <summary>
/// A learning rate as a function of training progress p ∈ [0, 1] (the fraction of the training budget
/// elapsed, i.e. SB3's 1 − progress_remaining). <see cref="Apply(Optimizer, double)"/> sets an optimizer's learning rate.
/// </summary>
public abstract record LearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="progress"/> (clamped to [0, 1]).</summary>
    public abstract double ValueAt(double progress);

    /// <summary>Sets <paramref name="optimizer"/>'s learning rate to the value at <paramref name="progress"/>.</summary>
    public void Apply(Optimizer optimizer, double progress)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        optimizer.LearningRate = ValueAt(progress);
    }

    /// <summary>Sets <paramref name="optimizer"/>'s learning rate for step <paramref name="step"/> of <paramref name="totalSteps"/>.</summary>
    public void Apply(Optimizer optimizer, long step, long totalSteps) => Apply(optimizer, totalSteps <= 0 ? 1.0 : (double)step / totalSteps);

    /// <summary>A constant learning rate.</summary>
    public static LearningRateSchedule Constant(double value) => new ConstantLearningRate(value);

    /// <summary>
    /// Linear from <paramref name="start"/> to <paramref name="end"/> over the first <paramref name="endFraction"/>
    /// of training, then <paramref name="end"/> (SB3's get_linear_fn(start, end, end_fraction); the zoo's
    /// "lin_3e-4" is Linear(3e-4, 0, 1)).
    /// </summary>
    public static LearningRateSchedule Linear(double start, double end, double endFraction = 1.0) => new LinearLearningRate(start, end, endFraction);

    /// <summary>
    /// Parses an rl-baselines3-zoo learning rate: a number ("3e-4") is constant, "lin_X" decays linearly from X
    /// to 0 over training (the zoo's linear_schedule, X·progress_remaining). Invariant culture.
    /// </summary>
    /// <exception cref="FormatException">The text is neither form, or the value is negative or not finite.</exception>
    public static LearningRateSchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim();
        bool linear = s.StartsWith("lin_", StringComparison.Ordinal);
        string number = linear ? s[4..] : s;
        if (!double.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value)
            || !double.IsFinite(value) || value < 0)
            throw new FormatException($"'{text}' is not a learning rate: expected a non-negative number such as 3e-4, or lin_<number> such as lin_7.3e-4.");
        return linear ? Linear(value, 0, 1) : Constant(value);
    }
}

/// <summary>A constant learning rate.</summary>
/// <param name="Value">The learning rate.</param>
public sealed record ConstantLearningRate(double Value) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override double ValueAt(double progress) => Value;
}

/// <summary>Linear from <paramref name="Start"/> to <paramref name="End"/> over the first <paramref name="EndFraction"/> of training.</summary>
/// <param name="Start">The rate at progress 0.</param>
/// <param name="End">The rate from progress <paramref name="EndFraction"/> on.</param>
/// <param name="EndFraction">The fraction of training over which the rate moves.</param>
public sealed record LinearLearningRate(double Start, double End, double EndFraction) : LearningRateSchedule
{
    /// <summary>start + p·(end − start)/endFraction while p ≤ endFraction, else end.</summary>
    public override double ValueAt(double progress)
    {
        progress = Math.Clamp(progress, 0.0, 1.0);
        if (progress > EndFraction || EndFraction <= 0) return End;
        return Start + progress * (End - Start) / EndFraction;
    }
}
