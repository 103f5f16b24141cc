using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Bellman.Cli.Infrastructure;
using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Bellman.Environments;
using Bellman.Environments.MinAtar;
using Bellman.Environments.Wrappers;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>
/// <c>bellman env rollout</c>: resets an environment from a seed or an explicit internal state, takes the
/// given actions, and prints one JSON object per line with numbers that round-trip exactly, so that any
/// Bellman environment can be compared with Gymnasium from outside. A MinAtar observation prints as the
/// sorted flat indices of its true cells in C order of (10, 10, C), index = (row·10 + col)·C + channel
/// (the encoding of MinAtar's reference episodes), and each step adds the executed action after the
/// sticky draw.
/// </summary>
public sealed class EnvRolloutCommand(CliIO io) : Command<EnvRolloutCommand.Settings>
{
    /// <summary>Settings of <c>env rollout</c>.</summary>
    public sealed class Settings : EnvSettings
    {
        /// <summary>The reset seed.</summary>
        [CommandOption("--seed <N>")]
        [Description("Seed for Reset.")]
        public int? Seed { get; init; }

        /// <summary>An explicit internal state.</summary>
        [CommandOption("--state <X1,X2,...>")]
        [Description("Start from this internal state (env.unwrapped.state), comma-separated; use --state=-0.1,... for a leading minus.")]
        public string? State { get; init; }

        /// <summary>The actions as a JSON array.</summary>
        [CommandOption("--actions <JSON>")]
        [Description("Actions as a JSON array: [[0,1,1]] for discrete, [[[[0.5]],[[-2.0]]]] for continuous.")]
        public string Actions { get; init; } = "[]";
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string id = settings.RequireEnv();
        if (settings.Seed is not null && settings.State is not null) throw new CliException("Give either --seed or --state, not both.");
        var env = EnvRegistry.Default.Make(id, settings.ParseOptions());
        var actions = ParseActions(settings.Actions, env);

        ReadOnlySpan<float> obs;
        if (settings.State is not null)
        {
            if (env is not IStatefulEnvironment stateful)
                throw new CliException($"{id} cannot start from an explicit state; use --seed.");
            obs = stateful.ResetToState(ParseState(settings.State));
        }
        else
        {
            obs = env.Reset(settings.Seed);
        }
        var minAtar = env.Find<MinAtarEnvironment>();
        io.Out.WriteLine($"{{\"obs\":{FormatObservation(env.ObservationSpace, obs, minAtar is not null)}}}");
        foreach (var action in actions)
        {
            var r = action.Length == 1 && env.ActionSpace is Discrete ? env.Step((int)action[0]) : env.Step(action);
            string executed = minAtar is null ? "" : string.Create(CultureInfo.InvariantCulture, $",\"executed_action\":{minAtar.LastAction}");
            io.Out.WriteLine($"{{\"obs\":{FormatObservation(env.ObservationSpace, env.Observation, minAtar is not null)},\"reward\":{Format.Double(r.Reward)},\"terminated\":{Format.Bool(r.Terminated)},\"truncated\":{Format.Bool(r.Truncated)}{executed}}}");
        }
        io.Out.Flush();
        return 0;
    }

    /// <summary>
    /// A Discrete observation prints as the integer Gymnasium returns; a Box one as an array, or, for a
    /// boolean grid (<paramref name="trueCells"/>), as the sorted flat indices of its non-zero cells.
    /// </summary>
    internal static string FormatObservation(Space space, ReadOnlySpan<float> obs, bool trueCells = false)
    {
        if (space is Discrete) return ((int)obs[0]).ToString(CultureInfo.InvariantCulture);
        if (!trueCells) return Format.FloatArray(obs);
        var indices = new List<string>();
        for (int i = 0; i < obs.Length; i++) if (obs[i] != 0) indices.Add(i.ToString(CultureInfo.InvariantCulture));
        return "[" + string.Join(",", indices) + "]";
    }

    internal static double[] ParseState(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var state = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out state[i]))
                throw new CliException($"--state element {i} ('{parts[i]}') is not a number.");
        }
        return state;
    }

    /// <summary>Parses the JSON action list: integers for Discrete spaces, arrays (or bare numbers for 1-D) for Box spaces.</summary>
    internal static List<float[]> ParseActions(string json, IEnvironment env)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new CliException($"--actions is not valid JSON: {e.Message}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new CliException("--actions must be a JSON array, e.g. [0,1,1] or [[0.5],[-2.0]].");
            var result = new List<float[]>();
            int index = 0;
            bool discrete = env.ActionSpace is Core.Spaces.Discrete;
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                // A Discrete space takes whole numbers only: 0.5, 1.9 or [1] are errors, not silently truncated.
                if (discrete && (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out _)))
                    throw new CliException($"--actions element {index} is {item.GetRawText()}, but {env.Name}'s action space {env.ActionSpace} takes whole numbers such as 0 or 1.");
                result.Add(item.ValueKind switch
                {
                    JsonValueKind.Number => [ToFloat(item, index)],
                    JsonValueKind.Array => item.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number ? ToFloat(x, index)
                        : IsNaN(x) ? float.NaN
                        : throw new CliException($"--actions element {index} contains {x.ValueKind}, not a number.")).ToArray(),
                    JsonValueKind.String when IsNaN(item) => [float.NaN],
                    _ => throw new CliException($"--actions element {index} is {item.ValueKind}; {env.Name} takes actions from {env.ActionSpace}."),
                });
                // Every action is checked before the first step, so that a bad one prints nothing rather than half a rollout.
                if (env.ActionSpace is Core.Spaces.Discrete d && (result[^1][0] < d.Start || result[^1][0] >= d.Start + d.N))
                    throw new CliException($"--actions element {index}: action {item.GetRawText()} is outside the action space {d} of {env.Name} (valid: {d.Start}..{d.Start + d.N - 1}).");
                if (!discrete && result[^1].Length != env.ActionSpace.FlatSize)
                    throw new CliException($"--actions element {index}: action {item.GetRawText()} has {result[^1].Length} elements, but the action space {env.ActionSpace} needs {env.ActionSpace.FlatSize} ({env.Name}).");
                index++;
            }
            return result;
        }
    }

    private static bool IsNaN(JsonElement e) => e.ValueKind == JsonValueKind.String && e.GetString() is "NaN" or "nan";

    private static float ToFloat(JsonElement e, int index)
    {
        if (!e.TryGetDouble(out double d)) throw new CliException($"--actions element {index} ('{e.GetRawText()}') is not a number.");
        return (float)d;
    }
}
