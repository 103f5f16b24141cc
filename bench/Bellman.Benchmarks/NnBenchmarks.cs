using BenchmarkDotNet.Attributes;
using Bellman.Cli.Diagnostics;

namespace Bellman.Benchmarks;

/// <summary>
/// The network engine at RL sizes (<see cref="DqnStepWorkload"/>): one DQN gradient step (batch 64,
/// MLP 4-256-256-2, Huber vs target max, clip 10, Adam) and one greedy action. Both must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class NnBenchmarks
{
    private DqnStepWorkload _workload = null!;

    /// <summary>Builds the workload.</summary>
    [GlobalSetup]
    public void Setup() => _workload = new DqnStepWorkload();

    /// <summary>One full gradient step.</summary>
    [Benchmark]
    public float DqnGradStep() => _workload.GradStep();

    /// <summary>argmax_a Q(s, a) for one observation.</summary>
    [Benchmark]
    public int GreedyAction() => _workload.GreedyAction();
}
