using System.ComponentModel;
using Bellman.Algorithms.Export;
using Bellman.Algorithms.Training;
using Bellman.Cli.Infrastructure;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary><c>bellman export RUN_OR_CHECKPOINT --onnx policy.onnx</c>: the greedy policy as an ONNX model for ONNX Runtime, Unity or Godot.</summary>
public sealed class ExportCommand(CliIO io) : Command<ExportCommand.Settings>
{
    /// <summary>Settings of <c>export</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>A run folder or a checkpoint.</summary>
        [CommandArgument(0, "<RUN_OR_CHECKPOINT>")]
        [Description("A run folder (its best, else latest checkpoint) or a checkpoint.")]
        public string Target { get; init; } = "";

        /// <summary>The ONNX file to write.</summary>
        [CommandOption("--onnx <FILE>")]
        [Description("The ONNX model to write: input obs [[batch, ...observation shape]]; outputs the raw head (q, logits or mean) and action.")]
        public string? Onnx { get; init; }

        /// <summary>The opset.</summary>
        [CommandOption("--opset <N>")]
        [Description("ONNX opset, 13 to 21 (default 13).")]
        public int Opset { get; init; } = 13;
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string output = settings.Onnx ?? throw new CliException("--onnx FILE is required, e.g. --onnx policy.onnx.");
        if (settings.Opset is < 13 or > 21) throw new CliException($"--opset {settings.Opset} is not supported; choose 13 to 21.");
        OutputFile.Check(output);
        string prefix = EvalCommand.ResolveCheckpoint(settings.Target);
        using var algorithm = Algorithm.Load(prefix);
        algorithm.Export(output, settings.Opset);
        io.Out.WriteLine($"{algorithm.Name} policy of {prefix} (step {algorithm.State.Step}) -> {output} (opset {settings.Opset}; input obs [batch, {string.Join(", ", algorithm.Agent.ObservationSpace.Shape)}]; outputs action and the raw head)");
        return 0;
    }
}
