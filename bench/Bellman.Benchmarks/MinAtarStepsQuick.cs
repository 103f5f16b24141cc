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

    /// <summary>Prints the median nanoseconds per step of each game, or only of the game named <paramref name="only"/>; false for an unknown name.</summary>
    public static bool Run(TextWriter output, string? only = null)
    {
        var games = MinAtarRegistration.Games.Where(g => only is null || string.Equals(g.Name, only, StringComparison.OrdinalIgnoreCase)).ToList();
        if (games.Count == 0)
        {
            output.WriteLine($"no MinAtar game '{only}'; the games are {string.Join(", ", MinAtarRegistration.Games.Select(g => g.Name))}");
            return false;
        }
        output.WriteLine("game            ns/step (median of 9 rounds of 100k steps, thread CPU time)");
        var rows = games.Select(g => (g.Name, Create: g.Create)).ToList();
        if (only is null) rows.Add(("(no rules)", _ => new NoRules()));
        foreach (var game in rows)
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
        return true;
    }

    /// <summary>
    /// A game without rules, for the floor of the environment's own work: the sticky draw, the action checks, the calls
    /// into the game and one cell of state written over the previous one per step; its episodes end after 50 steps.
    /// </summary>
    private sealed class NoRules() : MinAtarGame("no_rules", ["a", "b", "c", "d"], "abcd", [MinAtarAction.Noop])
    {
        private int _t;

        public override void Reset()
        {
            _t = 0;
            Terminal = false;
        }

        protected override void SaveStateCore(BinaryWriter writer) => writer.Write(_t);

        protected override void RestoreStateCore(BinaryReader reader) => _t = reader.ReadInt32();

        protected override int ActCore(MinAtarAction action)
        {
            Terminal = ++_t == 50;
            return 0;
        }

        protected override void WriteStateCore(Span<float> state) => Set(state, _t % Size, 3, 1);
    }
}
