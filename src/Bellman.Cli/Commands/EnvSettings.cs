using System.ComponentModel;
using Bellman.Cli.Infrastructure;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>Settings shared by commands that make one environment.</summary>
public class EnvSettings : CommandSettings
{
    /// <summary>The registered environment id.</summary>
    [CommandOption("--env <ID>")]
    [Description("Environment id, e.g. CartPole-v1 (see `bellman envs`; `train ALGO --help` shows its default under DEFAULTS).")]
    public string? Env { get; init; }

    /// <summary>Environment options as key=value.</summary>
    [CommandOption("--option <KEY=VALUE>")]
    [Description("Environment option, repeatable, e.g. --option map_name=8x8 --option is_slippery=false.")]
    public string[] Options { get; init; } = [];

    /// <summary>The id, or a clear error when it is missing.</summary>
    public string RequireEnv() => string.IsNullOrWhiteSpace(Env) ? throw new CliException("--env is required, e.g. --env CartPole-v1 (see `bellman envs` for the list).") : Env;

    /// <summary>Parses the options into a dictionary; a malformed or repeated one is an error.</summary>
    public IReadOnlyDictionary<string, string> ParseOptions() => KeyValues.Parse(Options, "--option");
}
