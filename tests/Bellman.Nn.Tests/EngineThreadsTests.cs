using Xunit;

namespace Bellman.Nn.Tests;

/// <summary>The engine's own threads: every share runs exactly once per call, whatever the timing.</summary>
[Collection(EngineThreadsCollection.Name)]
public sealed class EngineThreadsTests
{
    [Fact]
    public void EveryShareRunsOnceAcrossBusyAndSleepingWorkers()
    {
        // Calls back to back (the workers spinning), then after pauses longer than their spin (the workers asleep).
        var counts = new int[4];
        for (int call = 0; call < 400; call++)
        {
            int shares = 2 + call % 3;
            Array.Clear(counts);
            EngineThreads.For(shares, w => Interlocked.Increment(ref counts[w]));
            for (int w = 0; w < counts.Length; w++) Assert.Equal(w < shares ? 1 : 0, counts[w]);
            if (call % 50 == 49) Thread.Sleep(5);
        }
    }

    [Fact]
    public void MoreSharesThanProcessorsStillRunEachOnce()
    {
        int shares = 3 * Environment.ProcessorCount + 1;
        var counts = new int[shares];
        for (int call = 0; call < 50; call++)
        {
            Array.Clear(counts);
            EngineThreads.For(shares, w => Interlocked.Increment(ref counts[w]));
            Assert.All(counts, c => Assert.Equal(1, c));
        }
    }

    [Fact]
    public void ANestedCallAndAConcurrentCallerRunInline()
    {
        int inner = 0;
        EngineThreads.For(2, _ => EngineThreads.For(3, _ => Interlocked.Increment(ref inner)));
        Assert.Equal(6, inner);

        int total = 0;
        var callers = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < 200; i++) EngineThreads.For(2, _ => Interlocked.Increment(ref total));
        })).ToArray();
        foreach (var t in callers) t.Start();
        foreach (var t in callers) t.Join();
        Assert.Equal(4 * 200 * 2, total);
    }

    [Fact]
    public void AFailingShareIsReportedToTheCaller()
    {
        var error = Assert.ThrowsAny<Exception>(() => EngineThreads.For(2, w =>
        {
            if (w == 1 || Environment.ProcessorCount < 2) throw new InvalidOperationException("share failed");
        }));
        Assert.Contains("share failed", error.ToString());
        int after = 0;
        EngineThreads.For(2, _ => Interlocked.Increment(ref after));
        Assert.Equal(2, after);
    }
}
