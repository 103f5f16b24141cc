using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Networks;
using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Nn;
using Bellman.Nn.Layers;
using Bellman.Nn.Optimizers;

namespace Bellman.Algorithms.ActorCritic;

/// <summary>Settings of <see cref="ValueFitComparison"/>.</summary>
public sealed record ValueFitOptions
{
    /// <summary>Episodes per dataset.</summary>
    [Option("episodes", "episodes of the policy per dataset")] public int Episodes { get; init; } = 10;
    /// <summary>Independent datasets (the spread of V̂ across them is the variance).</summary>
    [Option("datasets", "independent datasets, for the variance across data")] public int Datasets { get; init; } = 5;
    /// <summary>States at which V̂ is compared with V^π.</summary>
    [Option("probe_states", "states at which the fits are compared with V^pi")] public int ProbeStates { get; init; } = 40;
    /// <summary>Monte Carlo rollouts per probe state for the reference V^π.</summary>
    [Option("rollouts", "Monte Carlo rollouts per probe state for the reference V^pi")] public int Rollouts { get; init; } = 50;
    /// <summary>γ.</summary>
    [Option("gamma", "discount factor")] public double Gamma { get; init; } = 0.99;
    /// <summary>Hidden sizes of V̂.</summary>
    [Option("net_arch", "hidden layer sizes of V")] public int[] NetArch { get; init; } = [64, 64];
    /// <summary>Full-batch gradient steps per fit (both methods).</summary>
    [Option("gradient_steps", "full-batch gradient steps per fit")] public int GradientSteps { get; init; } = 1000;
    /// <summary>Rounds of target recomputation of the bootstrapped fit.</summary>
    [Option("bootstrap_rounds", "times the bootstrapped targets are recomputed (gradient_steps split evenly)")] public int BootstrapRounds { get; init; } = 100;
    /// <summary>Adam's learning rate.</summary>
    [Option("learning_rate", "Adam learning rate")] public double LearningRate { get; init; } = 3e-3;

    /// <summary>Throws an <see cref="OptionException"/> naming the first invalid key.</summary>
    public ValueFitOptions Validate()
    {
        static void Require(bool ok, string key, object value, string rule)
        {
            if (!ok) throw new OptionException($"{key} = {OptionBinder.FormatValue(value)} is invalid: {rule}.");
        }
        Require(Episodes > 0, "episodes", Episodes, "must be positive");
        Require(Datasets >= 2, "datasets", Datasets, "must be at least 2 (a variance needs two)");
        Require(ProbeStates > 0, "probe_states", ProbeStates, "must be positive");
        Require(Rollouts > 0, "rollouts", Rollouts, "must be positive");
        Require(Gamma is >= 0 and <= 1, "gamma", Gamma, "must be in [0, 1]");
        Require(NetArch.Length > 0 && NetArch.All(h => h > 0), "net_arch", NetArch, "needs at least one positive layer size");
        Require(GradientSteps > 0, "gradient_steps", GradientSteps, "must be positive");
        Require(BootstrapRounds > 0 && BootstrapRounds <= GradientSteps, "bootstrap_rounds", BootstrapRounds, $"must be in [1, gradient_steps = {GradientSteps}]");
        Require(LearningRate > 0, "learning_rate", LearningRate, "must be positive");
        return this;
    }
}

/// <summary>How well one way of fitting V̂ recovers V^π at the probe states.</summary>
/// <param name="Method">"monte_carlo" or "bootstrapped".</param>
/// <param name="Rmse">√ mean over datasets and probe states of (V̂(s) − V^π(s))².</param>
/// <param name="Bias">Mean over probe states of (mean over datasets of V̂(s)) − V^π(s).</param>
/// <param name="Variance">Mean over probe states of the variance of V̂(s) across datasets.</param>
/// <param name="TargetStd">The standard deviation of the regression targets y over the data (the last round's, mean over datasets).</param>
public sealed record ValueFitResult(string Method, double Rmse, double Bias, double Variance, double TargetStd);

/// <summary>The comparison's outcome.</summary>
/// <param name="MeanTrueValue">The mean of the reference V^π over the probe states.</param>
/// <param name="MeanDatasetSteps">Transitions per dataset (mean).</param>
/// <param name="MonteCarlo">Fitting to reward sums.</param>
/// <param name="Bootstrapped">Fitting to r + γV̂(s').</param>
public sealed record ValueFitReport(double MeanTrueValue, double MeanDatasetSteps, ValueFitResult MonteCarlo, ValueFitResult Bootstrapped);

