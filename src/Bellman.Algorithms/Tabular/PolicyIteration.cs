using System.Globalization;
using Bellman.Core.Tabular;

namespace Bellman.Algorithms.Tabular;

/// <summary>How policy iteration evaluates each policy.</summary>
public enum EvaluationMethod
{
    /// <summary>Iterative sweeps (synchronous or in place per <see cref="DpOptions.Sweep"/>), warm-started from the previous V.</summary>
    Iterative,

    /// <summary>The exact linear solve (I - γ P_π) V = r_π (dense; small MDPs only).</summary>
    Exact,
}

/// <summary>
/// Policy iteration with dynamic programming, as in the lecture:
/// <code>
/// 1. evaluate V^π(s) ← r(s,π(s)) + γ E_{s'~p(s'|s,π(s))}[V^π(s')]
/// 2. set π ← π',  π'(s) = argmax_a A^π(s,a) = argmax_a Q^π(s,a),  Q^π(s,a) = r(s,a) + γ E[V^π(s')]
/// </code>
/// until π' = π. The improvement keeps the current action whenever it is among the maximisers (within
/// <see cref="DpOptions.TieTolerance"/>) and otherwise takes the lowest maximising index, so the policy
/// only changes on a strict improvement and the iteration cannot cycle between equally good policies.
/// </summary>
public static class PolicyIteration
{
    /// <summary>The cap on evaluate–improve rounds.</summary>
    public const int MaxImprovements = 10_000;

    /// <summary>Runs policy iteration from <paramref name="initialPolicy"/> (all zeros when empty).</summary>
    /// <param name="model">The known MDP.</param>
    /// <param name="options">γ, evaluation tolerance and cap, sweep kind, tie tolerance.</param>
    /// <param name="evaluation">Iterative sweeps or the exact linear solve.</param>
    /// <param name="initialPolicy">π_0(s); with γ = 1 it must terminate from every state for the evaluation to converge.</param>
    public static PolicyIterationResult Run(TabularModel model, DpOptions options, EvaluationMethod evaluation = EvaluationMethod.Iterative, ReadOnlySpan<int> initialPolicy = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int states = model.StateCount, actions = model.ActionCount;
        var policy = new int[states];
        if (!initialPolicy.IsEmpty)
        {
            BellmanOperator.OneHot(initialPolicy, states, actions); // validates
            initialPolicy.CopyTo(policy);
        }
        var q = new double[states * actions];
        double[] v = new double[states];
        long sweeps = 0;
        for (int round = 1; round <= MaxImprovements; round++)
        {
            PolicyEvaluationResult evaluated;
            try
            {
                evaluated = evaluation == EvaluationMethod.Exact
                    ? PolicyEvaluation.Solve(model, policy, options.Gamma)
                    : PolicyEvaluation.Evaluate(model, policy, options, v);
            }
            catch (InvalidOperationException singular)
            {
                return new PolicyIterationResult(v, q, policy, round, sweeps, false, $"did not converge: round {round}: {singular.Message}");
            }
            v = evaluated.Values;
            sweeps += evaluated.Iterations;
            BellmanOperator.ActionValues(model, v, options.Gamma, q);
            if (!evaluated.Converged)
                return new PolicyIterationResult(v, q, policy, round, sweeps, false, $"did not converge: the evaluation of round {round} {evaluated.Status}");
            // Q^π is known only to the evaluation's accuracy: |V_k - V^π| ≤ γ·residual/(1 - γ), so two Q values
            // closer than twice γ times that cannot be told apart and count as tied (0 for the exact solve).
            double slack = options.Gamma < 1 ? 2 * options.Gamma * options.Gamma * evaluated.Residual / (1 - options.Gamma) : 0;
            if (!Improve(q, actions, policy, options.TieTolerance, slack))
            {
                string status = string.Create(CultureInfo.InvariantCulture, $"stable after {round} rounds ({sweeps} evaluation sweeps)");
                return new PolicyIterationResult(v, q, policy, round, sweeps, true, status);
            }
        }
        return new PolicyIterationResult(v, q, policy, MaxImprovements, sweeps, false,
            $"did not converge: the policy still changed after {MaxImprovements} rounds; raise TieTolerance or tighten Tolerance");
    }

    /// <summary>
    /// The improvement step π'(s) = argmax_a Q(s,a), keeping π(s) when it is a maximiser and otherwise
    /// taking the lowest maximising index. Maximisers are the actions within
    /// <c>tieTolerance · max(1, |max_a Q|) + slack</c> of the maximum. Returns whether any action changed.
    /// </summary>
    public static bool Improve(ReadOnlySpan<double> q, int actionCount, Span<int> policy, double tieTolerance, double slack = 0)
    {
        if (q.Length != policy.Length * actionCount)
            throw new ArgumentException($"The Q table has {q.Length} entries; {policy.Length} states × {actionCount} actions need {policy.Length * actionCount}.", nameof(q));
        bool changed = false;
        for (int s = 0; s < policy.Length; s++)
        {
            var row = q.Slice(s * actionCount, actionCount);
            double max = BellmanOperator.Max(row);
            double threshold = max - BellmanOperator.TieWidth(max, tieTolerance) - slack;
            if (row[policy[s]] >= threshold) continue;
            int best = 0;
            while (row[best] < threshold) best++;
            policy[s] = best;
            changed = true;
        }
        return changed;
    }
}
