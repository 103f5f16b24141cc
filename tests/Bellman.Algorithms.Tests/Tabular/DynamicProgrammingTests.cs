using Bellman.Algorithms.Tabular;
using Bellman.Core.Tabular;
using Xunit;

namespace Bellman.Algorithms.Tests.Tabular;

public sealed class DynamicProgrammingTests
{
    public static TheoryData<string> References => [ReferenceModel.FrozenLakeSlippery, ReferenceModel.FrozenLakeNotSlippery, ReferenceModel.CliffWalking];

    private static DpOptions ReferenceOptions(ReferenceModel r) => new() { Gamma = r.Gamma, Tolerance = r.Tolerance };

    private static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Theory]
    [MemberData(nameof(References))]
    public void ValueIterationMatchesGymnasiumReference(string name)
    {
        var r = ReferenceModel.Load(name);
        var result = ValueIteration.Run(r.Model, ReferenceOptions(r));
        Assert.True(result.Converged, result.Status);
        Assert.Equal(r.Iterations, result.Iterations);
        AssertClose(r.V, result.Values, 1e-9, "V");
        AssertClose(r.Q, result.Q, 1e-9, "Q");
        Assert.Equal(r.Policy, result.Policy);
        Assert.Equal(r.Ties, result.Ties);
    }

    [Theory]
    [MemberData(nameof(References))]
    public void QFormAndInPlaceValueIterationAgreeWithReference(string name)
    {
        var r = ReferenceModel.Load(name);
        var q = ValueIteration.RunQ(r.Model, ReferenceOptions(r));
        var inPlace = ValueIteration.Run(r.Model, ReferenceOptions(r) with { Sweep = SweepKind.InPlace });
        Assert.True(q.Converged && inPlace.Converged);
        AssertClose(r.V, q.Values, 1e-9, "V (Q form)");
        AssertClose(r.Q, q.Q, 1e-9, "Q (Q form)");
        Assert.Equal(r.Policy, q.Policy);
        AssertClose(r.V, inPlace.Values, 1e-9, "V (in place)");
        Assert.Equal(r.Policy, inPlace.Policy);
        Assert.True(inPlace.Iterations <= r.Iterations, $"in-place took {inPlace.Iterations} sweeps, synchronous {r.Iterations}");
    }

    [Theory]
    [MemberData(nameof(References))]
    public void BellmanResidualOfValueIterationIsBelowTolerance(string name)
    {
        var r = ReferenceModel.Load(name);
        var result = ValueIteration.Run(r.Model, ReferenceOptions(r));
        Assert.True(BellmanOperator.Residual(r.Model, result.Values, r.Gamma) < r.Tolerance);
        // and a wrong V has a residual of at least (1 - γ)·0.1, since T is a γ-contraction
        var perturbed = (double[])result.Values.Clone();
        perturbed[0] += 0.1;
        Assert.True(BellmanOperator.Residual(r.Model, perturbed, r.Gamma) >= (1 - r.Gamma) * 0.1 - 1e-11);
    }

    [Theory]
    [MemberData(nameof(References))]
    public void PolicyIterationAgreesWithValueIteration(string name)
    {
        var r = ReferenceModel.Load(name);
        foreach (var method in new[] { EvaluationMethod.Iterative, EvaluationMethod.Exact })
        {
            var pi = PolicyIteration.Run(r.Model, new DpOptions { Gamma = r.Gamma, Tolerance = 1e-13 }, method);
            Assert.True(pi.Converged, pi.Status);
            AssertClose(r.V, pi.Values, 1e-9, $"V ({method})");
            for (int s = 0; s < r.Policy.Length; s++)
                Assert.Contains(pi.Policy[s], r.Ties[s]);
            // a second improvement step changes nothing
            var again = (int[])pi.Policy.Clone();
            Assert.False(PolicyIteration.Improve(pi.Q, r.Model.ActionCount, again, 1e-9));
        }
    }

    [Theory]
    [MemberData(nameof(References))]
    public void ExactSolveAgreesWithSynchronousAndInPlaceEvaluation(string name)
    {
        var r = ReferenceModel.Load(name);
        var uniform = Enumerable.Repeat(1.0 / r.Model.ActionCount, r.Model.StateCount * r.Model.ActionCount).ToArray();
        foreach (var gamma in new[] { 0.9, 0.99 })
        {
            var options = new DpOptions { Gamma = gamma, Tolerance = 1e-13 };
            // deterministic optimal policy and the uniform random policy
            var exactDet = PolicyEvaluation.Solve(r.Model, r.Policy, gamma);
            var exactUniform = PolicyEvaluation.Solve(r.Model, uniform, gamma);
            foreach (var sweep in new[] { SweepKind.Synchronous, SweepKind.InPlace })
            {
                var det = PolicyEvaluation.Evaluate(r.Model, r.Policy, options with { Sweep = sweep });
                var sto = PolicyEvaluation.Evaluate(r.Model, uniform, options with { Sweep = sweep });
                Assert.True(det.Converged && sto.Converged, det.Status + " / " + sto.Status);
                AssertClose(exactDet.Values, det.Values, 1e-9, $"V^π* γ={gamma} {sweep}");
                AssertClose(exactUniform.Values, sto.Values, 1e-9, $"V^uniform γ={gamma} {sweep}");
            }
        }
    }

    [Fact]
    public void OptimalPolicyEvaluatesToVStar()
    {
        var r = ReferenceModel.Load(ReferenceModel.FrozenLakeSlippery);
        var exact = PolicyEvaluation.Solve(r.Model, r.Policy, r.Gamma);
        AssertClose(r.V, exact.Values, 1e-9, "V^π*");
    }

    [Fact]
    public void HandComputedTwoStateChain()
    {
        var model = SmallMdps.TwoStateChain();
        const double gamma = 0.9;
        double v1 = 2 / (1 - gamma / 2);
        double v0 = (1 + gamma * v1 / 2) / (1 - gamma / 2);
        var options = new DpOptions { Gamma = gamma, Tolerance = 1e-13 };
        foreach (var sweep in new[] { SweepKind.Synchronous, SweepKind.InPlace })
        {
            var result = PolicyEvaluation.Evaluate(model, [0, 0], options with { Sweep = sweep });
            Assert.True(result.Converged);
            AssertClose([v0, v1], result.Values, 1e-10, sweep.ToString());
        }
        AssertClose([v0, v1], PolicyEvaluation.Solve(model, [0, 0], gamma).Values, 1e-12, "exact");
        // one synchronous sweep from zero gives r(s): 1 and 2
        var one = PolicyEvaluation.Evaluate(model, [0, 0], options with { MaxIterations = 1 });
        Assert.False(one.Converged);
        Assert.Equal([1.0, 2.0], one.Values);
        // one in-place sweep sees the new V(s0) = 1 only in later states: V(s1) = 2 (s1 only looks at itself)
        var inPlace = PolicyEvaluation.Evaluate(model, [0, 0], options with { MaxIterations = 2, Sweep = SweepKind.InPlace });
        // sweep 2: V0 = 1 + .9(.5·1 + .5·2) = 2.35; V1 = 2 + .9·.5·2 = 2.9
        AssertClose([2.35, 2.9], inPlace.Values, 1e-12, "two in-place sweeps");
    }

    [Fact]
    public void HandComputedThreeStateLineAndStochasticPolicy()
    {
        var model = SmallMdps.ThreeStateLine();
        var options = new DpOptions { Gamma = 0.9, Tolerance = 1e-13 };
        var vi = ValueIteration.Run(model, options);
        AssertClose([6.2, 8.0, 10.0], vi.Values, 1e-10, "V*");
        Assert.Equal([0, 0, 0], vi.Policy);
        var pi = PolicyIteration.Run(model, options, EvaluationMethod.Exact, [1, 1, 1]);
        Assert.Equal([0, 0, 0], pi.Policy);
        // π(0|s) = 0.5 in s0 only: V(s2) = 10, V(s1) = 8, V(s0) = 0.5(-1 + 0.9·8) + 0.5·5 = 5.6
        double[] mixed = [0.5, 0.5, 1, 0, 1, 0];
        AssertClose([5.6, 8.0, 10.0], PolicyEvaluation.Solve(model, mixed, 0.9).Values, 1e-12, "V^mixed exact");
        AssertClose([5.6, 8.0, 10.0], PolicyEvaluation.Evaluate(model, mixed, options).Values, 1e-10, "V^mixed iterative");
        Assert.Equal(5.0, BellmanOperator.ActionValue(model, 0, 1, vi.Values, 0.9)); // terminating: r only
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0000001)]
    [InlineData(double.NaN)]
    public void GammaOutsideUnitIntervalIsRejected(double gamma)
    {
        var model = SmallMdps.ThreeStateLine();
        var options = new DpOptions { Gamma = gamma };
        Assert.Contains("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => ValueIteration.Run(model, options)).Message);
        Assert.Contains("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => PolicyEvaluation.Evaluate(model, [0, 0, 0], options)).Message);
        Assert.Contains("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => PolicyEvaluation.Solve(model, [0, 0, 0], gamma)).Message);
        Assert.Contains("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => PolicyIteration.Run(model, options)).Message);
    }

    [Fact]
    public void GammaOneWithANonTerminatingPolicyStopsAtTheCapAndSaysWhy()
    {
        var model = SmallMdps.LoopOrExit();
        var options = new DpOptions { Gamma = 1.0, MaxIterations = 5000 };
        var looping = PolicyEvaluation.Evaluate(model, [0], options);
        Assert.False(looping.Converged);
        Assert.Equal(5000, looping.Iterations);
        Assert.Contains("did not converge", looping.Status);
        Assert.Contains("with gamma = 1 the policy never terminates from state 0", looping.Status);
        Assert.Contains("never terminates", Assert.Throws<DidNotConvergeException>(() => looping.EnsureConverged()).Message);
        Assert.Contains("singular: with gamma = 1 the policy never terminates from state 0",
            Assert.Throws<InvalidOperationException>(() => PolicyEvaluation.Solve(model, [0], 1.0)).Message);
        // the default cap also ends (100k sweeps of a one-state model)
        Assert.False(PolicyEvaluation.Evaluate(model, [0], new DpOptions { Gamma = 1.0 }).Converged);
        // policy iteration from the looping policy reports the failed evaluation instead of looping
        var pi = PolicyIteration.Run(model, options, EvaluationMethod.Iterative, [0]);
        Assert.False(pi.Converged);
        Assert.Contains("never terminates", pi.Status);
        // but value iteration converges here: the exit is better than looping
        var vi = ValueIteration.Run(model, options);
        Assert.True(vi.Converged, vi.Status);
        Assert.Equal([0.0], vi.Values);
        Assert.Equal([1], vi.Policy);
        Assert.Equal(0, BellmanOperator.FirstStateWithNonTerminatingPolicy(model));
    }

    [Fact]
    public void GammaOneValueIterationThatDivergesReportsTheNonTerminatingPolicy()
    {
        // a positive reward loop: V grows by 1 every sweep
        var model = SmallMdps.FromTable(1, 1, new() { [(0, 0)] = [new Outcome(1, 0, 1, false)] });
        var vi = ValueIteration.Run(model, new DpOptions { Gamma = 1.0, MaxIterations = 1000 });
        Assert.False(vi.Converged);
        Assert.Equal(1000, vi.Iterations);
        Assert.Contains("did not converge after 1000 sweeps", vi.Status);
        Assert.Contains("with gamma = 1 some policy never terminates from state 0", vi.Status);
        Assert.Throws<DidNotConvergeException>(() => vi.EnsureConverged());
    }

    [Fact]
    public void GammaOneProperProblemsConverge()
    {
        // FrozenLake at γ = 1: every hole and the goal terminate; improper loops have zero reward, so V* converges
        var r = ReferenceModel.Load(ReferenceModel.FrozenLakeNotSlippery);
        var vi = ValueIteration.Run(r.Model, new DpOptions { Gamma = 1.0 });
        Assert.True(vi.Converged, vi.Status);
        Assert.Equal(1.0, vi.Values[0], 12);
        // a reward-free loop evaluates to 0 and converges although it never terminates
        var zero = PolicyEvaluation.Evaluate(SmallMdps.ZeroRewardLoop(), [0], new DpOptions { Gamma = 1.0 });
        Assert.True(zero.Converged);
        Assert.Equal(0, BellmanOperator.FirstNonTerminatingState(SmallMdps.ZeroRewardLoop(), [1.0]));
    }

    [Fact]
    public void GammaOneOnCliffWalking()
    {
        // value iteration converges: looping costs -1 a step, so the optimal policies terminate (V*(36) = -13)
        var r = ReferenceModel.Load(ReferenceModel.CliffWalking);
        var vi = ValueIteration.Run(r.Model, new DpOptions { Gamma = 1.0 });
        Assert.True(vi.Converged, vi.Status);
        Assert.Equal(-13.0, vi.Values[36]);
        // policy iteration from "always up" (which bumps into the top wall forever) reports why it cannot evaluate it
        var options = new DpOptions { Gamma = 1.0, MaxIterations = 2000 };
        var iterative = PolicyIteration.Run(r.Model, options);
        Assert.False(iterative.Converged);
        Assert.Contains("with gamma = 1 the policy never terminates from state 0", iterative.Status);
        var exact = PolicyIteration.Run(r.Model, options, EvaluationMethod.Exact);
        Assert.False(exact.Converged);
        Assert.Contains("singular: with gamma = 1 the policy never terminates from state 0", exact.Status);
        // from a proper policy (the γ = 0.99 optimum) it converges to the same V* as value iteration
        var proper = PolicyIteration.Run(r.Model, options, EvaluationMethod.Exact, r.Policy);
        Assert.True(proper.Converged, proper.Status);
        AssertClose(vi.Values, proper.Values, 1e-9, "V* at γ = 1");
    }

    [Fact]
    public void BadPolicyInputsAreRejectedByName()
    {
        var model = SmallMdps.ThreeStateLine();
        var options = new DpOptions { Gamma = 0.9 };
        Assert.Contains("policy[1] = 2", Assert.Throws<ArgumentException>(() => PolicyEvaluation.Evaluate(model, [0, 2, 0], options)).Message);
        Assert.Contains("policy has 2 entries", Assert.Throws<ArgumentException>(() => PolicyEvaluation.Evaluate(model, [0, 0], options)).Message);
        Assert.Contains("sums to 0.9", Assert.Throws<ArgumentException>(() => PolicyEvaluation.Evaluate(model, [0.5, 0.4, 1, 0, 1, 0], options)).Message);
        Assert.Contains("Tolerance", Assert.Throws<ArgumentOutOfRangeException>(() => ValueIteration.Run(model, options with { Tolerance = 0 })).Message);
        Assert.Contains("MaxIterations", Assert.Throws<ArgumentOutOfRangeException>(() => ValueIteration.Run(model, options with { MaxIterations = 0 })).Message);
    }

    [Fact]
    public void GaussianEliminationNeedsPivoting()
    {
        // a zero on the diagonal: without a row exchange the first pivot is 0; x = (1, 2, 3)
        double[] a = [0, 2, 1, 3, 1, 0, 1, 1, 1];
        double[] x = [1, 2, 3];
        double[] b = [0 * 1 + 2 * 2 + 1 * 3, 3 * 1 + 1 * 2 + 0 * 3, 1 + 2 + 3];
        Assert.True(DenseLinearSystem.TrySolve(a, b, 3));
        AssertClose(x, b, 1e-12, "x");
        Assert.False(DenseLinearSystem.TrySolve(new double[] { 1, 2, 2, 4 }, new double[] { 1, 2 }, 2));
    }

    [Fact]
    public void TerminalTransitionsDoNotBootstrap()
    {
        var r = ReferenceModel.Load(ReferenceModel.FrozenLakeNotSlippery);
        var v = new double[16];
        Array.Fill(v, 100.0);
        // s14 → right reaches the goal (terminated, reward 1): Q = 1 whatever V(15) is; s0 → down to s4 bootstraps
        Assert.Equal(1.0, BellmanOperator.ActionValue(r.Model, 14, 2, v, 0.99));
        Assert.Equal(99.0, BellmanOperator.ActionValue(r.Model, 0, 1, v, 0.99));
    }
}
