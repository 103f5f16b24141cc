using Bellman.Algorithms.Tabular;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Random;
using Bellman.Core.Tabular;
using Bellman.Environments;
using Bellman.Environments.Wrappers;

namespace Bellman.Algorithms.Tests.ValueBased;

public class FittedValueIterationTests
{
    private static TabularModel ModelOf(string id, Dictionary<string, string>? options = null) =>
        ((ITabularEnvironment)EnvRegistry.Default.Make(id, options).Unwrap()).Model;

    [Theory]
    [InlineData("FrozenLake-v1", "true")]
    [InlineData("FrozenLake-v1", "false")]
    public void ApproachesValueIterationOnFrozenLake(string id, string slippery)
    {
        var model = ModelOf(id, new() { ["is_slippery"] = slippery });
        var exact = ValueIteration.Run(model, new DpOptions { Gamma = 0.9, Tolerance = 1e-12 });
        var fitted = FittedValueIteration.Run(model, new FittedValueIterationOptions(Gamma: 0.9, Iterations: 150, GradientSteps: 40), new Rng(3));
        double worst = 0;
        for (int s = 0; s < model.StateCount; s++) worst = Math.Max(worst, Math.Abs(fitted.Values[s] - exact.Values[s]));
        Assert.True(worst < 0.02, $"max |V_phi - V*| = {worst}");
        // The greedy policy under V_phi achieves V* (ties aside): evaluate it exactly.
        var vGreedy = PolicyEvaluation.Solve(model, fitted.Policy, 0.9);
        for (int s = 0; s < model.StateCount; s++) Assert.Equal(exact.Values[s], vGreedy.Values[s], 6);
    }
}
