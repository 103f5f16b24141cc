using System.Globalization;
using System.Text;
using Bellman.Algorithms.Configuration;
using Bellman.Cli.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Bellman.Cli.Runs;

/// <summary>
/// A run's resolved configuration: algorithm, environment, seed, environment options and every algorithm
/// option. Written to <c>config.yaml</c> in the run folder; read back by <c>--config</c> and <c>--resume</c>.
/// </summary>
/// <param name="Algorithm">The algorithm (<c>dqn</c>).</param>
/// <param name="EnvId">The environment id.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Preset">The preset the options started from, if any.</param>
/// <param name="EnvOptions">Environment options.</param>
/// <param name="Options">Algorithm options as key/value strings.</param>
public sealed record RunConfig(string Algorithm, string EnvId, int Seed, string? Preset, IReadOnlyDictionary<string, string> EnvOptions, IReadOnlyList<(string Key, string Value)> Options)
{
    /// <summary>Top-level keys that are not algorithm options.</summary>
    public static readonly string[] RunKeys = ["algo", "env", "seed", "preset", "env_options"];

    /// <summary>The YAML text.</summary>
    public string ToYaml()
    {
        var sb = new StringBuilder();
        sb.Append("algo: ").Append(Algorithm).Append('\n');
        sb.Append("env: ").Append(EnvId).Append('\n');
        sb.Append("seed: ").Append(Seed.ToString(CultureInfo.InvariantCulture)).Append('\n');
        if (Preset is not null) sb.Append("preset: ").Append(Preset).Append('\n');
        if (EnvOptions.Count == 0) sb.Append("env_options: {}\n");
        else
        {
            sb.Append("env_options:\n");
            foreach (var (k, v) in EnvOptions) sb.Append("  ").Append(k).Append(": ").Append(v).Append('\n');
        }
        foreach (var (k, v) in Options) sb.Append(k).Append(": ").Append(v).Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// Reads a YAML mapping of scalar values (and one nested <c>env_options</c> mapping) into flat strings.
    /// Errors name the file and the key.
    /// </summary>
    public static (Dictionary<string, string> Values, Dictionary<string, string> EnvOptions) ReadYaml(string path)
    {
        if (!File.Exists(path)) throw new CliException($"Configuration file '{path}' does not exist.");
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new CliException($"'{path}' is not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet reports some malformed documents (an unclosed flow sequence, say) this way, without a position.
            throw new CliException($"'{path}' is not valid YAML (an unclosed [ or {{, or a key without a value?); it must be key: value lines.");
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var envOptions = new Dictionary<string, string>(StringComparer.Ordinal);
        if (stream.Documents.Count == 0) return (values, envOptions);
        if (stream.Documents[0].RootNode is not YamlMappingNode root) throw new CliException($"'{path}' must be a mapping of key: value lines.");
        foreach (var (keyNode, valueNode) in root.Children)
        {
            string key = keyNode is YamlScalarNode scalarKey ? scalarKey.Value ?? ""
                : throw new CliException($"'{path}' line {keyNode.Start.Line}: a key must be a plain name, not {keyNode.NodeType}.");
            if (key == "env_options")
            {
                if (valueNode is YamlMappingNode map)
                    foreach (var (k, v) in map.Children) envOptions[((YamlScalarNode)k).Value ?? ""] = Scalar(path, key, v);
                else if (valueNode is not YamlScalarNode { Value: null or "" or "{}" })
                    throw new CliException($"'{path}': env_options must be a mapping.");
                continue;
            }
            values[key] = Scalar(path, key, valueNode);
        }
        return (values, envOptions);
    }

    private static string Scalar(string path, string key, YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode seq => "[" + string.Join(", ", seq.Children.Select(c => (c as YamlScalarNode)?.Value
            ?? throw new CliException($"'{path}': {key} must be a list of numbers."))) + "]",
        _ => throw new CliException($"'{path}': {key} must be a single value."),
    };

    /// <summary>Formats a value the way the option binder reads it.</summary>
    public static string Format(object? value) => OptionBinder.FormatValue(value);
}
