using System.Diagnostics;
using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Cli.Diagnostics;

namespace Bellman.Benchmarks;

/// <summary>
/// `e2e [peak GFLOP/s] [filter] [--threads N]`: each algorithm trained end to end through its library API (fresh seeded run, construction
/// included, no evaluation) for a short stated budget, with env steps/s and gradient steps/s next to the FLOP floor.
/// <para>
/// The floor counts only the matrix products (2 FLOP per multiply-add of the Linear and Conv layers): those of every
/// gradient step, as counted by <see cref="DqnStepWorkload.GradStepFlops"/>, <see cref="MinAtarDqnStep.Flops"/>,
/// <see cref="ContinuousBenchmarks.SacStepFlops"/> and <see cref="Td3StepFlops"/> and <see cref="A2cUpdateFlops"/> here, plus one
/// forward of the acting network per environment step. The environments, replay, exploration and bookkeeping are
/// not in it, so the ratio says how much of a run is spent outside the products too. Times are wall clock of the
/// whole Learn call and thread CPU time (with one thread; with <c>--threads N</c> the learner's products and optimizer
/// steps use N threads, whose work the training thread's CPU time leaves out, so read wall time).
/// </para>
/// </summary>
public static class EndToEndQuick
{
    private sealed record Case(string Name, string Budget, Func<Algorithm> Create, double GradFlops, double ActFlops);

    /// <summary>Multiply-adds of an MLP's forward for one row.</summary>
    private static double Macs(params int[] sizes)
    {
        double macs = 0;
        for (int i = 0; i + 1 < sizes.Length; i++) macs += (double)sizes[i] * sizes[i + 1];
        return macs;
    }

    /// <summary>
    /// FLOPs of one TD3 gradient step averaged over the policy delay d: the critic update (target actor forward, two
    /// target critic forwards, two critic forwards and backwards: weights everywhere, inputs but for layer 1) every
    /// step; the actor update (actor forward and backward, critic forward and input backward down to the action) every
    /// d-th step.
    /// </summary>
    public static double Td3StepFlops(int batch, int obs, int act, int h1, int h2, int delay)
    {
        double a = Macs(obs, h1, h2, act), q = Macs(obs + act, h1, h2, 1);
        double critic = a + 2 * q + 2 * (3 * q - (obs + act) * h1);
        double actor = (3 * a - obs * h1) + 2 * q;
        return 2.0 * batch * (critic + actor / delay);
    }

    /// <summary>
    /// FLOPs of one A2C update over a rollout of <paramref name="samples"/> (separate policy and value MLPs): forward
    /// and backward (weights everywhere, inputs but for layer 1) of both networks on every sample.
    /// </summary>
    public static double A2cUpdateFlops(int samples, int obs, int actions, int[] hidden)
    {
        int[] policy = [obs, .. hidden, actions], value = [obs, .. hidden, 1];
        double p = Macs(policy), v = Macs(value);
        return 2.0 * samples * (3 * (p + v) - 2.0 * obs * hidden[0]);
    }

    /// <summary>Runs every case (or those whose name contains <paramref name="filter"/>) and prints one row each.</summary>
    public static void Run(TextWriter output, double? peakGflops, string? filter, int threads = 1)
    {
        double peak = (peakGflops ?? CorePeak.MeasureGflops()) * 1e9;
        var zoo = DqnPresets.Get("CartPole-v1");
        var minatar = DqnPresets.MinAtarReference;
        var td3 = ContinuousPresets.Td3[0].Options;
        var sac = ContinuousPresets.Sac[0].Options;
        var a2c = new A2cOptions { NumEnvs = 8, NSteps = 5, EvalFrequency = 0, TotalSteps = 100_000, LogInterval = 100_000, Threads = threads };
        Case[] cases =
        [
            new("dqn CartPole-v1 (zoo preset)", "20,000 steps", () => new Dqn("CartPole-v1", zoo with { TotalSteps = 20_000, EvalFrequency = 0, LogInterval = 20_000, Threads = threads }, seed: 1),
                DqnStepWorkload.GradStepFlops, DqnStepWorkload.GreedyFlops),
            new("a2c CartPole-v1 (8 envs × 5 steps)", "100,000 steps", () => new A2c("CartPole-v1", a2c, seed: 1),
                A2cUpdateFlops(40, 4, 2, a2c.NetArch), 2.0 * (Macs([4, .. a2c.NetArch, 2]) + Macs([4, .. a2c.NetArch, 1]))),
            new("td3 Pendulum-v1 (zoo preset, 400-300)", "3,000 steps, 1,000 random", () => new Td3("Pendulum-v1", td3 with { TotalSteps = 3_000, LearningStarts = 1_000, EvalFrequency = 0, LogInterval = 3_000, Threads = threads }, seed: 1),
                Td3StepFlops(td3.BatchSize, 3, 1, td3.NetArch[0], td3.NetArch[1], td3.PolicyDelay), 2.0 * Macs(3, td3.NetArch[0], td3.NetArch[1], 1)),
            new("sac Pendulum-v1 (zoo preset, 256-256)", "2,000 steps, 1,000 random", () => new Sac("Pendulum-v1", sac with { TotalSteps = 2_000, LearningStarts = 1_000, EvalFrequency = 0, LogInterval = 2_000, Threads = threads }, seed: 1),
                ContinuousBenchmarks.SacStepFlops(sac.BatchSize, 3, 1, sac.NetArch[0], sac.NetArch[1]), 2.0 * (Macs(3, sac.NetArch[0], sac.NetArch[1]) + 2.0 * sac.NetArch[1])),
            new("dqn MinAtar/Breakout-v1 (reference preset)", "8,000 frames, 5,000 random", () => new Dqn("MinAtar/Breakout-v1", minatar with { TotalSteps = 8_000, EvalFrequency = 0, LogInterval = 8_000, Threads = threads }, seed: 1),
                MinAtarDqnStep.Flops, 2.0 * MinAtarDqnStep.ForwardMacs),
        ];
        output.WriteLine($"one-core FMA peak {peak / 1e9:F1} GFLOP/s; wall and thread CPU time of Learn(), construction included, no evaluation; threads = {threads}" +
            (threads > 1 ? " (the training thread's CPU time leaves out the engine threads' work: read wall)" : ""));
        output.WriteLine($"{"run",-44} {"budget",-26} {"wall s",7} {"cpu s",7} {"env steps/s",12} {"grad steps/s",13} {"floor s",8} {"cpu/floor",9}");
        foreach (Case c in cases.Where(c => filter is null || c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
        {
            var wall = Stopwatch.StartNew();
            double cpu0 = ThreadClock.Seconds();
            using Algorithm run = c.Create();
            run.Learn();
            double cpu = ThreadClock.Seconds() - cpu0, seconds = wall.Elapsed.TotalSeconds;
            RunState state = run.State;
            double floor = (state.Updates * c.GradFlops + state.Step * c.ActFlops) / peak;
            output.WriteLine($"{c.Name,-44} {c.Budget,-26} {seconds,7:F2} {cpu,7:F2} {state.Step / cpu,12:N0} {state.Updates / cpu,13:N0} {floor,8:F3} {cpu / floor,9:F1}");
        }
        output.WriteLine("steps/s are per CPU second; floor = (gradient steps × their product FLOPs + env steps × one acting forward) / peak");
    }
}
