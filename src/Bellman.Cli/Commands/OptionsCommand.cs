using System.ComponentModel;
using Bellman.Algorithms;
using Bellman.Cli.Infrastructure;
using Bellman.Core.Text;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary><c>bellman options ALGO</c>: every option key of an algorithm with its type, default and description.</summary>
public sealed class OptionsCommand(CliIO io) : Command<OptionsCommand.Settings>
{
    /// <summary>Settings of <c>options</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>The algorithm.</summary>
        [CommandArgument(0, "<ALGO>")]
        [Description("An algorithm of `bellman train` (dqn, fqi, reinforce, actor-critic, a2c, ...).")]
        public string Algo { get; init; } = "";
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var algo = AlgorithmCatalog.Find(settings.Algo)
            ?? throw new CliException($"Unknown algorithm '{settings.Algo}'; {Suggestions.DidYouMean(settings.Algo, AlgorithmCatalog.All.Select(a => a.Name))}");
        io.Out.WriteLine($"{algo.Name}: {algo.Description}");
        var table = new Table().AddColumns("key", "type", "default", "description");
        foreach (var o in algo.Options)
            table.AddRow(Markup.Escape(o.Key), Markup.Escape(o.Type), Markup.Escape(o.Default), Markup.Escape(o.Description));
        io.Console.Write(table);
        io.Out.WriteLine($"Defaults shown are the algorithm's own; an environment's preset may change them (`bellman presets --algo {algo.Name}`). Set any key with --set key=value.");
        return 0;
    }
}
