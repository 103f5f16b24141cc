namespace Bellman.Nn;

/// <summary>
/// How many threads the engine's kernels may use: the large matrix products (<see cref="Kernels.Gemm"/>) and the
/// optimizer steps (<see cref="Optimizers.Optimizer.Step"/>). Default 1 (single-threaded). Work is split by whole
/// output elements — panels or rows of a product, ranges of parameters — so every element is computed exactly as on
/// one thread and results are bit-identical for any setting. A parallel call allocates a little (the task
/// scheduler's closure); the setting is process-wide.
/// </summary>
public static class EngineThreads
{
    private static int s_max = 1;

    /// <summary>The most threads one kernel call may use (at least 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public static int Max
    {
        get => s_max;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "The engine's thread count must be at least 1.");
            s_max = value;
        }
    }

    /// <summary>Runs <paramref name="body"/>(w) for w = 0..workers−1, the calling thread taking a share.</summary>
    internal static void For(int workers, Action<int> body)
    {
        if (workers <= 1)
        {
            body(0);
            return;
        }
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, body);
    }
}
