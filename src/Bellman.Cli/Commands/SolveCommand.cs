using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bellman.Algorithms.Tabular;
using Bellman.Cli.Infrastructure;
using Bellman.Core.Tabular;
using Bellman.Environments;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>Settings shared by the <c>bellman solve</c> commands.</summary>
public class SolveSettings : EnvSettings
{
    /// <summary>The discount γ.</summary>
    [CommandOption("--gamma <G>")]
    [Description("Discount γ in [[0, 1]] (default 0.99).")]
    public double Gamma { get; init; } = 0.99;

    /// <summary>The stopping tolerance on max_s |V_{k+1}(s) − V_k(s)|.</summary>
    [CommandOption("--tol <TOL>")]
    [Description("Stop when a sweep changes no value by this much (default 1e-10).")]
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>The cap on sweeps.</summary>
    [CommandOption("--max-iterations <N>")]
    [Description("Cap on sweeps (per evaluation for policy iteration); reaching it is an error (default 100000).")]
    public int MaxIterations { get; init; } = DpOptions.DefaultMaxIterations;

    /// <summary>Whether to print one JSON object instead of text.</summary>
    [CommandOption("--json")]
    [Description("Print one JSON object {\"V\",\"Q\",\"policy\",\"iterations\",...} with numbers that round-trip exactly.")]
    public bool Json { get; init; }

    /// <summary>The validated dynamic-programming options; a bad value is a <see cref="CliException"/> naming the flag.</summary>
    public DpOptions ToOptions()
    {
        if (!(Gamma >= 0 && Gamma <= 1)) throw new CliException($"--gamma must lie in [0, 1]; got {Gamma.ToString(CultureInfo.InvariantCulture)}.");
        if (!(Tolerance > 0) || !double.IsFinite(Tolerance)) throw new CliException($"--tol must be a positive number; got {Tolerance.ToString(CultureInfo.InvariantCulture)}.");
        if (MaxIterations <= 0) throw new CliException($"--max-iterations must be positive; got {MaxIterations}.");
        return new DpOptions { Gamma = Gamma, Tolerance = Tolerance, MaxIterations = MaxIterations };
    }
}

/// <summary>What a dynamic-programming solver returns to <see cref="SolveCommand{TSettings}"/>.</summary>
/// <param name="Values">V* (or V^π for policy evaluation).</param>
/// <param name="Q">Q(s,a) = r(s,a) + γ E[V(s')] from <paramref name="Values"/>, row-major.</param>
/// <param name="Policy">The greedy policy argmax_a Q(s,a).</param>
/// <param name="Iterations">Sweeps (value iteration, policy evaluation) or evaluate–improve rounds (policy iteration).</param>
/// <param name="Converged">Whether the solver met its tolerance before its cap.</param>
/// <param name="Status">The solver's sentence on how it ended.</param>
/// <param name="ValueName">How the text output names <paramref name="Values"/>: V* or V^π.</param>
/// <param name="PolicyName">How the text output names <paramref name="Policy"/>.</param>
/// <param name="Extra">Further JSON fields, each value already JSON.</param>
public sealed record Solution(double[] Values, double[] Q, int[] Policy, int Iterations, bool Converged, string Status, string ValueName, string PolicyName, IReadOnlyList<KeyValuePair<string, string>> Extra);

/// <summary>
/// The shared body of <c>bellman solve value-iteration|policy-iteration|policy-evaluation</c>: makes the
/// environment, checks that it has a known model, runs the solver, and prints V on the map, the greedy
/// policy as arrows, the iteration count and the wall time, or one JSON object with <c>--json</c>. A solver
/// that stops at its cap (for example γ = 1 and a policy that never terminates) is an error with its status.
/// </summary>
public abstract class SolveCommand<TSettings>(CliIO io) : Command<TSettings> where TSettings : SolveSettings
{
    /// <summary>The algorithm's name in messages, e.g. "value iteration".</summary>
    protected abstract string Algorithm { get; }

    /// <summary>Runs the algorithm on <paramref name="model"/>.</summary>
    protected abstract Solution Solve(TabularModel model, DpOptions options, TSettings settings);

