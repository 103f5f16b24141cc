using System.ComponentModel;
using System.Globalization;
using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.Configuration;
using Bellman.Cli.Infrastructure;
using Bellman.Core.Random;
using Bellman.Environments;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>
/// <c>bellman value-fit</c>: fits V̂^π to Monte Carlo and to bootstrapped targets on the same data of one
/// policy (A2C trained for <c>--train-steps</c>, 0 = its untrained, near-uniform policy) and prints each
/// fit's error, bias and variance against a Monte Carlo estimate of the true V^π.
/// </summary>
public sealed class ValueFitCommand(CliIO io) : Command<ValueFitCommand.Settings>
{
    /// <summary>Settings of <c>value-fit</c>.</summary>
    public sealed class Settings : EnvSettings
    {
        /// <summary>The seed.</summary>
        [CommandOption("--seed <N>")]
        [Description("Seed of the policy's training, the data and the networks (default 0).")]
        public int Seed { get; init; }

        /// <summary>A2C steps to train the evaluated policy.</summary>
        [CommandOption("--train-steps <N>")]
        [Description("A2C steps (zoo preset) training the policy whose value is fitted (default 20000; 0: the untrained policy).")]
        public long TrainSteps { get; init; } = 20_000;

        /// <summary>Option overrides.</summary>
        [CommandOption("--set <KEY=VALUE>")]
        [Description("Override a comparison setting: episodes, datasets, probe_states, rollouts, gamma, net_arch, gradient_steps, bootstrap_rounds, learning_rate.")]
        public string[] Set { get; init; } = [];

        /// <inheritdoc/>
        public override Spectre.Console.ValidationResult Validate() =>
            TrainSteps < 0 ? Spectre.Console.ValidationResult.Error($"--train-steps must be non-negative, got {TrainSteps}.") : base.Validate();
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string id = settings.Env ?? "CartPole-v1";
        var envOptions = settings.ParseOptions();
        var options = OptionBinder.Apply(new ValueFitOptions(), KeyValues.Parse(settings.Set, "--set", lastWins: true), "--set").Validate();
        var a2c = (OnPolicyPresets.A2c.DefaultFor(id)?.Options ?? new A2cOptions()) with { TotalSteps = Math.Max(1, settings.TrainSteps), EvalFrequency = 0 };
        using var run = new Bellman.A2c(EnvironmentSource.FromId(id, envOptions), a2c, settings.Seed);
        if (settings.TrainSteps > 0) run.Run(a2c.TotalSteps, NullMetricsSink.Instance, cancellationToken);
        var agent = (ActorCriticAgent)run.Agent;
        void Policy(ReadOnlySpan<float> s, Span<float> a, Rng rng)
        {
            agent.Act(s, 1, a, rng);
            agent.ClipToBounds(a);
        }
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{id}: value of the A2C policy after {run.State.Step} steps; {options.Datasets} datasets of {options.Episodes} episodes, {options.ProbeStates} probe states x {options.Rollouts} rollouts, gamma {options.Gamma}"));
        var report = ValueFitComparison.Run(() => EnvRegistry.Default.Make(id, envOptions), Policy, options, settings.Seed);
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean V^pi at the probe states {Format.Short(report.MeanTrueValue)}; {report.MeanDatasetSteps:0} transitions per dataset"));
        io.Out.WriteLine($"{"targets",-14} {"rmse",10} {"bias",10} {"variance",10} {"target std",11}");
        foreach (var r in new[] { report.MonteCarlo, report.Bootstrapped })
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Method,-14} {Format.Short(r.Rmse),10} {Format.Short(r.Bias),10} {Format.Short(r.Variance),10} {Format.Short(r.TargetStd),11}"));
        return 0;
    }
}
