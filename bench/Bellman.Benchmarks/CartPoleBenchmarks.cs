using BenchmarkDotNet.Attributes;
using Bellman.Core.Random;
using Bellman.Environments.ClassicControl;

namespace Bellman.Benchmarks;

/// <summary>
/// CartPole-v1 steps per second on one core, through the public <c>Step(int)</c> (with the base class's
/// checks), with random precomputed actions and a reset whenever the pole falls. Steps/s = 1e9 / Mean(ns).
/// </summary>
[MemoryDiagnoser]
public class CartPoleBenchmarks
{
    private const int Steps = 1 << 16;
    private CartPole _env = null!;
    private int[] _actions = null!;

    [GlobalSetup]
    public void Setup()
    {
        _env = new CartPole();
        _env.Reset(0);
        var rng = new Rng(42);
        _actions = new int[Steps];
        for (int i = 0; i < Steps; i++) _actions[i] = rng.NextInt(2);
    }

    /// <summary>One operation = one environment step (resets included in the cost).</summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public int Step()
    {
        var env = _env;
        int[] actions = _actions;
        int episodes = 0;
        for (int i = 0; i < actions.Length; i++)
        {
            if (env.Step(actions[i]).Terminated)
            {
                env.Reset();
                episodes++;
            }
        }
        return episodes;
    }
}
