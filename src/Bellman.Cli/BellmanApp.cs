using Bellman.Algorithms;
using Bellman.Algorithms.Tabular;
using Bellman.Cli.Commands;
using Bellman.Cli.Infrastructure;
using Spectre.Console.Cli;

namespace Bellman.Cli;

/// <summary>The <c>bellman</c> command line: builds the command tree and runs it against a <see cref="CliIO"/>.</summary>
public static class BellmanApp
{
    /// <summary>The message of an exception without .NET's " (Parameter 'x')" suffix.</summary>
    internal static string MessageOf(Exception e) => e is ArgumentException { ParamName: not null } a
        ? a.Message.Replace($" (Parameter '{a.ParamName}')", "", StringComparison.Ordinal)
        : e.Message;

    /// <summary>The informational version of this build (<c>bellman --version</c>).</summary>
    public static string Version { get; } =
        typeof(BellmanApp).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false) is [System.Reflection.AssemblyInformationalVersionAttribute v, ..]
            ? v.InformationalVersion.Split('+')[0] : "0.0.0";

    /// <summary>Runs the CLI with <paramref name="args"/>, writing through <paramref name="io"/>; returns the exit code.</summary>
    public static int Run(string[] args, CliIO io, CancellationToken cancellation = default)
    {
        var registrar = new TypeRegistrar();
        registrar.RegisterInstance(typeof(CliIO), io);
        var app = new CommandApp(registrar);
        app.Configure(config =>
        {
            config.SetApplicationName("bellman");
            config.SetApplicationVersion(Version);
            config.ConfigureConsole(io.Console);
            config.PropagateExceptions();
            config.AddCommand<EnvsCommand>("envs").WithDescription("List the registered environments with their spaces, time limits and reward thresholds.");
            config.AddBranch("train", train =>
            {
                train.SetDescription("Train an agent; writes a run folder (config, metrics, evaluations, checkpoints, plot, summary).");
                foreach (var algorithm in AlgorithmCatalog.All)
                    train.AddCommand<TrainCommand>(algorithm.Name).WithData(algorithm).WithDescription(algorithm.Description)
                        .WithExample("train", algorithm.Name, "--env", algorithm.Presets.FirstOrDefault()?.EnvId ?? "CartPole-v1", "--seed", "0");
                train.AddCommand<TrainTabularCommand>("q-learning").WithData(TdControlMethod.QLearning).WithDescription("Tabular Q-learning on a discrete environment; reports the greedy policy's return and, with a model, its distance to V*.");
                train.AddCommand<TrainTabularCommand>("sarsa").WithData(TdControlMethod.Sarsa).WithDescription("Tabular SARSA on a discrete environment.");
                train.AddCommand<TrainTabularCommand>("expected-sarsa").WithData(TdControlMethod.ExpectedSarsa).WithDescription("Tabular expected SARSA on a discrete environment.");
            });
            config.AddBranch("solve", solve =>
            {
                solve.SetDescription("Dynamic programming on an environment with a known model: V, Q and the greedy policy.");
                solve.AddCommand<SolveValueIterationCommand>("value-iteration").WithDescription("V*, Q* and π* by value iteration.").WithExample("solve", "value-iteration", "--env", "FrozenLake-v1");
                solve.AddCommand<SolvePolicyIterationCommand>("policy-iteration").WithDescription("V*, Q* and π* by policy iteration.");
                solve.AddCommand<SolveFittedValueIterationCommand>("fitted-value-iteration").WithDescription("The lecture's fitted value iteration: V_phi a network over one-hot states, K targets × S steps; reports max |V_phi − V*|.");
                solve.AddCommand<SolvePolicyEvaluationCommand>("policy-evaluation").WithDescription("V^π of the uniform random policy or of --policy.");
            });
            config.AddCommand<ValueFitCommand>("value-fit").WithDescription("Compare fitting V to Monte Carlo vs bootstrapped targets on the same data (error, bias, variance against V^pi).");
            config.AddCommand<PresetsCommand>("presets").WithDescription("List the built-in presets (of one algorithm or environment) and their options.");
            config.AddCommand<OptionsCommand>("options").WithDescription("List every option key of an algorithm with its type, default and description.")
                .WithExample("options", "dqn");
            config.AddCommand<EvalCommand>("eval").WithDescription("Evaluate a run's (or a checkpoint's) greedy policy.");
            config.AddCommand<PlotCommand>("plot").WithDescription("Overlay the learning curves of several runs into one PNG.");
            config.AddBranch("bench", bench =>
            {
                bench.SetDescription("Measure speed on this machine.");
                bench.AddCommand<BenchNnCommand>("nn").WithDescription("Time a DQN gradient step and a greedy action (medians, GFLOP/s).");
            });
            config.AddBranch("env", env =>
            {
                env.SetDescription("Work with one environment.");
                env.AddCommand<EnvRolloutCommand>("rollout").WithDescription("Step an environment through given actions, printing one JSON object per line.")
                    .WithExample("env", "rollout", "--env", "CartPole-v1", "--seed", "0", "--actions", "[0,1,1]");
                env.AddCommand<EnvRandomCommand>("random").WithDescription("Run episodes with a uniformly random policy and print their returns.");
                env.AddCommand<EnvCheckCommand>("check").WithDescription("Check an environment against the environment contract (spaces, reset/step, determinism, NaN).");
            });
        });
        try
        {
            return app.Run(args, cancellation);
        }
        catch (Exception e) when (e is CliException or Bellman.Nn.Serialization.CheckpointMismatchException or InvalidDataException or ArgumentException or InvalidOperationException or FormatException or IOException or CommandAppException or NotSupportedException)
        {
            io.Error.WriteLine($"error: {MessageOf(e)}");
            return 2;
        }
    }
}
