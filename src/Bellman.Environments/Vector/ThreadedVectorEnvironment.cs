using System.Runtime.ExceptionServices;
using Bellman.Core.Environments;

namespace Bellman.Environments.Vector;

/// <summary>
/// Steps its environments in parallel on persistent worker threads: the rows are split into contiguous
/// blocks, block 0 runs on the calling thread and block w on worker thread w. Each environment is stepped
/// by exactly the same calls as in <see cref="SyncVectorEnvironment"/>, so results are identical bit for
/// bit; a step allocates nothing. Workers and the caller spin briefly (yielding) before blocking, so
/// back-to-back steps avoid a kernel wake-up. Dispose it to stop the threads.
/// The hand-off costs microseconds per step, so it pays only when a step of the whole block costs more
/// than that (expensive environments or many of them) and cores are free; for cheap environments such as
/// CartPole, <see cref="SyncVectorEnvironment"/> is faster (see VectorEnvBenchmarks).
/// </summary>
public sealed class ThreadedVectorEnvironment : VectorEnvironment
{
    private readonly int[] _blockStart;
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _go;
    private readonly ManualResetEventSlim _done = new(false);
    private readonly Exception?[] _errors;
    private const int SpinIterations = 100;
    private int _pending;
    private volatile bool _stopping;
    private bool _disposed;

    /// <summary>
    /// Creates one environment per factory, stepped by <paramref name="workers"/> threads in total
    /// (the caller's thread included; default: the processor count, at most one per environment).
    /// </summary>
    public ThreadedVectorEnvironment(IReadOnlyList<Func<IEnvironment>> factories, int? workers = null) : base(factories)
    {
        int w = workers ?? Math.Min(System.Environment.ProcessorCount, NumEnvs);
        if (w <= 0) throw new ArgumentOutOfRangeException(nameof(workers), workers, "The number of workers must be positive.");
        w = Math.Min(w, NumEnvs);
        Workers = w;
        _blockStart = new int[w + 1];
        for (int b = 0; b <= w; b++) _blockStart[b] = (int)((long)NumEnvs * b / w);
        _errors = new Exception?[w];
        _go = new SemaphoreSlim[w];
        _threads = new Thread[w];
        for (int b = 1; b < w; b++)
        {
            _go[b] = new SemaphoreSlim(0);
            int block = b;
            _threads[b] = new Thread(() => WorkerLoop(block)) { IsBackground = true, Name = $"Bellman vector env worker {b}" };
            _threads[b].Start();
        }
    }

    /// <summary>Creates <paramref name="numEnvs"/> environments from one factory.</summary>
    public ThreadedVectorEnvironment(Func<IEnvironment> factory, int numEnvs, int? workers = null)
        : this(SyncVectorEnvironment.Repeat(factory, numEnvs), workers) { }

    /// <summary>The number of threads stepping environments, the caller's included.</summary>
    public int Workers { get; }

    /// <inheritdoc/>
    protected override void Execute()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int others = Workers - 1;
        if (others > 0)
        {
            Volatile.Write(ref _pending, others);
            for (int b = 1; b < Workers; b++) _go[b].Release();
        }
        RunBlock(0);
        if (others > 0) WaitForWorkers();
        for (int b = 0; b < Workers; b++)
        {
            if (_errors[b] is Exception e)
            {
                Array.Clear(_errors);
                ExceptionDispatchInfo.Capture(e).Throw();
            }
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (_disposed) return;
        _disposed = true;
        _stopping = true;
        for (int b = 1; b < Workers; b++) _go[b].Release();
        for (int b = 1; b < Workers; b++) _threads[b].Join();
        for (int b = 1; b < Workers; b++) _go[b].Dispose();
        _done.Dispose();
    }

    /// <summary>
    /// Waits until every worker has finished its block (<c>_pending</c> reaches 0). A set of <c>_done</c>
    /// left over from a previous step only causes one extra check, never an early return.
    /// </summary>
    private void WaitForWorkers()
    {
        var spin = new SpinWait();
        for (int k = 0; k < SpinIterations && Volatile.Read(ref _pending) != 0; k++) spin.SpinOnce(sleep1Threshold: -1);
        while (Volatile.Read(ref _pending) != 0)
        {
            _done.Wait();
            _done.Reset();
        }
    }

    private void WorkerLoop(int block)
    {
        var go = _go[block];
        while (true)
        {
            var spin = new SpinWait();
            bool started = false;
            for (int k = 0; k < SpinIterations && !(started = go.Wait(0)); k++) spin.SpinOnce(sleep1Threshold: -1);
            if (!started) go.Wait();
            if (_stopping) return;
            RunBlock(block);
            if (Interlocked.Decrement(ref _pending) == 0) _done.Set();
        }
    }

    private void RunBlock(int block)
    {
        try
        {
            ExecuteRows(_blockStart[block], _blockStart[block + 1]);
        }
        catch (Exception e)
        {
            _errors[block] = e;
        }
    }
}
