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

    /// <summary>
    /// Spectre's "Failed to convert 'abc' to Nullable`1." names neither the option nor the expected type:
    /// find the option the value was given to and say what it takes.
    /// </summary>
    private static string? ConversionFailure(string message, string[] args)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, "^Failed to convert '(.*)' to (.*)\\.$");
        if (!m.Success) return null;
        string value = m.Groups[1].Value;
        int i = Array.IndexOf(args, value);
        string option = i > 0 && args[i - 1].StartsWith('-') ? args[i - 1] : i >= 0 ? "an argument" : "an option";
        var inline = args.FirstOrDefault(a => a.StartsWith("--", StringComparison.Ordinal) && a.EndsWith("=" + value, StringComparison.Ordinal));
        if (inline is not null) option = inline[..inline.IndexOf('=')];
        return $"{option} = '{value}' is not a valid value: it takes {Expected(option)} (see `--help`).";
    }

    /// <summary>
    /// Spectre's strict parsing says "Unknown option 'run-dir'." without the options the command does take:
    /// read them from the command's own help (so the list is exactly what <c>--help</c> shows) and name the closest.
    /// </summary>
    private static string? UnknownOption(string message, string[] args)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, "^Unknown option '(.*)'\\.$");
        if (!m.Success) return null;
        string[] path = [.. args.TakeWhile(a => !a.StartsWith('-'))];
        var help = new StringWriter();
        Run([.. path, "--help"], new CliIO(help, TextWriter.Null, width: 400));
        string options = help.ToString() is var text && text.IndexOf("OPTIONS:", StringComparison.Ordinal) is int at and >= 0 ? text[at..] : "";
        string given = "--" + m.Groups[1].Value;
        var valid = System.Text.RegularExpressions.Regex.Matches(options, @"^\s+(?:-\w, )?(--[a-z][a-z0-9-]*)", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(x => x.Groups[1].Value).Where(o => Core.Text.Suggestions.EditDistance(o, given) <= given.Length / 2).Distinct();
        string command = string.Join(' ', ["bellman", .. path]);
        string hint = Core.Text.Suggestions.DidYouMean(given, valid);
        return $"`{command}` has no option --{m.Groups[1].Value}{(hint.Length > 0 ? "; " + hint : ".")} (`{command} --help` lists its options)";
    }

    /// <summary>
    /// What an option takes, from the types of the settings properties that declare it (every command's
    /// settings in this assembly): "an integer from -2147483648 to 2147483647", "a number", ...
    /// </summary>
    internal static string Expected(string option)
    {
        var types = typeof(BellmanApp).Assembly.GetTypes()
            .Where(t => typeof(CommandSettings).IsAssignableFrom(t))
            .SelectMany(t => t.GetProperties())
            .Where(p => p.GetCustomAttributes(typeof(CommandOptionAttribute), true) is [CommandOptionAttribute a, ..] && a.LongNames.Any(n => "--" + n == option))
            .Select(p => Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType)
            .Select(t => t.IsArray ? t.GetElementType()! : t)
            .Distinct().ToList();
        return types switch
        {
            [var t] when t == typeof(int) => $"an integer from {int.MinValue} to {int.MaxValue}",
            [var t] when t == typeof(long) => "an integer",
            [var t] when t == typeof(double) || t == typeof(float) => "a number",
            [var t] when t.IsEnum => $"one of {string.Join(", ", Enum.GetNames(t).Select(Algorithms.Configuration.OptionBinder.EnumName))}",
            _ when types.All(t => t == typeof(int) || t == typeof(long)) && types.Count > 0 => "an integer",
            _ => "a number",
        };
    }

    /// <summary>The informational version of this build (<c>bellman --version</c>).</summary>
    public static string Version { get; } =
        typeof(BellmanApp).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false) is [System.Reflection.AssemblyInformationalVersionAttribute v, ..]
            ? v.InformationalVersion.Split('+')[0] : "0.0.0";

    /// <summary>Runs the CLI with <paramref name="args"/>, writing through <paramref name="io"/>; returns the exit code.</summary>
    public static int Run(string[] args, CliIO io, CancellationToken cancellation = default)
    {
        // --verbose anywhere shows the stack trace of an unexpected error; it is not a command option.
        bool verbose = args.Contains("--verbose");
        args = [.. args.Where(a => a != "--verbose")];
        var registrar = new TypeRegistrar();
        registrar.RegisterInstance(typeof(CliIO), io);
        var app = new CommandApp(registrar);
        app.Configure(config =>
        {
            config.SetApplicationName("bellman");
            config.SetApplicationVersion(Version);
            config.ConfigureConsole(io.Console);
            config.PropagateExceptions();
            config.UseStrictParsing();
            config.SetHelpProvider(new BellmanHelp(config.Settings));
            config.AddCommand<EnvsCommand>("envs").WithDescription("List the registered environments with their spaces, time limits and reward thresholds.");
            config.AddBranch("train", train =>
            {
                train.SetDescription("Train an agent; writes a run folder (config, metrics, evaluations, checkpoints, plot, summary).");
                foreach (var algorithm in AlgorithmCatalog.All)
                    train.AddCommand<TrainCommand>(algorithm.Name).WithData(algorithm).WithDescription(algorithm.Description)
                        .WithExample("train", algorithm.Name, "--env", TrainCommand.DefaultEnv(algorithm), "--seed", "0");
                train.AddCommand<BackgammonTrainCommand>("td-gammon").WithDescription("TD-Gammon: TD(lambda) self-play on backgammon (Tesauro 1992); a run folder with metrics and a checkpoint.");
                train.AddCommand<ApexTrainCommand>("apex").WithDescription("Ape-X DQN on Microsoft Orleans: a learner with prioritized replay shards (grains) in this process and --actors N actor processes on this machine.")
                    .WithExample("train", "apex", "--env", "CartPole-v1", "--actors", "2");
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
            config.AddCommand<RenderCommand>("render").WithDescription("Draw episodes of a run's greedy policy (or of a random policy on --env) as Gymnasium's rgb_array into a GIF, a PNG strip or a folder of PNGs.");
            config.AddCommand<ExportCommand>("export").WithDescription("Export a run's greedy policy as an ONNX model (ONNX Runtime, Unity Sentis, Godot).")
                .WithExample("export", "runs/dqn-CartPole-v1-s0", "--onnx", "policy.onnx");
            config.AddCommand<PlotCommand>("plot").WithDescription("Overlay the learning curves of several runs into one PNG.");
            config.AddBranch("bench", bench =>
            {
                bench.SetDescription("Measure speed on this machine.");
                bench.AddCommand<BenchNnCommand>("nn").WithDescription("Time a DQN gradient step and a greedy action (medians, GFLOP/s).");
                bench.AddCommand<ApexBenchCommand>("apex").WithDescription("Ape-X per-message costs through a loopback Orleans silo (bytes, µs) against the same shard calls in process.");
            });
            config.AddBranch("backgammon", BackgammonCommands.Configure);
            config.AddBranch("apex", apex =>
            {
                apex.SetDescription("Ape-X DQN by hand, on one or several machines (Orleans silo and clients).");
                apex.AddCommand<ApexLearnerCommand>("learner").WithDescription("The learner and its replay shards; waits for actors.").WithExample("apex", "learner", "--env", "CartPole-v1", "--actors", "2");
                apex.AddCommand<ApexActorCommand>("actor").WithDescription("One actor process: connects to a learner's gateway and feeds its replay shards.").WithExample("apex", "actor", "--learner", "127.0.0.1:30000", "--index", "0");
            });
            config.AddBranch("env", env =>
            {
                env.SetDescription("Work with one environment.");
                env.AddCommand<EnvRolloutCommand>("rollout").WithDescription("Step an environment through given actions, printing one JSON object per line.")
                    .WithExample("env", "rollout", "--env", "CartPole-v1", "--seed", "0", "--actions", "[0,1,1]");
                env.AddCommand<EnvRandomCommand>("random").WithDescription("Run episodes with a uniformly random policy and print their returns.");
                env.AddCommand<EnvRenderCommand>("render").WithDescription("Draw an episode of a grid environment (MinAtar) as an animated GIF or PNG frames, in MinAtar's colours.")
                    .WithExample("env", "render", "--env", "MinAtar/Breakout-v1", "--seed", "0", "--out", "breakout.gif");
                env.AddCommand<EnvCheckCommand>("check").WithDescription("Check an environment against the environment contract (spaces, reset/step, determinism, NaN).");
            });
        });
        try
        {
            return app.Run(args, cancellation);
        }
        catch (CommandParseException e) when (UnknownOption(e.Message, args) is string message)
        {
            io.Error.WriteLine($"error: {message}");
            return 2;
        }
        catch (CommandRuntimeException e) when (ConversionFailure(e.Message, args) is string message)
        {
            io.Error.WriteLine($"error: {message}");
            return 2;
        }
        catch (Exception e) when (e is CliException or Bellman.Nn.Serialization.CheckpointMismatchException or InvalidDataException or ArgumentException or InvalidOperationException or FormatException or IOException or CommandAppException or NotSupportedException or UnauthorizedAccessException)
        {
            io.Error.WriteLine($"error: {MessageOf(e)}");
            if (verbose) io.Error.WriteLine(e.ToString());
            return 2;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Anything else is a bug: one line, the way to see more, and where to report it.
            io.Error.WriteLine($"error: unexpected {e.GetType().Name}: {MessageOf(e)}");
            if (verbose) io.Error.WriteLine(e.ToString());
            else io.Error.WriteLine("This is a bug in Bellman; run again with --verbose for the stack trace and please report it.");
            return 70;
        }
    }
}
