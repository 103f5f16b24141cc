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
        if (Directory.Exists(path)) throw new CliException($"Configuration file '{path}' is a folder; give a YAML file (a run's config.yaml, say).");
        if (!File.Exists(path)) throw new CliException($"Configuration file '{path}' does not exist.");
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        var parser = new TrackingParser(new YamlDotNet.Core.Parser(reader));
        try
        {
            stream.Load(parser);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new CliException($"'{path}' is not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet reports some malformed documents this way, without a position: the last event read gives it.
            throw new CliException($"'{path}' is not valid YAML after line {parser.Last.Line}, column {parser.Last.Column} (an unclosed [ or {{, or a key without a value?); it must be key: value lines.");
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var envOptions = new Dictionary<string, string>(StringComparer.Ordinal);
        if (stream.Documents.Count == 0) return (values, envOptions);
        if (stream.Documents.Count > 1)
            throw new CliException($"'{path}' holds {stream.Documents.Count} YAML documents (separated by ---, the second at line {stream.Documents[1].RootNode.Start.Line}); a configuration is one mapping of key: value lines.");
        if (stream.Documents[0].RootNode is not YamlMappingNode root) throw new CliException($"'{path}' must be a mapping of key: value lines.");
        foreach (var (keyNode, valueNode) in root.Children)
        {
            string key = keyNode is YamlScalarNode scalarKey ? scalarKey.Value ?? ""
                : throw new CliException($"'{path}' line {keyNode.Start.Line}, column {keyNode.Start.Column}: a key must be a plain name, not a {Kind(keyNode)}.");
            if (key == "env_options")
            {
                if (valueNode is YamlMappingNode map)
                {
                    foreach (var (k, v) in map.Children)
                    {
                        string option = k is YamlScalarNode { Value: string name } ? name
                            : throw new CliException($"'{path}' line {k.Start.Line}, column {k.Start.Column}: an env_options key must be a plain name, not a {Kind(k)}.");
                        envOptions[option] = Scalar(path, $"env_options.{option}", v);
                    }
                }
                else if (valueNode is not YamlScalarNode { Value: null or "" or "{}" })
                    throw new CliException($"'{path}' line {valueNode.Start.Line}, column {valueNode.Start.Column}: env_options must be a mapping of option: value lines.");
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
            ?? throw new CliException($"'{path}' line {c.Start.Line}, column {c.Start.Column}: {key} must be a list of numbers, not a list holding a {Kind(c)}."))) + "]",
        _ => throw new CliException($"'{path}' line {node.Start.Line}, column {node.Start.Column}: {key} must be a single value, not a {Kind(node)}."),
    };

    private static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        _ => "value",
    };

    /// <summary>Formats a value the way the option binder reads it.</summary>
    public static string Format(object? value) => OptionBinder.FormatValue(value);

    /// <summary>A YAML parser that remembers where the last event it produced ended, to place an error YamlDotNet reports without one.</summary>
    private sealed class TrackingParser(YamlDotNet.Core.IParser inner) : YamlDotNet.Core.IParser
    {
        public YamlDotNet.Core.Mark Last { get; private set; } = YamlDotNet.Core.Mark.Empty;

        public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            bool more = inner.MoveNext();
            if (inner.Current is { } e) Last = e.End;
            return more;
        }
    }
}
