using Bellman.Core.Tabular;

namespace Bellman.Algorithms.Tests.Tabular;

/// <summary>Hand-made MDPs with values computed by hand.</summary>
public static class SmallMdps
{
    public static TabularModel FromTable(int states, int actions, Dictionary<(int S, int A), Outcome[]> table, int start = 0)
    {
        var initial = new double[states];
        initial[start] = 1;
        return new TabularModel(states, actions, (s, a) => table[(s, a)], initial);
    }

    /// <summary>
    /// Two states, one action. s0: reward 1, stays with 0.5, goes to s1 with 0.5. s1: reward 2, terminates
    /// with 0.5 (reward 2 on that outcome too), stays with 0.5.
    /// V1 = 2 + γ 0.5 V1 → V1 = 2 / (1 - γ/2); V0 = 1 + γ (0.5 V0 + 0.5 V1) → V0 = (1 + γ V1 / 2) / (1 - γ/2).
    /// </summary>
    public static TabularModel TwoStateChain() => FromTable(2, 1, new()
    {
        [(0, 0)] = [new(0.5, 0, 1, false), new(0.5, 1, 1, false)],
        [(1, 0)] = [new(0.5, 1, 2, true), new(0.5, 1, 2, false)],
    });

    /// <summary>
    /// Three states, two actions: a "safe" action 0 moves right with reward -1 (s2 → terminates with +10);
    /// action 1 in s0 jumps straight to termination with reward 5; elsewhere action 1 stays with reward -2.
    /// With γ = 0.9: V*(s2) = 10, V*(s1) = -1 + 9 = 8, V*(s0) = max(-1 + 7.2, 5) = 6.2.
    /// </summary>
    public static TabularModel ThreeStateLine() => FromTable(3, 2, new()
    {
        [(0, 0)] = [new(1, 1, -1, false)],
        [(0, 1)] = [new(1, 0, 5, true)],
        [(1, 0)] = [new(1, 2, -1, false)],
        [(1, 1)] = [new(1, 1, -2, false)],
        [(2, 0)] = [new(1, 2, 10, true)],
        [(2, 1)] = [new(1, 2, -2, false)],
    });

    /// <summary>One state, two actions: action 0 loops forever with reward -1, action 1 terminates with reward 0.</summary>
    public static TabularModel LoopOrExit() => FromTable(1, 2, new()
    {
        [(0, 0)] = [new(1, 0, -1, false)],
        [(0, 1)] = [new(1, 0, 0, true)],
    });

    /// <summary>One state, one action, a reward-free loop that never terminates.</summary>
    public static TabularModel ZeroRewardLoop() => FromTable(1, 1, new()
    {
        [(0, 0)] = [new(1, 0, 0, false)],
    });
}
