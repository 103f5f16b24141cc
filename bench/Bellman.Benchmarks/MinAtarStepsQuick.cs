using Bellman.Core.Random;
using Bellman.Environments.MinAtar;

namespace Bellman.Benchmarks;

/// <summary>
/// <c>minatar-steps</c>: the <see cref="MinAtarBenchmarks"/> loop (v0 ids, all six actions, sticky actions and
/// difficulty ramping, random precomputed actions, a reset whenever an episode ends, the observation written every
/// step) timed in this thread's CPU time for each game, so that it can be set beside MinAtar's Python timed the same
/// way (<c>env.act(a)</c> then <c>env.state()</c>, <c>time.process_time()</c>) in the same minutes.
/// </summary>
public static class MinAtarStepsQuick
{
    private const int Steps = 100_000;

    /// <summary>Prints the median nanoseconds per step of each game, or only of the game named <paramref name="only"/>.</summary>
    public static void Run(TextWriter output, string? only = null)
    {
        var games = MinAtarRegistration.Games.Where(g => only is null || string.Equals(g.Name, only, StringComparison.OrdinalIgnoreCase)).ToList();
        if (games.Count == 0)
        {
            output.WriteLine($"no MinAtar game '{only}'; the games are {string.Join(", ", MinAtarRegistration.Games.Select(g => g.Name))}");
            return;
        }
        output.WriteLine("game            ns/step (median of 9 rounds of 100k steps, thread CPU time)");
        foreach (var game in games)
        {
            var env = new MinAtarEnvironment(game.Create(true), minimalActionSet: false);
            env.Reset(0);
            var rng = new Rng(42);
            var actions = new int[Steps];
            for (int i = 0; i < Steps; i++) actions[i] = rng.NextInt(6);
            double seconds = QuickTiming.MedianSeconds(() =>
            {
                for (int i = 0; i < actions.Length; i++)
                    if (env.Step(actions[i]).Terminated) env.Reset();
            }, calls: 1, rounds: 9, warmupCalls: 2);
            output.WriteLine($"{game.Name,-15} {seconds / Steps * 1e9,8:F0}");
        }
    }
}
