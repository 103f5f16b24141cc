using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Training;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Nn;

namespace Bellman.Algorithms.Tests.ActorCritic;

/// <summary>
/// AC(λ) (MinAtar's examples/AC_lambda.py): one update checked against the formulas with gradients by central
/// differences of the network itself, the trace cleared at an episode end, bad settings rejected, and a fixed-seed run.
/// </summary>
public sealed class AcLambdaTests
{
    private const float Eps = 1e-4f;

    private static readonly AcLambdaOptions Tiny = new() { NetArch = [5], LearningRate = 0.01, EntCoef = 0.05, TraceLambda = 0.7, Gamma = 0.9 };

    private static (AcLambdaUpdate Update, Rollout Rollout, UpdateMetrics Metrics) Make(AcLambdaOptions options)
    {
        var update = new AcLambdaUpdate(new Box(-1f, 1f, 3), new Discrete(3), options, new Rng(11));
        return (update, new Rollout(1, 1, 3, 1), new UpdateMetrics(update.Metrics));
    }

    private static void Feed(AcLambdaUpdate update, Rollout ro, UpdateMetrics metrics, float[] s, int a, float r, float[] next, bool terminated = false, bool ended = false)
    {
        s.CopyTo(ro.Observations, 0);
        ro.Actions[0] = a;
        ro.Rewards[0] = r;
        next.CopyTo(ro.NextObservations, 0);
        ro.Terminated[0] = terminated;
        ro.Ended[0] = ended;
        update.Update(ro, new UpdateContext(0, new Rng(1), metrics));
    }

    /// <summary>(logits, V) of the network at <paramref name="s"/>, in double.</summary>
    private static (double[] Z, double V) Heads(ActorCriticAgent agent, float[] s)
    {
        var g = new Graph();
        using var _ = g.NoGrad();
        var (head, v) = agent.Network.Evaluate(g, g.Input(s, agent.BatchShape(1)));
        return ([.. head.Data.ToArray().Select(x => (double)x)], v!.Data[0]);
    }

    private static double[] Softmax(double[] z)
    {
        double max = z.Max();
        var e = z.Select(x => Math.Exp(x - max)).ToArray();
        double sum = e.Sum();
        return [.. e.Select(x => x / sum)];
    }

    private static double Potential(ActorCriticAgent agent, float[] s, int a)
    {
        var (z, v) = Heads(agent, s);
        return v + 0.5 * Math.Log(Softmax(z)[a] + Eps);
    }

    private static double Entropy(ActorCriticAgent agent, float[] s) => -Softmax(Heads(agent, s).Z).Sum(p => Math.Log(p + Eps) * p);

    /// <summary>∂f/∂θ for every parameter element by central differences (h = 1e-3) of the float32 network.</summary>
    private static double[][] Gradient(ActorCriticAgent agent, Func<double> f)
    {
        var parameters = agent.Network.Parameters();
        var result = new double[parameters.Count][];
        for (int i = 0; i < parameters.Count; i++)
        {
            float[] data = parameters[i].Data;
            result[i] = new double[data.Length];
            for (int k = 0; k < data.Length; k++)
            {
                float keep = data[k];
                const float h = 1e-3f;
                data[k] = keep + h;
                double plus = f();
                data[k] = keep - h;
                double minus = f();
                data[k] = keep;
                result[i][k] = (plus - minus) / (2 * h);
            }
        }
        return result;
    }

