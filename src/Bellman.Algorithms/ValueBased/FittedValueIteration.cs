using Bellman.Algorithms.Networks;
using Bellman.Core.Random;
using Bellman.Core.Tabular;
using Bellman.Nn;
using Bellman.Nn.Layers;
using Bellman.Nn.Optimizers;

namespace Bellman.Algorithms.ValueBased;

/// <summary>Options of <see cref="FittedValueIteration"/>.</summary>
/// <param name="Gamma">γ.</param>
/// <param name="Iterations">K: how many times the targets are recomputed.</param>
/// <param name="GradientSteps">S: regression steps per target set (full batch over the states).</param>
/// <param name="LearningRate">Adam's learning rate.</param>
/// <param name="Hidden">Hidden layer sizes of V_φ.</param>
public sealed record FittedValueIterationOptions(double Gamma = 0.99, int Iterations = 200, int GradientSteps = 50, double LearningRate = 3e-3, int[]? Hidden = null);

/// <summary>The result: V_φ at every state, and the greedy policy under it.</summary>
/// <param name="Values">V_φ(s) for every state.</param>
/// <param name="Policy">argmax_a r(s, a) + γ E[V_φ(s')].</param>
/// <param name="FinalLoss">The regression loss of the last step.</param>
public sealed record FittedValueIterationResult(double[] Values, int[] Policy, double FinalLoss);

/// <summary>
/// The lecture's fitted value iteration for an MDP whose model is known, with V_φ a neural network over
/// one-hot states:
/// <list type="number">
/// <item>set y_i ← max_{a_i} (r(s_i, a_i) + γ E[V_φ(s'_i)]) for every state s_i (expectations from the model;
/// a terminating transition contributes its reward only);</item>
/// <item>set φ ← argmin_φ ½ Σ_i ‖V_φ(s_i) − y_i‖² (S full-batch gradient steps).</item>
/// </list>
/// It needs the model for the max over actions; without one, fit Q instead (fitted Q-iteration).
/// </summary>
public static class FittedValueIteration
{
    /// <summary>Runs K iterations on <paramref name="model"/>; the weights come from <paramref name="rng"/>.</summary>
    public static FittedValueIterationResult Run(TabularModel model, FittedValueIterationOptions options, Rng rng)
    {
        if (!(options.Gamma >= 0 && options.Gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(options), options.Gamma, "gamma must be in [0, 1].");
        int n = model.StateCount, actions = model.ActionCount;
        int[] hidden = options.Hidden ?? [64];
        var v = Mlp.Create([n, .. hidden, 1], Activation.ReLU, rng);
        var adam = new Adam(v.Parameters(), options.LearningRate);
        var graph = new Graph();
        var features = new float[n * n];
        for (int s = 0; s < n; s++) features[s * n + s] = 1f;
        var values = new double[n];
        var targets = new float[n];
        double loss = double.NaN;
        for (int k = 0; k < options.Iterations; k++)
        {
            Predict(graph, v, features, n, values);
            for (int s = 0; s < n; s++) targets[s] = (float)Backup(model, values, s, options.Gamma, out _);
            for (int step = 0; step < options.GradientSteps; step++)
            {
                graph.Reset();
                adam.ZeroGrad();
                var x = graph.Input(features, new Shape(n, n));
                var prediction = graph.Reshape(v.Forward(graph, x), new Shape(n));
                var l = graph.MseLoss(prediction, graph.Input(targets, new Shape(n)));
                graph.Backward(l);
                adam.Step();
                loss = l.Item();
            }
        }
        Predict(graph, v, features, n, values);
        var policy = new int[n];
        for (int s = 0; s < n; s++) Backup(model, values, s, options.Gamma, out policy[s]);
        return new FittedValueIterationResult(values, policy, loss);
    }

    /// <summary>max_a r(s, a) + γ E[V(s')], with the maximising action (lowest index on ties).</summary>
    private static double Backup(TabularModel model, double[] values, int s, double gamma, out int best)
    {
        double max = double.NegativeInfinity;
        best = 0;
        for (int a = 0; a < model.ActionCount; a++)
        {
            double q = 0;
            foreach (var o in model.OutcomesOf(s, a)) q += o.Probability * (o.Reward + (o.Terminated ? 0 : gamma * values[o.NextState]));
            if (q > max)
            {
                max = q;
                best = a;
            }
        }
        return max;
    }

    private static void Predict(Graph graph, Module v, float[] features, int n, double[] values)
    {
        graph.Reset();
        using var _ = graph.NoGrad();
        var output = v.Forward(graph, graph.Input(features, new Shape(n, n))).Data;
        for (int s = 0; s < n; s++) values[s] = output[s];
    }
}
