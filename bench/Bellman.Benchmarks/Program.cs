using BenchmarkDotNet.Running;

// `gemm-quick [filter]` prints Stopwatch medians of the Gemm shapes (fast, for a quick look);
// `dqn-parts` times each part of the DQN gradient step (products, Adam, clipping, zeroing) against its floor;
// `continuous-quick` prints the SAC and TD3 gradient-step medians;
// `minatar-dqn-step [peak GFLOP/s] [parts]` times one DQN update at MinAtar's settings (or its parts) against its floor,
// `minatar-dqn-step replay` prints the replay buffer's bytes per transition per game;
// `sac-parts` times the pieces of a SAC gradient step (products, Adam, Polyak) against the core's peak,
// `sac-parts loop N` only runs N SAC steps (a process to hold under `perf record`);
// `minatar-steps [game]` prints each MinAtar game's (or one game's) CPU time per environment step (to set beside MinAtar's Python);
// `overlap-quick` trains DQN with and without overlap_collection beside an environment of a stated cost per step;
// `cem-quick` times QT-Opt's CEM action for one state and its parts against their FLOP floor;
// `e2e [peak GFLOP/s] [filter] [--threads N]` trains each algorithm end to end for a short budget: env and gradient steps/s next to the floor;
// anything else goes to BenchmarkDotNet's switcher, e.g. `--filter '*CartPole*' --job short`.
if (args is ["gemm-quick", ..])
{
    Bellman.Benchmarks.GemmQuickBench.Run(Console.Out, args.Length > 1 ? args[1] : null);
    return;
}
if (args is ["dqn-parts", ..])
{
    Bellman.Benchmarks.DqnPartsQuick.Run(Console.Out);
    return;
}
if (args is ["sac-parts", "loop", var count])
{
    Bellman.Benchmarks.SacPartsQuick.Loop(int.Parse(count, System.Globalization.CultureInfo.InvariantCulture));
    return;
}
if (args is ["sac-parts", ..])
{
    Bellman.Benchmarks.SacPartsQuick.Run(Console.Out);
    return;
}
if (args is ["minatar-steps", ..])
{
    if (!Bellman.Benchmarks.MinAtarStepsQuick.Run(Console.Out, args.Length > 1 ? args[1] : null)) Environment.ExitCode = 2;
    return;
}
if (args is ["overlap-quick", ..])
{
    Bellman.Benchmarks.OverlapQuick.Run(Console.Out);
    return;
}
if (args is ["cem-quick", ..])
{
    Bellman.Benchmarks.CemQuick.Run(Console.Out);
    return;
}
if (args is ["continuous-quick", ..])
{
    Bellman.Benchmarks.ContinuousBenchmarks.Quick(Console.Out);
    return;
}
if (args is ["minatar-dqn-step", ..])
{
    double? peak = args.Length > 1 && args[1] != "replay" ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : null;
    if (args is [_, "replay"]) { Bellman.Benchmarks.MinAtarDqnStep.ReplayBytes(Console.Out); return; }
    if (args is [_, _, "parts"]) Bellman.Benchmarks.MinAtarDqnStep.Parts(Console.Out, peak!.Value);
    else Bellman.Benchmarks.MinAtarDqnStep.Run(Console.Out, peak);
    return;
}
if (args is ["e2e", ..])
{
    // e2e [peak GFLOP/s] [filter] [--threads N]
    var e2eArgs = args.Skip(1).ToList();
    int e2eThreads = 1;
    int threadsAt = e2eArgs.IndexOf("--threads");
    if (threadsAt >= 0)
    {
        if (threadsAt + 1 >= e2eArgs.Count || !int.TryParse(e2eArgs[threadsAt + 1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out e2eThreads)
            || e2eThreads is < 1 or > 256)
        {
            Console.Error.WriteLine($"e2e: --threads needs a whole number from 1 to 256, got '{(threadsAt + 1 < e2eArgs.Count ? e2eArgs[threadsAt + 1] : "")}'.");
            Environment.Exit(2);
        }
        e2eArgs.RemoveRange(threadsAt, 2);
    }
    double? e2ePeak = e2eArgs.Count > 0 && double.TryParse(e2eArgs[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double given) ? given : null;
    if (e2ePeak is not null) e2eArgs.RemoveAt(0);
    Bellman.Benchmarks.EndToEndQuick.Run(Console.Out, e2ePeak, e2eArgs.Count > 0 ? e2eArgs[^1] : null, e2eThreads);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
