namespace Bellman.Nn;

/// <summary>
/// How many threads the engine's kernels may use: the large matrix products (<see cref="Kernels.Gemm"/>) and the
/// optimizer steps (<see cref="Optimizers.Optimizer.Step"/>). Default 1 (single-threaded). Work is split by whole
/// output elements — panels or rows of a product, ranges of parameters — so every element is computed exactly as on
/// one thread and results are bit-identical for any setting. The setting is process-wide.
/// <para>
/// The extra threads are background threads of the engine's own, started on first use: a kernel call hands them
/// their shares through shared memory and they spin for a short while after each call (a gradient step issues its
/// products microseconds apart), then sleep until the next. A second caller that arrives while the threads are busy
/// (another thread of the user's), a call made from a share, and any call in a process allowed a single processor
/// run on the calling thread alone, and no more threads run than the process has processors — with the same result.
/// </para>
/// </summary>
public static class EngineThreads
{
    /// <summary>How long an idle engine thread spins, waiting for the next call, before it sleeps.</summary>
    private static readonly long s_spinTicks = System.Diagnostics.Stopwatch.Frequency / 500; // 2 ms

    private static readonly object s_startLock = new();
    private static Worker[] s_workers = [];
    private static int s_max = 1;
    private static int s_busy;
    private static int s_generation;
    private static int s_pending;
    private static int s_shares;
    private static int s_threads;
    private static Action<int>? s_body;
    private static Exception? s_failure;
    [ThreadStatic] private static bool t_insideShare;

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

    /// <summary>
    /// Runs <paramref name="body"/>(w) for w = 0..shares−1 on at most as many threads as the process may use (thread t
    /// takes shares t, t + threads, …; the calling thread is thread 0), so that more shares than processors never
    /// leave spinning threads competing for a core.
    /// </summary>
    internal static void For(int shares, Action<int> body)
    {
        int threads = Math.Min(shares, Environment.ProcessorCount);
        if (threads <= 1 || t_insideShare || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int w = 0; w < shares; w++) body(w);
            return;
        }
        try
        {
            Worker[] workers = EnsureWorkers(threads - 1);
            s_body = body;
            s_shares = shares;
            s_threads = threads;
            s_failure = null;
            Volatile.Write(ref s_pending, threads - 1);
            Interlocked.Increment(ref s_generation);
            for (int i = 0; i < threads - 1; i++)
                if (Interlocked.Exchange(ref workers[i].Parked, 0) == 1) workers[i].Wake.Release();
            t_insideShare = true;
            try
            {
                for (int w = 0; w < shares; w += threads) body(w);
            }
            finally
            {
                t_insideShare = false;
                var spin = new SpinWait();
                while (Volatile.Read(ref s_pending) != 0) spin.SpinOnce(sleep1Threshold: -1);
                s_body = null;
            }
            if (s_failure is { } failure) throw new AggregateException("An engine thread failed.", failure);
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>The first <paramref name="count"/> workers, starting those not yet running.</summary>
    private static Worker[] EnsureWorkers(int count)
    {
        Worker[] workers = s_workers;
        if (workers.Length >= count) return workers;
        lock (s_startLock)
        {
            workers = s_workers;
            if (workers.Length >= count) return workers;
            var grown = new Worker[count];
            workers.CopyTo(grown, 0);
            for (int i = workers.Length; i < count; i++)
            {
                grown[i] = new Worker(i + 1, Volatile.Read(ref s_generation));
                grown[i].Start();
            }
            s_workers = grown;
            return grown;
        }
    }

    /// <summary>One engine thread: waits for a new generation, runs its share when it has one, reports done.</summary>
    private sealed class Worker(int share, int generation)
    {
        public readonly SemaphoreSlim Wake = new(0);
        public int Parked;
        private int _seen = generation;

        public void Start() => new Thread(Loop) { IsBackground = true, Name = $"bellman-engine-{share}" }.Start();

        private void Loop()
        {
            t_insideShare = true;
            while (true)
            {
                long until = System.Diagnostics.Stopwatch.GetTimestamp() + s_spinTicks;
                for (int spins = 1; Volatile.Read(ref s_generation) == _seen; spins++)
                {
                    Thread.SpinWait(4);
                    if ((spins & 255) == 0 && System.Diagnostics.Stopwatch.GetTimestamp() > until) break;
                }
                if (Volatile.Read(ref s_generation) == _seen)
                {
                    Volatile.Write(ref Parked, 1);
                    Interlocked.MemoryBarrier();
                    // Sleep unless a call arrived meanwhile; if the caller already took the flag, it has released
                    // (or will release) the semaphore once, which must be consumed.
                    if (Volatile.Read(ref s_generation) == _seen || Interlocked.Exchange(ref Parked, 0) == 0) Wake.Wait();
                    continue;
                }
                _seen = Volatile.Read(ref s_generation);
                int threads = Volatile.Read(ref s_threads), shares = Volatile.Read(ref s_shares);
                if (share >= threads) continue;
                try
                {
                    for (int w = share; w < shares; w += threads) s_body!(w);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref s_failure, e, null);
                }
                finally
                {
                    Interlocked.Decrement(ref s_pending);
                }
            }
        }
    }
}
