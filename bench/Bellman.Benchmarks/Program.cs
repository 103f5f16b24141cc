using BenchmarkDotNet.Running;

// `gemm-quick [filter]` prints Stopwatch medians of the Gemm shapes (fast, for a quick look);
// `dqn-parts` times each part of the DQN gradient step (products, Adam, clipping, zeroing) against its floor;
// `continuous-quick` prints the SAC and TD3 gradient-step medians;
// `sac-parts` times the pieces of a SAC gradient step (products, Adam, Polyak) against the core's peak;
// `cem-quick` times QT-Opt's CEM action for one state and its parts against their FLOP floor;
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
if (args is ["sac-parts", ..])
{
    Bellman.Benchmarks.SacPartsQuick.Run(Console.Out);
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
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