    /// <inheritdoc/>
    public override int Execute(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        var options = settings.ToOptions();
        string id = settings.RequireEnv();
        var view = TabularView.For(id, EnvRegistry.Default.Make(id, settings.ParseOptions()));
        var clock = Stopwatch.StartNew();
        var solution = Solve(view.Model, options, settings);
        double seconds = clock.Elapsed.TotalSeconds;
        string gamma = options.Gamma.ToString(CultureInfo.InvariantCulture);
        if (!solution.Converged) throw new CliException($"{Algorithm} on {id} (gamma = {gamma}) {solution.Status}.");

        if (settings.Json)
        {
            var json = new StringBuilder("{");
            json.Append(CultureInfo.InvariantCulture, $"\"env\":{TabularView.JsonString(id)},\"algorithm\":{TabularView.JsonString(Algorithm)},");
            json.Append(CultureInfo.InvariantCulture, $"\"gamma\":{Format.Double(options.Gamma)},\"tol\":{Format.Double(options.Tolerance)},");
            json.Append(CultureInfo.InvariantCulture, $"\"V\":{Format.DoubleArray(solution.Values)},\"Q\":{TabularView.JsonRows(solution.Q, view.Model.ActionCount)},");
            json.Append(CultureInfo.InvariantCulture, $"\"policy\":{TabularView.JsonInts(solution.Policy)},\"iterations\":{solution.Iterations},");
            foreach (var (key, value) in solution.Extra) json.Append(CultureInfo.InvariantCulture, $"{TabularView.JsonString(key)}:{value},");
            json.Append(CultureInfo.InvariantCulture, $"\"status\":{TabularView.JsonString(solution.Status)},\"seconds\":{Format.Double(seconds)}}}");
            io.Out.WriteLine(json.ToString());
        }
        else
        {
            var model = view.Model;
            io.Out.WriteLine($"{Algorithm} on {id}: {model.StateCount} states, {model.ActionCount} actions, gamma {gamma}");
            io.Out.WriteLine();
            io.Out.Write(view.Render(solution.ValueName, solution.Values, solution.PolicyName, solution.Policy));
            io.Out.WriteLine();
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"iterations: {solution.Iterations}  ({solution.Status})"));
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wall time: {seconds * 1000:0.###} ms"));
        }
        io.Out.Flush();
        return 0;
    }
}

/// <summary><c>bellman solve value-iteration</c>: V*, Q* and an optimal policy by value iteration (synchronous sweeps from V = 0).</summary>
public sealed class SolveValueIterationCommand(CliIO io) : SolveCommand<SolveSettings>(io)
{
    /// <inheritdoc/>
    protected override string Algorithm => "value iteration";

    /// <inheritdoc/>
    protected override Solution Solve(TabularModel model, DpOptions options, SolveSettings settings)
    {
        var r = ValueIteration.Run(model, options);
        return new Solution(r.Values, r.Q, r.Policy, r.Iterations, r.Converged, r.Status, "V*", "greedy policy π*", [new("residual", Format.Double(r.Residual))]);
    }
}

/// <summary><c>bellman solve policy-iteration</c>: policy iteration from π_0 = action 0 everywhere, iterative evaluation warm-started.</summary>
public sealed class SolvePolicyIterationCommand(CliIO io) : SolveCommand<SolveSettings>(io)
{
    /// <inheritdoc/>
    protected override string Algorithm => "policy iteration";

    /// <inheritdoc/>
    protected override Solution Solve(TabularModel model, DpOptions options, SolveSettings settings)
    {
        var r = PolicyIteration.Run(model, options);
        return new Solution(r.Values, r.Q, r.Policy, r.Improvements, r.Converged, r.Status, "V*", "stable policy π*",
            [new("evaluation_sweeps", r.EvaluationSweeps.ToString(CultureInfo.InvariantCulture))]);
    }
}

/// <summary>
/// <c>bellman solve policy-evaluation</c>: V^π of the uniform random policy, or of the deterministic policy
/// given by <c>--policy</c>; its <c>policy</c> is the greedy policy of Q^π (one improvement step).
/// </summary>
public sealed class SolvePolicyEvaluationCommand(CliIO io) : SolveCommand<SolvePolicyEvaluationCommand.Settings>(io)
{
    /// <summary>Settings of <c>solve policy-evaluation</c>.</summary>
    public sealed class Settings : SolveSettings
    {
        /// <summary>The policy to evaluate, one action per state.</summary>
        [CommandOption("--policy <A0,A1,...>")]
        [Description("Deterministic policy to evaluate, one action per state, comma-separated (default: the uniform random policy).")]
        public string? Policy { get; init; }
    }

    /// <inheritdoc/>
    protected override string Algorithm => "policy evaluation";

