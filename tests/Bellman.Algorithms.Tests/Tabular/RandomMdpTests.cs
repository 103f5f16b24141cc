using Bellman.Algorithms.Tabular;
using Bellman.Core.Random;
using Bellman.Core.Tabular;
using Xunit;

namespace Bellman.Algorithms.Tests.Tabular;

/// <summary>Every solver agrees with every other on many small random MDPs.</summary>
public sealed class RandomMdpTests
{
    private static TabularModel RandomModel(Rng rng)
    {
        int states = rng.NextInt(1, 9), actions = rng.NextInt(1, 5);
        var table = new Outcome[states, actions][];
        for (int s = 0; s < states; s++)
        {
            for (int a = 0; a < actions; a++)
            {
                int n = rng.NextInt(1, 4);
                var weights = Enumerable.Range(0, n).Select(_ => rng.NextDouble() + 0.05).ToArray();
                double total = weights.Sum();
                table[s, a] = Enumerable.Range(0, n)
                    .Select(k => new Outcome(weights[k] / total, rng.NextInt(states), Math.Round(rng.Uniform(-2, 2), 2), rng.Bernoulli(0.3)))
                    .ToArray();
            }
        }
        var initial = new double[states];
        initial[0] = 1;
        return new TabularModel(states, actions, (s, a) => table[s, a], initial);
    }

    [Fact]
    public void AllSolversAgree()
    {
        var rng = new Rng(2024);
        double[] gammas = [0.0, 0.5, 0.9, 0.99];
        for (int trial = 0; trial < 200; trial++)
        {
            var model = RandomModel(rng);
            double gamma = gammas[trial % gammas.Length];
            var options = new DpOptions { Gamma = gamma, Tolerance = 1e-12 };
            var vi = ValueIteration.Run(model, options);
            Assert.True(vi.Converged, vi.Status);
            Assert.True(BellmanOperator.Residual(model, vi.Values, gamma) < 1e-11);
            var others = new (string Name, double[] V)[]
            {
                ("VI in place", ValueIteration.Run(model, options with { Sweep = SweepKind.InPlace }).Values),
                ("VI Q form", ValueIteration.RunQ(model, options).Values),
                ("PI exact", PolicyIteration.Run(model, options, EvaluationMethod.Exact).EnsureConverged().Values),
                ("PI iterative (default tolerance)", PolicyIteration.Run(model, new DpOptions { Gamma = gamma }).EnsureConverged().Values),
                ("PI in place", PolicyIteration.Run(model, options with { Sweep = SweepKind.InPlace }).EnsureConverged().Values),
                ("exact V^greedy", PolicyEvaluation.Solve(model, vi.Policy, gamma).Values),
            };
            foreach (var (name, v) in others)
                for (int s = 0; s < model.StateCount; s++)
                    Assert.True(Math.Abs(v[s] - vi.Values[s]) < 1e-8, $"trial {trial} (γ = {gamma}, {model.StateCount}×{model.ActionCount}): {name} V[{s}] = {v[s]}, VI {vi.Values[s]}");
            // a random stochastic policy: exact and iterative evaluation agree
            var pi = new double[model.StateCount * model.ActionCount];
            for (int s = 0; s < model.StateCount; s++)
            {
                var row = pi.AsSpan(s * model.ActionCount, model.ActionCount);
                for (int a = 0; a < row.Length; a++) row[a] = rng.NextDouble();
                double total = 0;
                foreach (double x in row) total += x;
                for (int a = 0; a < row.Length; a++) row[a] /= total;
            }
            var exact = PolicyEvaluation.Solve(model, pi, gamma).Values;
            var iterative = PolicyEvaluation.Evaluate(model, pi, options).Values;
            for (int s = 0; s < model.StateCount; s++) Assert.True(Math.Abs(exact[s] - iterative[s]) < 1e-9, $"trial {trial}: stochastic V[{s}]");
        }
    }
}