/// <summary>
/// The lecture's policy-evaluation question — fit V̂_φ^π to Monte Carlo targets y_{i,t} = Σ_{t'≥t} γ^{t'−t} r_{i,t'}
/// or to bootstrapped targets y_{i,t} = r_{i,t} + γ V̂_φ(s_{i,t+1}), each by ½ Σ ‖V̂_φ(s_i) − y_i‖² — answered
/// empirically on the same data: several independent datasets of a fixed policy π, the same network and
/// gradient budget for both, compared at probe states against a Monte Carlo estimate of the true V^π
/// (many rollouts of π from each probe state, reached again by replaying its seed and action prefix, so the
/// environment must be deterministic given its seed and actions). Values are those of the time-limited task:
/// an episode's end, terminated or truncated, ends the sum.
/// </summary>
public static class ValueFitComparison
{
    /// <summary>Runs the comparison; <paramref name="policy"/> maps (observation, rng) to an environment-ready action.</summary>
    public static ValueFitReport Run(Func<IEnvironment> makeEnv, Action<ReadOnlySpan<float>, Span<float>, Rng> policy, ValueFitOptions options, int seed)
    {
        options.Validate();
        var env = makeEnv();
        if (env.ObservationSpace is not Box box) throw new ArgumentException($"The value-fit comparison needs a Box observation space; {env.Name} has {env.ObservationSpace}.");
        int obs = box.FlatSize;
        float gamma = (float)options.Gamma;
        var rng = new Rng(Rng.DeriveSeed((ulong)seed, 31));

        // Reference V^π at probe states drawn uniformly from the visits of a separate set of episodes.
        var probeEpisodes = Enumerable.Range(0, options.Episodes).Select(k => Collect(env, policy, rng, 2_000_000 + seed * 1000 + k)).ToList();
        var visits = probeEpisodes.SelectMany((e, k) => Enumerable.Range(0, e.Length).Select(t => (k, t))).ToList();
        var probes = new float[options.ProbeStates * obs];
        var truth = new double[options.ProbeStates];
        for (int j = 0; j < options.ProbeStates; j++)
        {
            var (k, t) = visits[rng.NextInt(visits.Count)];
            var e = probeEpisodes[k];
            e.Observations.AsSpan(t * obs, obs).CopyTo(probes.AsSpan(j * obs, obs));
            double sum = 0;
            for (int m = 0; m < options.Rollouts; m++) sum += ReturnFrom(env, policy, rng, e, t, gamma);
            truth[j] = sum / options.Rollouts;
        }

        var predictions = new double[2, options.Datasets, options.ProbeStates];
        double steps = 0;
        var targetStd = new double[2];
        for (int d = 0; d < options.Datasets; d++)
        {
            var data = Enumerable.Range(0, options.Episodes).Select(k => Collect(env, policy, rng, seed * 1000 + d * options.Episodes + k)).ToList();
            var batch = Batch.From(data, obs, gamma);
            steps += batch.Size;
            for (int method = 0; method < 2; method++)
            {
                var (values, std) = Fit(batch, probes, options, bootstrapped: method == 1, new Rng(Rng.DeriveSeed((ulong)seed, 100 + (ulong)d)));
                targetStd[method] += std / options.Datasets;
                for (int j = 0; j < options.ProbeStates; j++) predictions[method, d, j] = values[j];
            }
        }
        return new ValueFitReport(truth.Average(), steps / options.Datasets,
            Summarise("monte_carlo", 0, predictions, truth, targetStd[0]), Summarise("bootstrapped", 1, predictions, truth, targetStd[1]));
    }

    private static ValueFitResult Summarise(string name, int method, double[,,] p, double[] truth, double targetStd)
    {
        int datasets = p.GetLength(1), probes = truth.Length;
        double se = 0, bias = 0, variance = 0;
        for (int j = 0; j < probes; j++)
        {
            double mean = 0;
            for (int d = 0; d < datasets; d++) { mean += p[method, d, j]; se += (p[method, d, j] - truth[j]) * (p[method, d, j] - truth[j]); }
            mean /= datasets;
            bias += mean - truth[j];
            double v = 0;
            for (int d = 0; d < datasets; d++) v += (p[method, d, j] - mean) * (p[method, d, j] - mean);
            variance += v / (datasets - 1);
        }
        return new ValueFitResult(name, Math.Sqrt(se / (datasets * probes)), bias / probes, variance / probes, targetStd);
    }