    /// <inheritdoc/>
    protected override Solution Solve(TabularModel model, DpOptions options, Settings settings)
    {
        int states = model.StateCount, actions = model.ActionCount;
        int[]? policy = settings.Policy is null ? null : ParsePolicy(settings.Policy, states, actions);
        double[] probabilities;
        if (policy is null)
        {
            probabilities = new double[states * actions];
            Array.Fill(probabilities, 1.0 / actions);
        }
        else
        {
            probabilities = BellmanOperator.OneHot(policy, states, actions);
        }
        var r = PolicyEvaluation.Evaluate(model, probabilities, options);
        var q = BellmanOperator.ActionValues(model, r.Values, options.Gamma);
        string evaluated = policy is null ? "\"uniform\"" : TabularView.JsonInts(policy);
        return new Solution(r.Values, q, BellmanOperator.GreedyPolicy(q, actions, options.TieTolerance), r.Iterations, r.Converged, r.Status,
            policy is null ? "V^π of the uniform random policy" : "V^π of the given policy", "greedy policy of Q^π (one improvement step)",
            [new("evaluated_policy", evaluated), new("residual", Format.Double(r.Residual))]);
    }

    /// <summary>Parses <c>--policy</c>: exactly one action in 0..|A|−1 per state.</summary>
    internal static int[] ParsePolicy(string text, int states, int actions)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != states) throw new CliException($"--policy has {parts.Length} actions; the environment has {states} states, so it needs one action per state.");
        var policy = new int[states];
        for (int s = 0; s < states; s++)
        {
            if (!int.TryParse(parts[s], NumberStyles.Integer, CultureInfo.InvariantCulture, out policy[s]) || policy[s] < 0 || policy[s] >= actions)
                throw new CliException($"--policy entry {s} ('{parts[s]}') is not an action; valid actions are 0..{actions - 1}.");
        }
        return policy;
    }
}

/// <summary>
/// <c>bellman solve fitted-value-iteration</c>: the lecture's fitted value iteration with V_φ a neural network
/// over one-hot states (K target sets × S regression steps); reports how far V_φ is from V*.
/// </summary>
public sealed class SolveFittedValueIterationCommand(CliIO io) : SolveCommand<SolveFittedValueIterationCommand.Settings>(io)
{
    /// <summary>Settings of <c>solve fitted-value-iteration</c>.</summary>
    public sealed class Settings : SolveSettings
    {
        /// <summary>K.</summary>
        [CommandOption("--iterations <K>")]
        [Description("K: how many times the targets are recomputed (default 200).")]
        public int Iterations { get; init; } = 200;

        /// <summary>S.</summary>
        [CommandOption("--gradient-steps <S>")]
        [Description("S: full-batch regression steps per target set (default 50).")]
        public int GradientSteps { get; init; } = 50;

        /// <summary>The learning rate.</summary>
        [CommandOption("--learning-rate <LR>")]
        [Description("Adam's learning rate (default 0.003).")]
        public double LearningRate { get; init; } = 3e-3;

        /// <summary>The weight seed.</summary>
        [CommandOption("--seed <N>")]
        [Description("Seed of the network's initial weights (default 0).")]
        public int Seed { get; init; }
    }

    /// <inheritdoc/>
    protected override string Algorithm => "fitted value iteration";

    /// <inheritdoc/>
    protected override Solution Solve(TabularModel model, DpOptions options, Settings settings)
    {
        if (settings.Iterations <= 0) throw new CliException($"--iterations must be positive; got {settings.Iterations}.");
        if (settings.GradientSteps <= 0) throw new CliException($"--gradient-steps must be positive; got {settings.GradientSteps}.");
        if (!(settings.LearningRate > 0)) throw new CliException($"--learning-rate must be positive; got {settings.LearningRate.ToString(CultureInfo.InvariantCulture)}.");
        var fitted = Bellman.Algorithms.ValueBased.FittedValueIteration.Run(model,
            new Bellman.Algorithms.ValueBased.FittedValueIterationOptions(options.Gamma, settings.Iterations, settings.GradientSteps, settings.LearningRate),
            new Rng(settings.Seed));
        var exact = ValueIteration.Run(model, options);
        double gap = 0;
        for (int s = 0; s < model.StateCount; s++) gap = Math.Max(gap, Math.Abs(fitted.Values[s] - exact.Values[s]));
        string status = string.Create(CultureInfo.InvariantCulture, $"K = {settings.Iterations}, S = {settings.GradientSteps}; max |V_phi - V*| = {Format.Short(gap, 4)}, final regression loss {fitted.FinalLoss:0.####e+0}");
        return new Solution(fitted.Values, BellmanOperator.ActionValues(model, fitted.Values, options.Gamma), fitted.Policy, settings.Iterations, true, status,
            "V_phi", "greedy policy under V_phi", [new("max_abs_error_vs_v_star", Format.Double(gap)), new("final_loss", Format.Double(fitted.FinalLoss))]);
    }
}
