using BenchmarkDotNet.Attributes;
using Bellman.Core.Random;
using Bellman.Environments.MinAtar;

namespace Bellman.Benchmarks;

/// <summary>
/// MinAtar environment steps per second on one core, per game, through the public <c>Step(int)</c> of the
/// v0 id (all six actions, sticky actions p = 0.1, difficulty ramping): the sticky draw, the game's rules
/// and the (10, 10, C) float observation written every step, with random precomputed actions and a reset
/// whenever the episode ends. Steps/s = 1e9 / Mean(ns).
/// </summary>
[MemoryDiagnoser]
public class MinAtarBenchmarks
{
    private const int Steps = 1 << 14;
    private MinAtarEnvironment _env = null!;
    private int[] _actions = null!;

    /// <summary>The game, by its registered name.</summary>
    [Params("Asterix", "Breakout", "Freeway", "Seaquest", "SpaceInvaders")]
    public string Game { get; set; } = "Breakout";

    [GlobalSetup]
    public void Setup()
    {
        var create = MinAtarRegistration.Games.Single(g => g.Name == Game).Create;
        _env = new MinAtarEnvironment(create(true), minimalActionSet: false);
        _env.Reset(0);
        var rng = new Rng(42);
        _actions = new int[Steps];
        for (int i = 0; i < Steps; i++) _actions[i] = rng.NextInt(6);
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
