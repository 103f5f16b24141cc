using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Bellman.Algorithms.Training;

/// <summary>
/// One background thread that runs one piece of work at a time for the off-policy loop: the training phase, while
/// the loop's own thread collects (<c>overlap_collection</c>). <see cref="Start"/> hands it the work and
/// <see cref="Wait"/> returns when the work is done, rethrowing what it threw. A phase lasts from a fraction of a
/// millisecond to a few, so the caller spins for up to 5 ms and the thread for up to 1 ms before they block. With one
/// processor (or <see cref="Serial"/>) there is no thread: <see cref="Start"/> runs the work at once, which gives the
/// same results, since the work shares nothing with what the caller does before <see cref="Wait"/>.
/// </summary>
internal sealed class BackgroundPhase : IDisposable
{
    private const int Idle = 0, Posted = 1, Done = 2, Stopping = 3;
    // A blocked thread of a virtual machine can take hundreds of microseconds to wake (measured: with the caller
    // spinning 100 µs instead of 5 ms, overlap-quick's DQN ran 2× slower), so both sides spin through a usual phase.
    private static readonly long s_workerSpinTicks = Stopwatch.Frequency / 1_000;
    private static readonly long s_callerSpinTicks = Stopwatch.Frequency / 200;

    private readonly ManualResetEventSlim _posted = new(false), _done = new(false);
    private readonly bool _serial;
    private Thread? _thread;
    private Action? _work;
    private Exception? _error;
    private int _state;

    /// <summary>Creates the runner; its thread starts with the first <see cref="Start"/>.</summary>
    public BackgroundPhase() => _serial = Serial || Environment.ProcessorCount < 2;

    /// <summary>Runs every phase on the caller's thread (tests compare the two ways; the results are the same).</summary>
    internal static bool Serial { get; set; }

    /// <summary>Whether the work given to <see cref="Start"/> has ended (returned or thrown).</summary>
    public bool Finished => Volatile.Read(ref _state) == Done;

    /// <summary>Starts <paramref name="work"/> (at once, on this thread, when serial).</summary>
    public void Start(Action work)
    {
        if (Volatile.Read(ref _state) != Idle) throw new InvalidOperationException("A phase is already running.");
        _error = null;
        if (_serial)
        {
            try { work(); }
            catch (Exception e) { _error = e; }
            _state = Done;
            return;
        }
        _thread ??= StartThread();
        _work = work;
        Volatile.Write(ref _state, Posted);
        _posted.Set();
    }

    /// <summary>Waits for the work given to <see cref="Start"/>; rethrows its exception.</summary>
    public void Wait()
    {
        if (!_serial)
        {
            SpinThenBlock(Done, _done, s_callerSpinTicks);
        }
        _state = Idle;
        if (_error is { } error)
        {
            _error = null;
            ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    /// <summary>Stops the thread (after the running work, if any).</summary>
    public void Dispose()
    {
        if (_thread is not null)
        {
            if (Volatile.Read(ref _state) == Posted) SpinThenBlock(Done, _done, s_callerSpinTicks);
            Volatile.Write(ref _state, Stopping);
            _posted.Set();
            _thread.Join();
            _thread = null;
        }
        _posted.Dispose();
        _done.Dispose();
    }

    private Thread StartThread()
    {
        var thread = new Thread(Body) { IsBackground = true, Name = "Bellman learner" };
        thread.Start();
        return thread;
    }

    private void Body()
    {
        while (true)
        {
            int state = SpinThenBlock(Posted, _posted, s_workerSpinTicks, orState: Stopping);
            if (state == Stopping) return;
            try { _work!(); }
            catch (Exception e) { _error = e; }
            _work = null;
            Volatile.Write(ref _state, Done);
            _done.Set();
        }
    }

    /// <summary>
    /// Waits until the state is <paramref name="state"/> (or <paramref name="orState"/>): spins for up to
    /// <paramref name="spinTicks"/>, then blocks on <paramref name="signal"/>. The state is written before the signal
    /// is set and read again after every reset, so no wake-up is lost.
    /// </summary>
    private int SpinThenBlock(int state, ManualResetEventSlim signal, long spinTicks, int orState = -1)
    {
        long until = Stopwatch.GetTimestamp() + spinTicks;
        var spin = new SpinWait();
        while (true)
        {
            int now = Volatile.Read(ref _state);
            if (now == state || now == orState) return now;
            if (Stopwatch.GetTimestamp() < until) spin.SpinOnce(sleep1Threshold: -1);
            else
            {
                signal.Wait();
                signal.Reset();
            }
        }
    }
}