    [Fact]
    public void OneUpdateFollowsTheTraceTheTdErrorTheEntropyAndTheRmsStep()
    {
        var o = Tiny;
        var (update, ro, metrics) = Make(o);
        var agent = update.Agent;
        float[] s1 = [0.3f, -0.2f, 0.8f], s2 = [-0.5f, 0.1f, 0.4f], s3 = [0.2f, 0.6f, -0.7f];
        const int a1 = 2, a2 = 0;
        const float r1 = 1f, r2 = -0.5f;

        // The references, all at θ0 (the first call changes no weight: there is no previous transition yet).
        var g1 = Gradient(agent, () => Potential(agent, s1, a1));
        var g2 = Gradient(agent, () => Potential(agent, s2, a2));
        var h2 = Gradient(agent, () => Entropy(agent, s2));
        double delta = r1 + o.Gamma * Heads(agent, s2).V - Heads(agent, s1).V;
        var theta0 = agent.Network.Parameters().Select(p => p.Data.ToArray()).ToArray();

        Feed(update, ro, metrics, s1, a1, r1, s2);
        var afterFirst = agent.Network.Parameters().Select(p => p.Data.ToArray()).ToArray();
        Assert.Equal(theta0, afterFirst);
        for (int i = 0; i < g1.Length; i++)
            for (int k = 0; k < g1[i].Length; k++) Assert.Equal(g1[i][k], update.Traces[i][k], 2e-3);

        Feed(update, ro, metrics, s2, a2, r2, s3);
        double correction = 1 - Math.Pow(o.RmsDecay, 2); // the second frame: t = 1, so 1 − ρ^(t+1)
        double decay = o.Gamma * o.TraceLambda;
        var parameters = agent.Network.Parameters();
        int moved = 0;
        for (int i = 0; i < parameters.Count; i++)
            for (int k = 0; k < parameters[i].Size; k++)
            {
                double d = g1[i][k] * delta + o.EntCoef * h2[i][k];
                double m = (1 - o.RmsDecay) * d * d;
                double step = o.LearningRate * d / Math.Sqrt(m / correction + o.RmsEps);
                double actual = parameters[i].Data[k] - theta0[i][k];
                Assert.True(Math.Abs(actual - step) <= 0.03 * o.LearningRate, $"parameter {parameters[i].Name}[{k}]: step {actual}, expected {step}");
                Assert.Equal(m, update.SquareAverages[i][k], 1e-5);
                // e ← γλ e + g, with g taken before the update.
                Assert.Equal(decay * g1[i][k] + g2[i][k], update.Traces[i][k], 2e-3);
                if (Math.Abs(step) > 0.1 * o.LearningRate) moved++;
            }
        Assert.True(moved > 10, $"only {moved} parameters moved");
        Assert.Equal(2, update.Frames);
    }

    [Fact]
    public void AnEpisodeEndLearnsFromTheLastTransitionAndClearsTheTrace()
    {
        var (update, ro, metrics) = Make(Tiny);
        var agent = update.Agent;
        float[] s1 = [0.3f, -0.2f, 0.8f], s2 = [-0.5f, 0.1f, 0.4f];
        Feed(update, ro, metrics, s1, 1, 0f, s2);
        var before = agent.Network.Parameters().Select(p => p.Data.ToArray()).ToArray();
        // The episode ends at s2 → terminal: the update at s2 (for s1 → s2) and the extra one at the final state (for s2 → end).
        Feed(update, ro, metrics, s2, 2, 1f, [0.9f, 0.9f, -0.9f], terminated: true, ended: true);
        Assert.NotEqual(before, agent.Network.Parameters().Select(p => p.Data.ToArray()).ToArray());
        Assert.All(update.Traces, e => Assert.All(e, x => Assert.Equal(0f, x)));

        // The next episode's first transition has no predecessor: it only starts the trace.
        var start = agent.Network.Parameters().Select(p => p.Data.ToArray()).ToArray();
        Feed(update, ro, metrics, s1, 0, 0f, s2);
        Assert.Equal(start, agent.Network.Parameters().Select(p => p.Data.ToArray()).ToArray());
        Assert.Contains(update.Traces, e => e.Any(x => x != 0f));
    }

    [Theory]
    [InlineData("n_envs", "2")]
    [InlineData("n_steps", "5")]
    [InlineData("optimizer", "adam")]
    [InlineData("max_grad_norm", "0.5")]
    [InlineData("trace_lambda", "1.5")]
    public void SettingsThatDoNotApplyAreErrorsNamingTheKey(string key, string value)
    {
        var options = OptionBinder.Apply(new AcLambdaOptions(), new Dictionary<string, string> { [key] = value }, "--set");
        var error = Assert.Throws<OptionException>(options.Validate);
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void BoxActionsAreRejectedWithTheAlgorithmThatFits()
    {
        var error = Assert.Throws<ArgumentException>(() => new AcLambdaUpdate(new Box(-1f, 1f, 3), new Box(-1f, 1f, 1), new AcLambdaOptions(), new Rng(1)));
        Assert.Contains("a2c", error.Message);
    }

    [Fact]
    public void MinAtarsSettingsLearnCartPoleWithAFixedSeed()
    {
        // Seed 0, 30k steps (≈ 1 s): greedy 413 here against 9–10 before training; its greedy curve is noisy (143–476
        // between 5k and 80k), so the bar is well below it.
        using var run = TestRuns.Make(new AcLambdaOptions { TotalSteps = 30_000, EvalFrequency = 0 }, "CartPole-v1", seed: 0);
        var before = run.Evaluate();
        run.Learn();
        var after = run.Evaluate();
        Assert.True(before.MeanReturn < 50, $"before training: {before.MeanReturn}");
        Assert.True(after.MeanReturn >= 150, $"after 30k steps: {after.MeanReturn}");
    }
}
