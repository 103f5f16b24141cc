namespace Bellman.Algorithms.Tabular;

/// <summary>How an iterative dynamic-programming sweep reads the values it updates.</summary>
public enum SweepKind
{
    /// <summary>Jacobi sweep: every V(s) of sweep k+1 is computed from the array of sweep k (two arrays).</summary>
    Synchronous,

    /// <summary>Gauss–Seidel sweep: V(s) is overwritten in place, so later states already see it.</summary>
    InPlace,
}

/// <summary>
/// Options shared by policy evaluation, policy iteration and value iteration on a known
/// <see cref="Bellman.Core.Tabular.TabularModel"/>.
/// </summary>
public sealed record DpOptions
{
    /// <summary>The default cap on sweeps: enough for γ = 0.99 to reach 1e-12 many times over, small enough to end quickly when γ = 1 diverges.</summary>
    public const int DefaultMaxIterations = 100_000;

    /// <summary>The discount γ ∈ [0, 1].</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>Stop when a sweep changes no value by this much or more: max_s |V_{k+1}(s) - V_k(s)| &lt; tol.</summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>The cap on sweeps; reaching it gives a result with <c>Converged = false</c> and a status saying why.</summary>
    public int MaxIterations { get; init; } = DefaultMaxIterations;

    /// <summary>Synchronous (the lecture's and Gymnasium-style reference update) or in-place sweeps.</summary>
    public SweepKind Sweep { get; init; } = SweepKind.Synchronous;

    /// <summary>
    /// Actions whose Q lies within <c>TieTolerance · max(1, |max_a Q|)</c> of the maximum count as maximisers
    /// (for the greedy policy's lowest-index tie-break and the reported tie sets).
    /// </summary>
    public double TieTolerance { get; init; } = 1e-9;

    /// <summary>Throws when an option is out of range; the message names the option and its valid range.</summary>
    public void Validate()
    {
        ValidateGamma(Gamma);
        if (!(Tolerance > 0) || !double.IsFinite(Tolerance))
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "Tolerance must be a positive finite number.");
        if (MaxIterations <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "MaxIterations must be positive.");
        if (!(TieTolerance >= 0) || !double.IsFinite(TieTolerance))
            throw new ArgumentOutOfRangeException(nameof(TieTolerance), TieTolerance, "TieTolerance must be a non-negative finite number.");
        if (!Enum.IsDefined(Sweep))
            throw new ArgumentOutOfRangeException(nameof(Sweep), Sweep, "Sweep must be Synchronous or InPlace.");
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <c>gamma</c> unless 0 ≤ γ ≤ 1.</summary>
    public static void ValidateGamma(double gamma)
    {
        if (!(gamma >= 0 && gamma <= 1))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, $"gamma must lie in [0, 1]; got {gamma}.");
    }
}

/// <summary>An iterative solver stopped at its sweep cap before meeting its tolerance.</summary>
public sealed class DidNotConvergeException(string message) : InvalidOperationException(message);

/// <summary>The result of evaluating a policy: V^π, the sweeps used and how the iteration ended.</summary>
/// <param name="Values">V^π(s) for every state.</param>
/// <param name="Iterations">The number of sweeps performed (0 for the exact solve).</param>
/// <param name="Residual">max_s |V_k(s) - V_{k-1}(s)| of the last sweep (0 for the exact solve).</param>
/// <param name="Converged">Whether the residual fell below the tolerance before the cap.</param>
/// <param name="Status">A sentence saying how the iteration ended, including why when it did not converge.</param>
public sealed record PolicyEvaluationResult(double[] Values, int Iterations, double Residual, bool Converged, string Status)
{
    /// <summary>Returns this result, or throws <see cref="DidNotConvergeException"/> with <see cref="Status"/>.</summary>
    public PolicyEvaluationResult EnsureConverged() => Converged ? this : throw new DidNotConvergeException(Status);
}

/// <summary>The result of value iteration: V*, Q*, the greedy policy and its ties.</summary>
/// <param name="Values">The last iterate V_k (≈ V*).</param>
/// <param name="Q">Q(s,a) = r(s,a) + γ E[V(s')] from <paramref name="Values"/>, row-major [s*A + a].</param>
/// <param name="Policy">argmax_a Q(s,a), lowest index among the maximisers.</param>
/// <param name="Ties">For every state, all maximising actions in increasing order.</param>
/// <param name="Iterations">The number of sweeps performed, the last included.</param>
/// <param name="Residual">max |ΔV| (or max |ΔQ| for the Q form) of the last sweep.</param>
/// <param name="Converged">Whether the residual fell below the tolerance before the cap.</param>
/// <param name="Status">A sentence saying how the iteration ended.</param>
public sealed record ValueIterationResult(double[] Values, double[] Q, int[] Policy, int[][] Ties, int Iterations, double Residual, bool Converged, string Status)
{
    /// <summary>Returns this result, or throws <see cref="DidNotConvergeException"/> with <see cref="Status"/>.</summary>
    public ValueIterationResult EnsureConverged() => Converged ? this : throw new DidNotConvergeException(Status);
}

/// <summary>The result of policy iteration.</summary>
/// <param name="Values">V^π of the final policy.</param>
/// <param name="Q">Q^π(s,a) of the final policy, row-major [s*A + a].</param>
/// <param name="Policy">The final (stable) deterministic policy.</param>
/// <param name="Improvements">The number of evaluate–improve rounds.</param>
/// <param name="EvaluationSweeps">The total number of evaluation sweeps over all rounds.</param>
/// <param name="Converged">Whether the policy became stable and every evaluation converged.</param>
/// <param name="Status">A sentence saying how the iteration ended.</param>
public sealed record PolicyIterationResult(double[] Values, double[] Q, int[] Policy, int Improvements, long EvaluationSweeps, bool Converged, string Status)
{
    /// <summary>Returns this result, or throws <see cref="DidNotConvergeException"/> with <see cref="Status"/>.</summary>
    public PolicyIterationResult EnsureConverged() => Converged ? this : throw new DidNotConvergeException(Status);
}
