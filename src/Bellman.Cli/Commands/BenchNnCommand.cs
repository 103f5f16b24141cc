using System.ComponentModel;
using System.Globalization;
using Bellman.Cli.Infrastructure;
using Bellman.Cli.Diagnostics;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>
/// <c>bellman bench nn</c>: times, on this machine, one DQN gradient step (batch 64, MLP 4-256-256-2,
/// Huber vs target max, clip 10, Adam) and one greedy action, after warm-up; reports medians and GFLOP/s, the
/// core's measured float32 peak (<see cref="CorePeak"/>) and each figure's ratio to its floor (FLOPs at that peak).
/// </summary>
public sealed class BenchNnCommand(CliIO io) : Command<BenchNnCommand.Settings>
{
    /// <summary>Settings of <c>bench nn</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print one JSON object with named figures.")]
        public bool Json { get; init; }

        /// <summary>Gradient steps to time.</summary>
        [CommandOption("--steps <N>")]
        [Description("Gradient steps to time (default 2000).")]
        public int Steps { get; init; } = 2000;

        /// <summary>Threads for the threaded gradient-step comparison.</summary>
        [CommandOption("--threads <N>")]
        [Description("Also time the gradient step with N engine threads against one, in wall time (default 1: no comparison).")]
        public int Threads { get; init; } = 1;
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Steps <= 0) throw new CliException($"--steps must be positive, got {settings.Steps}.");
        if (settings.Threads is < 1 or > 256) throw new CliException($"--threads must be between 1 and 256, got {settings.Threads} (this machine has {Environment.ProcessorCount} processors).");
        var r = DqnStepWorkload.Measure(settings.Steps, settings.Steps * 100);
        (double One, double Threaded)? wall = settings.Threads > 1 ? DqnStepWorkload.MeasureThreads(settings.Threads, settings.Steps) : null;
        if (settings.Json)
        {
            string threaded = wall is { } w
                ? string.Create(CultureInfo.InvariantCulture, $"\"threads\":{settings.Threads},\"grad_step_wall_us_1_thread\":{w.One:0.###},\"grad_step_wall_us_threaded\":{w.Threaded:0.###},\"thread_speedup\":{w.One / w.Threaded:0.###},\"processors\":{Environment.ProcessorCount},")
                : "";
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"grad_step_us\":{r.GradStepMicroseconds:0.###},\"grad_step_gflops\":{r.GradStepGflops:0.##},\"grad_step_floor_us\":{r.GradStepFloorMicroseconds:0.###},\"grad_step_ratio_to_floor\":{r.GradStepRatioToFloor:0.###},\"grad_step_best_us\":{r.GradStepBestMicroseconds:0.###},") +
                string.Create(CultureInfo.InvariantCulture,
                $"\"greedy_action_us\":{r.GreedyActionMicroseconds:0.####},\"greedy_action_gflops\":{r.GreedyActionGflops:0.##},\"greedy_action_floor_us\":{r.GreedyActionFloorMicroseconds:0.####},\"greedy_action_ratio_to_floor\":{r.GreedyActionRatioToFloor:0.###},\"greedy_action_best_us\":{r.GreedyActionBestMicroseconds:0.####},") +
                threaded + string.Create(CultureInfo.InvariantCulture,
                $"\"grad_step_bytes_allocated\":{r.BytesAllocatedPerGradStep},\"core_peak_gflops\":{r.PeakGflops:0.#},\"vector_width_bits\":{VectorBits()},\"clock\":\"{ThreadClock.Name}\"}}"));
            return 0;
        }
        io.Out.WriteLine("DQN gradient step (batch 64, MLP 4-256-256-2, Huber vs target max, clip 10, Adam):");
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  median {r.GradStepMicroseconds:0.0} µs  ({r.GradStepGflops:0.0} GFLOP/s, {DqnStepWorkload.GradStepFlops / 1e6:0.0} MFLOP), {r.BytesAllocatedPerGradStep} bytes allocated per step"));
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  floor {r.GradStepFloorMicroseconds:0.0} µs at the core's peak: {r.GradStepRatioToFloor:0.00}× the floor (fastest batch {r.GradStepBestMicroseconds:0.0} µs)"));
        io.Out.WriteLine("Greedy action (batch 1, same network):");
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  median {r.GreedyActionMicroseconds:0.000} µs  ({r.GreedyActionGflops:0.0} GFLOP/s), floor {r.GreedyActionFloorMicroseconds:0.000} µs: {r.GreedyActionRatioToFloor:0.0}× the floor (fastest batch {r.GreedyActionBestMicroseconds:0.000} µs)"));
        if (wall is { } t)
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Gradient step in wall time: {t.One:0.0} µs on one thread, {t.Threaded:0.0} µs on {settings.Threads} ({t.One / t.Threaded:0.00}× faster; {Environment.ProcessorCount} processors; bit-identical parameters)."));
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Core peak (measured, float32 FMA chains): {r.PeakGflops:0.0} GFLOP/s; SIMD: {VectorBits()}-bit vectors, single thread; times are {ThreadClock.Name} time."));
        return 0;
    }

    private static int VectorBits() =>
        System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512 : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 256 : 128;
}