    /// <summary>Fits a fresh V̂ and returns its values at the probe states and the std of its final targets.</summary>
    private static (float[] Values, double TargetStd) Fit(Batch b, float[] probes, ValueFitOptions o, bool bootstrapped, Rng init)
    {
        int obs = b.ObservationSize, n = b.Size;
        var net = Mlp.Create([obs, .. o.NetArch, 1], Activation.Tanh, init);
        var adam = new Adam(net.Parameters(), o.LearningRate);
        var g = new Graph();
        var y = bootstrapped ? new float[n] : b.MonteCarlo;
        var next = new float[n];
        int rounds = bootstrapped ? o.BootstrapRounds : 1;
        for (int round = 0; round < rounds; round++)
        {
            if (bootstrapped)
            {
                g.Reset();
                using (g.NoGrad()) net.Forward(g, g.Input(b.NextObservations, new Shape(n, obs))).Data.CopyTo(next);
                for (int i = 0; i < n; i++) y[i] = b.Rewards[i] + (b.Ended[i] ? 0f : (float)o.Gamma * next[i]);
            }
            int steps = o.GradientSteps / rounds + (round < o.GradientSteps % rounds ? 1 : 0);
            for (int k = 0; k < steps; k++)
            {
                g.Reset();
                var v = net.Forward(g, g.Input(b.Observations, new Shape(n, obs)));
                var loss = g.Scale(g.MseLoss(v, g.Input(y, v.Shape)), 0.5f);
                adam.ZeroGrad();
                g.Backward(loss);
                adam.Step();
            }
        }
        g.Reset();
        var values = new float[probes.Length / obs];
        using (g.NoGrad()) net.Forward(g, g.Input(probes, new Shape(values.Length, obs))).Data.CopyTo(values);
        double mean = y.Average(x => (double)x);
        return (values, Math.Sqrt(y.Sum(x => (x - mean) * (x - mean)) / n));
    }

    private sealed record Episode(int Seed, float[] Observations, float[] Actions, float[] Rewards, int Length, int ActionSize);

    private static Episode Collect(IEnvironment env, Action<ReadOnlySpan<float>, Span<float>, Rng> policy, Rng rng, int seed)
    {
        int obs = env.ObservationSpace.FlatSize, act = env.ActionSpace.FlatSize;
        var o = new List<float>();
        var a = new List<float>();
        var r = new List<float>();
        var action = new float[act];
        var s = env.Reset(seed);
        while (true)
        {
            foreach (float x in s) o.Add(x);
            policy(s, action, rng);
            a.AddRange(action);
            var step = Step(env, action);
            r.Add((float)step.Reward);
            if (step.Terminated || step.Truncated) break;
            s = env.Observation;
        }
        foreach (float x in env.Observation) o.Add(x); // the final observation
        return new Episode(seed, [.. o], [.. a], [.. r], r.Count, act);
    }

    /// <summary>Σ_{t'≥t} γ^{t'−t} r_{t'} of one fresh rollout of π from the state at step t of <paramref name="e"/>.</summary>
    private static double ReturnFrom(IEnvironment env, Action<ReadOnlySpan<float>, Span<float>, Rng> policy, Rng rng, Episode e, int t, float gamma)
    {
        env.Reset(e.Seed);
        for (int k = 0; k < t; k++) Step(env, e.Actions.AsSpan(k * e.ActionSize, e.ActionSize));
        var action = new float[e.ActionSize];
        double total = 0, discount = 1;
        while (true)
        {
            policy(env.Observation, action, rng);
            var step = Step(env, action);
            total += discount * step.Reward;
            discount *= gamma;
            if (step.Terminated || step.Truncated) return total;
        }
    }

    private static StepResult Step(IEnvironment env, ReadOnlySpan<float> action) =>
        env.ActionSpace is Discrete ? env.Step((int)action[0]) : env.Step(action);

    private sealed class Batch
    {
        public required int ObservationSize { get; init; }
        public required float[] Observations { get; init; }
        public required float[] NextObservations { get; init; }
        public required float[] Rewards { get; init; }
        public required bool[] Ended { get; init; }
        public required float[] MonteCarlo { get; init; }
        public int Size => Rewards.Length;

        public static Batch From(List<Episode> episodes, int obs, float gamma)
        {
            int n = episodes.Sum(e => e.Length), row = 0;
            var b = new Batch
            {
                ObservationSize = obs, Observations = new float[n * obs], NextObservations = new float[n * obs],
                Rewards = new float[n], Ended = new bool[n], MonteCarlo = new float[n],
            };
            foreach (var e in episodes)
            {
                e.Observations.AsSpan(0, e.Length * obs).CopyTo(b.Observations.AsSpan(row * obs));
                e.Observations.AsSpan(obs, e.Length * obs).CopyTo(b.NextObservations.AsSpan(row * obs));
                e.Rewards.CopyTo(b.Rewards, row);
                b.Ended[row + e.Length - 1] = true;
                Returns.RewardToGo(e.Rewards, b.Ended.AsSpan(row, e.Length), gamma, 0f, b.MonteCarlo.AsSpan(row, e.Length));
                row += e.Length;
            }
            return b;
        }
    }
}
