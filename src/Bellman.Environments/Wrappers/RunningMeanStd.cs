using System.Numerics;

namespace Bellman.Environments.Wrappers;

/// <summary>
/// The saved form of a <see cref="RunningMeanStd{T}"/>: mean, variance and count, as plain arrays so a
/// checkpoint can store them (float32 statistics are stored exactly as doubles).
/// </summary>
/// <param name="Mean">The running mean, one element per statistic.</param>
/// <param name="Var">The running (population) variance, one element per statistic.</param>
/// <param name="Count">The number of samples seen, starting from the initial pseudo-count.</param>
public sealed record RunningMeanStdState(double[] Mean, double[] Var, double Count);

/// <summary>
/// Running mean and variance of a stream of vectors, as Gymnasium's <c>RunningMeanStd</c>
/// (Chan et al.'s parallel algorithm). It starts at mean 0, variance 1 and a pseudo-count ε = 1e-4, and
/// merges a batch of n samples with mean m_b and variance v_b by
/// <code>
/// δ = m_b − μ,  N = c + n,
/// μ' = μ + δ·n / N,
/// σ²' = (σ²·c + v_b·n + δ²·c·n / N) / N,   c' = N.
/// </code>
/// The arithmetic runs in <typeparamref name="T"/> with the count kept in double, operation by operation
/// as NumPy does for an array of dtype T and a Python-float count, so results match Gymnasium bit for
/// bit: T = double for reward statistics, T = float for observation statistics (Gymnasium 1.x builds
/// them with the observation dtype, float32).
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class RunningMeanStd<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _mean;
    private readonly T[] _var;

    /// <summary>Statistics of vectors of <paramref name="size"/> elements, with initial pseudo-count <paramref name="epsilon"/>.</summary>
    public RunningMeanStd(int size, double epsilon = 1e-4)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "RunningMeanStd needs at least one element.");
        if (!(epsilon > 0) || !double.IsFinite(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "The initial pseudo-count must be positive and finite.");
        _mean = new T[size];
        _var = new T[size];
        Array.Fill(_var, T.One);
        Count = epsilon;
    }

    /// <summary>The number of elements per sample.</summary>
    public int Size => _mean.Length;

    /// <summary>The running mean μ.</summary>
    public ReadOnlySpan<T> Mean => _mean;

    /// <summary>The running population variance σ².</summary>
    public ReadOnlySpan<T> Var => _var;

    /// <summary>The number of samples seen plus the initial pseudo-count.</summary>
    public double Count { get; private set; }

    /// <summary>Merges one sample (a batch of n = 1 with variance 0), as <c>update(np.array([x]))</c>.</summary>
    public void Update(ReadOnlySpan<T> sample)
    {
        CheckLength(sample.Length, nameof(sample));
        double count = Count;
        double total = count + 1;
        T c = T.CreateChecked(count), n = T.One, N = T.CreateChecked(total), zero = T.Zero;
        for (int i = 0; i < _mean.Length; i++)
            Merge(ref _mean[i], ref _var[i], sample[i], zero, c, n, N);
        Count = total;
    }

    /// <summary>Merges a batch of <paramref name="batchCount"/> samples given by its mean and population variance.</summary>
    public void UpdateFromMoments(ReadOnlySpan<T> batchMean, ReadOnlySpan<T> batchVar, int batchCount)
    {
        CheckLength(batchMean.Length, nameof(batchMean));
        CheckLength(batchVar.Length, nameof(batchVar));
        if (batchCount <= 0) throw new ArgumentOutOfRangeException(nameof(batchCount), batchCount, "A batch needs at least one sample.");
        double count = Count;
        double total = count + batchCount;
        T c = T.CreateChecked(count), n = T.CreateChecked(batchCount), N = T.CreateChecked(total);
        for (int i = 0; i < _mean.Length; i++)
            Merge(ref _mean[i], ref _var[i], batchMean[i], batchVar[i], c, n, N);
        Count = total;
    }

    /// <summary>
    /// Merges the <paramref name="rows"/> samples stored row after row in <paramref name="samples"/>
    /// (their mean and population variance are computed in double, then merged as by <see cref="UpdateFromMoments"/>).
    /// </summary>
    public void UpdateBatch(ReadOnlySpan<T> samples, int rows)
    {
        if (rows <= 0 || samples.Length != rows * Size)
            throw new ArgumentException($"A batch of {rows} rows of {Size} needs {rows * Size} elements, got {samples.Length}.", nameof(samples));
        Span<T> mean = Size <= 256 ? stackalloc T[Size] : new T[Size];
        Span<T> var = Size <= 256 ? stackalloc T[Size] : new T[Size];
        for (int j = 0; j < Size; j++)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++) sum += double.CreateChecked(samples[r * Size + j]);
            double m = sum / rows, sq = 0;
            for (int r = 0; r < rows; r++)
            {
                double d = double.CreateChecked(samples[r * Size + j]) - m;
                sq += d * d;
            }
            mean[j] = T.CreateChecked(m);
            var[j] = T.CreateChecked(sq / rows);
        }
        UpdateFromMoments(mean, var, rows);
    }

    /// <summary>Writes (x − μ) / √(σ² + ε) for each element into <paramref name="destination"/>, in T.</summary>
    public void Normalize(ReadOnlySpan<T> x, T epsilon, Span<T> destination)
    {
        CheckLength(x.Length, nameof(x));
        CheckLength(destination.Length, nameof(destination));
        for (int i = 0; i < x.Length; i++) destination[i] = (x[i] - _mean[i]) / T.Sqrt(_var[i] + epsilon);
    }

    /// <summary>The statistics as plain arrays, for a checkpoint.</summary>
    public RunningMeanStdState GetState()
    {
        var mean = new double[Size];
        var var = new double[Size];
        for (int i = 0; i < Size; i++)
        {
            mean[i] = double.CreateChecked(_mean[i]);
            var[i] = double.CreateChecked(_var[i]);
        }
        return new RunningMeanStdState(mean, var, Count);
    }

    /// <summary>Restores statistics saved by <see cref="GetState"/>.</summary>
    public void SetState(RunningMeanStdState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Mean.Length != Size || state.Var.Length != Size)
            throw new ArgumentException($"RunningMeanStd state has {state.Mean.Length} means and {state.Var.Length} variances; these statistics have {Size}.", nameof(state));
        if (!(state.Count > 0) || !double.IsFinite(state.Count))
            throw new ArgumentException($"RunningMeanStd state count {state.Count} must be positive and finite.", nameof(state));
        for (int i = 0; i < Size; i++)
        {
            if (!double.IsFinite(state.Mean[i]) || !(state.Var[i] >= 0) || !double.IsFinite(state.Var[i]))
                throw new ArgumentException($"RunningMeanStd state element {i} is invalid: mean {state.Mean[i]}, variance {state.Var[i]}.", nameof(state));
        }
        for (int i = 0; i < Size; i++)
        {
            _mean[i] = T.CreateChecked(state.Mean[i]);
            _var[i] = T.CreateChecked(state.Var[i]);
        }
        Count = state.Count;
    }

    /// <summary>One element of Chan's merge, in NumPy's operation order.</summary>
    private static void Merge(ref T mean, ref T var, T batchMean, T batchVar, T c, T n, T total)
    {
        T delta = batchMean - mean;
        T newMean = mean + delta * n / total;
        T m2 = var * c + batchVar * n + delta * delta * c * n / total;
        mean = newMean;
        var = m2 / total;
    }

    private void CheckLength(int length, string name)
    {
        if (length != Size) throw new ArgumentException($"Expected {Size} elements, got {length}.", name);
    }
}

/// <summary>Writes and reads <see cref="RunningMeanStdState"/> for checkpoints.</summary>
internal static class StatisticsIO
{
    public static void Write(BinaryWriter writer, RunningMeanStdState state)
    {
        Bellman.Core.State.StateIO.WriteSpan(writer, state.Mean);
        Bellman.Core.State.StateIO.WriteSpan(writer, state.Var);
        writer.Write(state.Count);
    }

    public static RunningMeanStdState Read(BinaryReader reader, int size)
    {
        double[] mean = new double[size], variance = new double[size];
        Bellman.Core.State.StateIO.ReadInto(reader, mean);
        Bellman.Core.State.StateIO.ReadInto(reader, variance);
        return new RunningMeanStdState(mean, variance, reader.ReadDouble());
    }
}
