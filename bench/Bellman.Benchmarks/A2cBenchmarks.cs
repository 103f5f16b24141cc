using BenchmarkDotNet.Attributes;
using Bellman.Algorithms.ActorCritic;

namespace Bellman.Benchmarks;

/// <summary>
/// A2C on CartPole-v1 end to end (8 synchronous environments, 5-step rollouts, 64-64 tanh networks,
/// RMSprop, one gradient step per 40 environment steps, no evaluation): each invocation builds a fresh
/// seeded run and trains it for 100,000 environment steps (2,500 updates), construction included.
/// One operation = one environment step: steps/s = 1e9 / Mean(ns).
/// </summary>
[MemoryDiagnoser]
public class A2cBenchmarks
{
    private const int Steps = 100_000;

    /// <summary>Two networks or one shared trunk.</summary>
    [Params(false, true)]
    public bool Shared { get; set; }

    /// <summary>Trains a fresh run for 100,000 environment steps.</summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public long Train()
    {
        var options = new A2cOptions { NumEnvs = 8, NSteps = 5, TotalSteps = Steps, EvalFrequency = 0, Shared = Shared, LogInterval = Steps };
        using var run = new A2c("CartPole-v1", options);
        return run.Learn().State.Updates;
    }
}
