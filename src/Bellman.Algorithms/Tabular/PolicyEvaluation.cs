using System.Globalization;
using Bellman.Core.Tabular;

namespace Bellman.Algorithms.Tabular;

/// <summary>
/// Policy evaluation by dynamic programming (the lecture's bootstrapped update with a known model):
/// <code>
/// V^π(s) ← Σ_a π(a|s) [ r(s,a) + γ Σ_s' p(s'|s,a) V^π(s') ]
/// deterministic π:  V^π(s) ← r(s,π(s)) + γ E_{s'~p(s'|s,π(s))}[V^π(s')]
/// </code>
/// repeated until max_s |V_{k+1}(s) - V_k(s)| &lt; tol or the sweep cap; and the exact solution of the
/// linear system (I - γ P_π) V = r_π. Outcomes flagged terminated contribute r only.
/// </summary>
public static class PolicyEvaluation
{
    /// <summary>Evaluates a deterministic policy π(s) = a by iterative sweeps (synchronous or in place, per <paramref name="options"/>).</summary>
    /// <param name="model">The known MDP.</param>
    /// <param name="policy">π(s) for every state.</param>
    /// <param name="options">γ, tolerance, sweep cap and sweep kind.</param>
    /// <param name="initialValues">V_0 (all zeros when empty).</param>
    public static PolicyEvaluationResult Evaluate(TabularModel model, ReadOnlySpan<int> policy, DpOptions options, ReadOnlySpan<double> initialValues = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Evaluate(model, BellmanOperator.OneHot(policy, model.StateCount, model.ActionCount), options, initialValues);
    }

    /// <summary>Evaluates a stochastic policy π(a|s), given row-major [s*A + a], by iterative sweeps.</summary>
    /// <param name="model">The known MDP.</param>
    /// <param name="policyProbabilities">π(a|s) row-major; every row sums to 1.</param>
    /// <param name="options">γ, tolerance, sweep cap and sweep kind.</param>
    /// <param name="initialValues">V_0 (all zeros when empty).</param>
    public static PolicyEvaluationResult Evaluate(TabularModel model, ReadOnlySpan<double> policyProbabilities, DpOptions options, ReadOnlySpan<double> initialValues = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int states = model.StateCount, actions = model.ActionCount;
        BellmanOperator.ValidatePolicy(policyProbabilities, states, actions);
        var v = new double[states];
        if (!initialValues.IsEmpty)
        {
            BellmanOperator.CheckLength(initialValues, states, nameof(initialValues));
            initialValues.CopyTo(v);
        }
        var next = options.Sweep == SweepKind.Synchronous ? new double[states] : v;
        double gamma = options.Gamma, delta = double.PositiveInfinity;
        int sweep = 0;
        var m = new ModelSpans(model);
        while (sweep < options.MaxIterations)
        {
            sweep++;
            delta = 0;
            for (int s = 0; s < states; s++)
            {
                double value = 0;
                for (int a = 0; a < actions; a++)
                {
                    double p = policyProbabilities[s * actions + a];
                    if (p != 0) value += p * m.Backup(s * actions + a, v, gamma);
                }
                delta = Math.Max(delta, Math.Abs(value - v[s]));
                next[s] = value;
            }
            if (options.Sweep == SweepKind.Synchronous) (v, next) = (next, v);
            if (delta < options.Tolerance || !double.IsFinite(delta)) break;
        }
        bool converged = delta < options.Tolerance;
        string status = converged
            ? string.Create(CultureInfo.InvariantCulture, $"converged after {sweep} sweeps (max |ΔV| = {delta:G3} < {options.Tolerance:G3})")
            : NotConvergedStatus(sweep, delta, options, BellmanOperator.FirstNonTerminatingState(model, policyProbabilities), "the policy");
        return new PolicyEvaluationResult(v, sweep, delta, converged, status);
    }

