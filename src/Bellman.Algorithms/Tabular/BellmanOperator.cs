using System.Runtime.CompilerServices;
using Bellman.Core.Tabular;

namespace Bellman.Algorithms.Tabular;

/// <summary>
/// The one-step backups of dynamic programming on a known model, as pure functions:
/// Q(s,a) = r(s,a) + γ E_{s'~p(s'|s,a)}[V(s')], the greedy policy argmax_a Q(s,a) and the Bellman residual.
/// An outcome flagged terminated contributes its reward only: Q(s,a) = Σ_k p_k [r_k + γ (1 - term_k) V(s'_k)],
/// exactly as Gymnasium-based value iteration computes it.
/// </summary>
public static class BellmanOperator
{
    /// <summary>Q(s,a) = Σ_k p_k [r_k + γ (1 - term_k) V(s'_k)] for one state–action pair.</summary>
    public static double ActionValue(TabularModel model, int state, int action, ReadOnlySpan<double> values, double gamma)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckLength(values, model.StateCount, nameof(values));
        if ((uint)state >= (uint)model.StateCount) throw new ArgumentOutOfRangeException(nameof(state), state, $"The model has states 0..{model.StateCount - 1}.");
        if ((uint)action >= (uint)model.ActionCount) throw new ArgumentOutOfRangeException(nameof(action), action, $"The model has actions 0..{model.ActionCount - 1}.");
        return new ModelSpans(model).Backup(state * model.ActionCount + action, values, gamma);
    }

    /// <summary>Q(s,a) = r(s,a) + γ E[V(s')] for every pair, written row-major into <paramref name="destination"/> [s*A + a].</summary>
    public static void ActionValues(TabularModel model, ReadOnlySpan<double> values, double gamma, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckLength(values, model.StateCount, nameof(values));
        CheckLength(destination, model.StateCount * model.ActionCount, nameof(destination));
        var m = new ModelSpans(model);
        for (int sa = 0; sa < destination.Length; sa++) destination[sa] = m.Backup(sa, values, gamma);
    }

    /// <summary>Q(s,a) = r(s,a) + γ E[V(s')] for every pair, in a new array.</summary>
    public static double[] ActionValues(TabularModel model, ReadOnlySpan<double> values, double gamma)
    {
        ArgumentNullException.ThrowIfNull(model);
        var q = new double[model.StateCount * model.ActionCount];
        ActionValues(model, values, gamma, q);
        return q;
    }

    /// <summary>The Bellman optimality residual max_s |V(s) - max_a (r(s,a) + γ E[V(s')])|.</summary>
    public static double Residual(TabularModel model, ReadOnlySpan<double> values, double gamma)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckLength(values, model.StateCount, nameof(values));
        var m = new ModelSpans(model);
        int actions = model.ActionCount;
        double worst = 0;
        for (int s = 0; s < model.StateCount; s++)
        {
            double best = double.NegativeInfinity;
            for (int a = 0; a < actions; a++) best = Math.Max(best, m.Backup(s * actions + a, values, gamma));
            worst = Math.Max(worst, Math.Abs(values[s] - best));
        }
        return worst;
    }

    /// <summary>
    /// The index of the largest element, taking the lowest index among the elements within
    /// <c>tieTolerance · max(1, |max|)</c> of the maximum.
    /// </summary>
    public static int ArgMax(ReadOnlySpan<double> row, double tieTolerance = 0)
    {
        if (row.IsEmpty) throw new ArgumentException("ArgMax of an empty row.", nameof(row));
        double max = Max(row);
        double threshold = max - TieWidth(max, tieTolerance);
        for (int a = 0; a < row.Length; a++) if (row[a] >= threshold) return a;
        return 0; // only when every element is NaN
    }

    /// <summary>The greedy policy π(s) = argmax_a Q(s,a) (lowest index among ties) of a row-major Q table.</summary>
    public static void GreedyPolicy(ReadOnlySpan<double> q, int actionCount, Span<int> destination, double tieTolerance = 0)
    {
        CheckTable(q, actionCount, destination.Length);
        for (int s = 0; s < destination.Length; s++) destination[s] = ArgMax(q.Slice(s * actionCount, actionCount), tieTolerance);
    }

    /// <summary>The greedy policy of a row-major Q table, in a new array.</summary>
    public static int[] GreedyPolicy(ReadOnlySpan<double> q, int actionCount, double tieTolerance = 0)
    {
        if (actionCount <= 0) throw new ArgumentOutOfRangeException(nameof(actionCount), actionCount, "actionCount must be positive.");
        var policy = new int[q.Length / actionCount];
        GreedyPolicy(q, actionCount, policy, tieTolerance);
        return policy;
    }

    /// <summary>For every state, the set of maximising actions (within the tie tolerance), in increasing order.</summary>
    public static int[][] Ties(ReadOnlySpan<double> q, int actionCount, double tieTolerance = 0)
    {
        if (actionCount <= 0) throw new ArgumentOutOfRangeException(nameof(actionCount), actionCount, "actionCount must be positive.");
        int states = q.Length / actionCount;
        CheckTable(q, actionCount, states);
        var ties = new int[states][];
        var buffer = new List<int>(actionCount);
        for (int s = 0; s < states; s++)
        {
            var row = q.Slice(s * actionCount, actionCount);
            double max = Max(row);
            double threshold = max - TieWidth(max, tieTolerance);
            buffer.Clear();
            for (int a = 0; a < actionCount; a++) if (row[a] >= threshold) buffer.Add(a);
            ties[s] = [.. buffer];
        }
        return ties;
    }

    /// <summary>
    /// A state from which the chain of a policy never reaches a terminating outcome (then, with γ = 1,
    /// V^π need not exist and iterative evaluation need not converge), or -1 when the policy is proper.
    /// <paramref name="policyProbabilities"/> is π(a|s) row-major [s*A + a]; actions with π(a|s) = 0 are ignored.
    /// </summary>
    public static int FirstNonTerminatingState(TabularModel model, ReadOnlySpan<double> policyProbabilities)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckLength(policyProbabilities, model.StateCount * model.ActionCount, nameof(policyProbabilities));
        // States that can reach termination: the backward closure of the states with a terminating outcome.
        int states = model.StateCount, actions = model.ActionCount;
        var m = new ModelSpans(model);
        var reaches = new bool[states];
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int s = 0; s < states; s++)
            {
                if (reaches[s]) continue;
                for (int a = 0; a < actions && !reaches[s]; a++)
                {
                    if (!(policyProbabilities[s * actions + a] > 0)) continue;
                    for (int k = m.Offsets[s * actions + a]; k < m.Offsets[s * actions + a + 1]; k++)
                    {
                        if (m.Probabilities[k] > 0 && (m.Terminated[k] || reaches[m.NextStates[k]]))
                        {
                            reaches[s] = true;
                            changed = true;
                            break;
                        }
                    }
                }
            }
        }
        return Array.IndexOf(reaches, false);
    }

    /// <summary>
    /// A state from which some policy can avoid termination forever (the greatest set of states in which
    /// every state has an action whose outcomes all stay in the set without terminating), or -1 when every
    /// policy terminates. With γ = 1 such a policy makes the values of value iteration possibly unbounded.
    /// </summary>
    public static int FirstStateWithNonTerminatingPolicy(TabularModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int states = model.StateCount, actions = model.ActionCount;
        var m = new ModelSpans(model);
        var inSet = new bool[states];
        Array.Fill(inSet, true);
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int s = 0; s < states; s++)
            {
                if (!inSet[s]) continue;
                bool canStay = false;
                for (int a = 0; a < actions && !canStay; a++)
                {
                    canStay = true;
                    for (int k = m.Offsets[s * actions + a]; k < m.Offsets[s * actions + a + 1]; k++)
                    {
                        if (m.Probabilities[k] > 0 && (m.Terminated[k] || !inSet[m.NextStates[k]])) { canStay = false; break; }
                    }
                }
                if (!canStay)
                {
                    inSet[s] = false;
                    changed = true;
                }
            }
        }
        return Array.IndexOf(inSet, true);
    }

    /// <summary>π(a|s) as a one-hot row-major table for a deterministic policy, after checking every action is valid.</summary>
    public static double[] OneHot(ReadOnlySpan<int> policy, int stateCount, int actionCount)
    {
        CheckLength(policy, stateCount, nameof(policy));
        var pi = new double[stateCount * actionCount];
        for (int s = 0; s < stateCount; s++)
        {
            if ((uint)policy[s] >= (uint)actionCount)
                throw new ArgumentException($"policy[{s}] = {policy[s]} is not an action; valid actions are 0..{actionCount - 1}.", nameof(policy));
            pi[s * actionCount + policy[s]] = 1.0;
        }
        return pi;
    }

    /// <summary>Checks that π(a|s) is a row-major table of probability rows of the model's shape.</summary>
    public static void ValidatePolicy(ReadOnlySpan<double> policyProbabilities, int stateCount, int actionCount)
    {
        CheckLength(policyProbabilities, stateCount * actionCount, nameof(policyProbabilities));
        for (int s = 0; s < stateCount; s++)
        {
            double total = 0;
            for (int a = 0; a < actionCount; a++)
            {
                double p = policyProbabilities[s * actionCount + a];
                if (!(p >= 0) || !double.IsFinite(p))
                    throw new ArgumentException($"π(a={a}|s={s}) = {p} is not a probability.", nameof(policyProbabilities));
                total += p;
            }
            if (Math.Abs(total - 1.0) > 1e-9)
                throw new ArgumentException($"π(·|s={s}) sums to {total}, not 1.", nameof(policyProbabilities));
        }
    }

    internal static double TieWidth(double max, double tieTolerance) => tieTolerance * Math.Max(1.0, Math.Abs(max));

    internal static double Max(ReadOnlySpan<double> row)
    {
        double max = double.NegativeInfinity;
        foreach (double x in row) if (x > max) max = x;
        return max;
    }

    internal static void CheckLength<T>(ReadOnlySpan<T> span, int expected, string name)
    {
        if (span.Length != expected) throw new ArgumentException($"{name} has {span.Length} entries; the model needs {expected}.", name);
    }

    private static void CheckTable(ReadOnlySpan<double> q, int actionCount, int states)
    {
        if (actionCount <= 0) throw new ArgumentOutOfRangeException(nameof(actionCount), actionCount, "actionCount must be positive.");
        if (q.Length != states * actionCount)
            throw new ArgumentException($"The Q table has {q.Length} entries; {states} states × {actionCount} actions need {states * actionCount}.", nameof(q));
    }
}

/// <summary>The CSR arrays of a <see cref="TabularModel"/>, fetched once for a hot loop.</summary>
internal readonly ref struct ModelSpans(TabularModel model)
{
    public readonly ReadOnlySpan<int> Offsets = model.Offsets;
    public readonly ReadOnlySpan<double> Probabilities = model.Probabilities;
    public readonly ReadOnlySpan<int> NextStates = model.NextStates;
    public readonly ReadOnlySpan<double> Rewards = model.Rewards;
    public readonly ReadOnlySpan<bool> Terminated = model.Terminated;

    /// <summary>Σ_k p_k [r_k + γ (1 - term_k) V(s'_k)] over the outcomes of pair <paramref name="sa"/> = s*A + a, in Gymnasium's order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Backup(int sa, ReadOnlySpan<double> values, double gamma)
    {
        double sum = 0;
        int end = Offsets[sa + 1];
        for (int k = Offsets[sa]; k < end; k++)
        {
            double target = Terminated[k] ? Rewards[k] : Rewards[k] + gamma * values[NextStates[k]];
            sum += Probabilities[k] * target;
        }
        return sum;
    }
}
