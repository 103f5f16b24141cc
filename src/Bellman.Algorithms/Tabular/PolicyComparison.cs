using Bellman.Core.Tabular;

namespace Bellman.Algorithms.Tabular;

/// <summary>How far a learned Q table is from optimal, on a known model.</summary>
/// <param name="GreedyPolicy">argmax_a Q(s,a), lowest index among exact ties.</param>
/// <param name="GreedyValues">V^greedy, the exact value of that policy.</param>
/// <param name="GreedyValueGap">max_s |V^greedy(s) - V*(s)|.</param>
/// <param name="QValueGap">max_s |max_a Q(s,a) - V*(s)|.</param>
public sealed record PolicyGap(int[] GreedyPolicy, double[] GreedyValues, double GreedyValueGap, double QValueGap);

/// <summary>Compares a learned Q table or policy to V* when the model is known.</summary>
public static class PolicyComparison
{
    /// <summary>
    /// Evaluates the greedy policy of <paramref name="q"/> on the model (iterative evaluation to
    /// <paramref name="options"/>' tolerance) and returns both max-norm distances from <paramref name="optimalValues"/>.
    /// </summary>
    /// <exception cref="DidNotConvergeException">The greedy policy's evaluation did not converge (γ = 1 and it never terminates).</exception>
    public static PolicyGap Compare(TabularModel model, ReadOnlySpan<double> q, ReadOnlySpan<double> optimalValues, DpOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        int states = model.StateCount, actions = model.ActionCount;
        BellmanOperator.CheckLength(q, states * actions, nameof(q));
        BellmanOperator.CheckLength(optimalValues, states, nameof(optimalValues));
        var policy = BellmanOperator.GreedyPolicy(q, actions);
        var greedyValues = PolicyEvaluation.Evaluate(model, policy, options).EnsureConverged().Values;
        double policyGap = 0, qGap = 0;
        for (int s = 0; s < states; s++)
        {
            policyGap = Math.Max(policyGap, Math.Abs(greedyValues[s] - optimalValues[s]));
            qGap = Math.Max(qGap, Math.Abs(BellmanOperator.Max(q.Slice(s * actions, actions)) - optimalValues[s]));
        }
        return new PolicyGap(policy, greedyValues, policyGap, qGap);
    }
}