    /// <summary>
    /// Solves (I - γ P_π) V = r_π exactly by dense Gaussian elimination with partial pivoting, where
    /// P_π(s,s') = Σ_a π(a|s) Σ_{k: s'_k = s', not term_k} p_k and r_π(s) = Σ_a π(a|s) r(s,a). O(|S|³): for small MDPs.
    /// </summary>
    public static PolicyEvaluationResult Solve(TabularModel model, ReadOnlySpan<int> policy, double gamma)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Solve(model, BellmanOperator.OneHot(policy, model.StateCount, model.ActionCount), gamma);
    }

    /// <summary>Solves (I - γ P_π) V = r_π exactly for a stochastic policy π(a|s) (row-major [s*A + a]).</summary>
    /// <exception cref="InvalidOperationException">The system is singular: with γ = 1 the policy never terminates from some state.</exception>
    public static PolicyEvaluationResult Solve(TabularModel model, ReadOnlySpan<double> policyProbabilities, double gamma)
    {
        ArgumentNullException.ThrowIfNull(model);
        DpOptions.ValidateGamma(gamma);
        int states = model.StateCount, actions = model.ActionCount;
        if (states > 5000) throw new ArgumentException($"The exact solve is dense O(|S|³); {states} states is too many (at most 5000). Use Evaluate.", nameof(model));
        BellmanOperator.ValidatePolicy(policyProbabilities, states, actions);
        var matrix = new double[states * states];
        var rhs = new double[states];
        var m = new ModelSpans(model);
        for (int s = 0; s < states; s++)
        {
            matrix[s * states + s] = 1.0;
            for (int a = 0; a < actions; a++)
            {
                double pa = policyProbabilities[s * actions + a];
                if (pa == 0) continue;
                for (int k = m.Offsets[s * actions + a]; k < m.Offsets[s * actions + a + 1]; k++)
                {
                    rhs[s] += pa * m.Probabilities[k] * m.Rewards[k];
                    if (!m.Terminated[k]) matrix[s * states + m.NextStates[k]] -= gamma * pa * m.Probabilities[k];
                }
            }
        }
        if (!DenseLinearSystem.TrySolve(matrix, rhs, states))
        {
            int stuck = BellmanOperator.FirstNonTerminatingState(model, policyProbabilities);
            string why = stuck >= 0 ? $": with gamma = {gamma.ToString(CultureInfo.InvariantCulture)} the policy never terminates from state {stuck}" : "";
            throw new InvalidOperationException($"The system (I - γ P_π) V = r_π is singular{why}.");
        }
        return new PolicyEvaluationResult(rhs, 0, 0, true, "solved exactly (Gaussian elimination with partial pivoting)");
    }

    internal static string NotConvergedStatus(int sweeps, double delta, DpOptions options, int nonTerminatingState, string what)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"did not converge after {sweeps} sweeps (max |ΔV| = {delta:G3}, tolerance {options.Tolerance:G3})");
        if (options.Gamma == 1.0 && nonTerminatingState >= 0)
            text += $": with gamma = 1 {what} never terminates from state {nonTerminatingState}, so the values need not be bounded; use gamma < 1";
        else if (!double.IsFinite(delta))
            text += ": the values diverged";
        else
            text += $"; raise MaxIterations (now {options.MaxIterations}) or the tolerance";
        return text;
    }
}

/// <summary>Dense Gaussian elimination with partial pivoting, in double.</summary>
public static class DenseLinearSystem
{
    /// <summary>
    /// Solves A x = b in place: <paramref name="matrix"/> (n×n, row-major) is overwritten by its elimination,
    /// <paramref name="rhs"/> by x. Returns false when a pivot is below 1e-12 times the largest entry of A (singular).
    /// </summary>
    public static bool TrySolve(Span<double> matrix, Span<double> rhs, int n)
    {
        if (n < 0 || matrix.Length != n * n || rhs.Length != n)
            throw new ArgumentException($"A {n}×{n} system needs a matrix of {n * n} and a right-hand side of {n} entries; got {matrix.Length} and {rhs.Length}.");
        double scale = 0;
        foreach (double x in matrix) scale = Math.Max(scale, Math.Abs(x));
        double tiny = 1e-12 * Math.Max(scale, double.Epsilon);
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int row = col + 1; row < n; row++)
                if (Math.Abs(matrix[row * n + col]) > Math.Abs(matrix[pivot * n + col])) pivot = row;
            if (!(Math.Abs(matrix[pivot * n + col]) > tiny)) return false;
            if (pivot != col)
            {
                for (int j = 0; j < n; j++) (matrix[pivot * n + j], matrix[col * n + j]) = (matrix[col * n + j], matrix[pivot * n + j]);
                (rhs[pivot], rhs[col]) = (rhs[col], rhs[pivot]);
            }
            var pivotRow = matrix.Slice(col * n, n);
            double diagonal = pivotRow[col];
            for (int row = col + 1; row < n; row++)
            {
                var target = matrix.Slice(row * n, n);
                double factor = target[col] / diagonal;
                if (factor == 0) continue;
                for (int j = col; j < n; j++) target[j] -= factor * pivotRow[j];
                rhs[row] -= factor * rhs[col];
            }
        }
        for (int row = n - 1; row >= 0; row--)
        {
            double sum = rhs[row];
            var r = matrix.Slice(row * n, n);
            for (int j = row + 1; j < n; j++) sum -= r[j] * rhs[j];
            rhs[row] = sum / r[row];
        }
        return true;
    }
}
