using System.Globalization;
using Bellman.Core.Tabular;

namespace Bellman.Algorithms.Tabular;

/// <summary>
/// Value iteration, the lecture's "even simpler dynamic programming":
/// <code>
/// 1. set Q(s,a) ← r(s,a) + γ E[V(s')]
/// 2. set V(s) ← max_a Q(s,a)
/// </code>
/// repeated until max_s |V_{k+1}(s) - V_k(s)| &lt; tol; then π(s) = argmax_a Q(s,a). The Q form iterates
/// Q(s,a) ← r(s,a) + γ E[max_a' Q(s',a')] directly. Outcomes flagged terminated contribute r only, so with
/// a synchronous sweep and γ = 0.99 this reproduces Gymnasium-based value iteration number for number.
/// </summary>
public static class ValueIteration
{
    /// <summary>Runs value iteration on V from V_0 = 0 (or <paramref name="initialValues"/>).</summary>
    public static ValueIterationResult Run(TabularModel model, DpOptions options, ReadOnlySpan<double> initialValues = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int states = model.StateCount, actions = model.ActionCount;
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
                int row = s * actions;
                double best = m.Backup(row, v, gamma);
                for (int a = 1; a < actions; a++) best = Math.Max(best, m.Backup(row + a, v, gamma));
                delta = Math.Max(delta, Math.Abs(best - v[s]));
                next[s] = best;
            }
            if (options.Sweep == SweepKind.Synchronous) (v, next) = (next, v);
            if (delta < options.Tolerance || !double.IsFinite(delta)) break;
        }
        return Finish(model, options, v, BellmanOperator.ActionValues(model, v, gamma), sweep, delta, "ΔV");
    }

    /// <summary>
    /// Runs value iteration on Q: Q_{k+1}(s,a) ← r(s,a) + γ E[max_a' Q_k(s',a')] from Q_0 = 0, until
    /// max |Q_{k+1} - Q_k| &lt; tol. Sweeps are synchronous, or in place per state when <see cref="DpOptions.Sweep"/> says so.
    /// </summary>
    public static ValueIterationResult RunQ(TabularModel model, DpOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int states = model.StateCount, actions = model.ActionCount;
        var q = new double[states * actions];
        var v = new double[states]; // V(s') = max_a' Q(s',a'), kept in step with q
        var nextV = options.Sweep == SweepKind.Synchronous ? new double[states] : v;
        double gamma = options.Gamma, delta = double.PositiveInfinity;
        int sweep = 0;
        var m = new ModelSpans(model);
        while (sweep < options.MaxIterations)
        {
            sweep++;
            delta = 0;
            for (int s = 0; s < states; s++)
            {
                double best = double.NegativeInfinity;
                for (int a = 0; a < actions; a++)
                {
                    int sa = s * actions + a;
                    double updated = m.Backup(sa, v, gamma);
                    delta = Math.Max(delta, Math.Abs(updated - q[sa]));
                    q[sa] = updated;
                    best = Math.Max(best, updated);
                }
                nextV[s] = best;
            }
            if (options.Sweep == SweepKind.Synchronous) (v, nextV) = (nextV, v);
            if (delta < options.Tolerance || !double.IsFinite(delta)) break;
        }
        return Finish(model, options, v, q, sweep, delta, "ΔQ");
    }

    private static ValueIterationResult Finish(TabularModel model, DpOptions options, double[] v, double[] q, int sweeps, double delta, string what)
    {
        bool converged = delta < options.Tolerance;
        string status = converged
            ? string.Create(CultureInfo.InvariantCulture, $"converged after {sweeps} sweeps (max |{what}| = {delta:G3} < {options.Tolerance:G3})")
            : PolicyEvaluation.NotConvergedStatus(sweeps, delta, options, BellmanOperator.FirstStateWithNonTerminatingPolicy(model), "some policy");
        int actions = model.ActionCount;
        return new ValueIterationResult(
            v, q,
            BellmanOperator.GreedyPolicy(q, actions, options.TieTolerance),
            BellmanOperator.Ties(q, actions, options.TieTolerance),
            sweeps, delta, converged, status);
    }
}
