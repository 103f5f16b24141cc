using System.Diagnostics;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Environments;
using Bellman.Environments;
using Bellman.Environments.Wrappers;

namespace Bellman.Benchmarks;

/// <summary>
/// `overlap-quick`: what <c>overlap_collection</c> buys. DQN on CartPole-v1 with one gradient step per environment step
/// (batch 64, 256-256, Adam: a step of a few hundred microseconds), the environment made to cost a stated time per
/// step by a busy wait (a stand-in for a simulator: a physics engine, a game), trained with and without overlap for
/// the same budget; wall time of the whole Learn call (construction and warm-up included, no evaluation), median of
/// three. Overlap needs a second processor; with one, the two parts run one after the other.
/// </summary>
public static class OverlapQuick
{
    private const int Steps = 6_000;

    /// <summary>Prints one row per simulated environment cost.</summary>
    public static void Run(TextWriter output)
    {
        output.WriteLine($"DQN CartPole-v1, {Steps} steps, train_freq 1, batch 64, 256-256; {System.Environment.ProcessorCount} processors");
        output.WriteLine("env cost µs/step   sequential s   overlapped s   speed-up");
        foreach (int cost in new[] { 0, 50, 200, 500 })
        {
            double sequential = Median(() => Time(cost, overlap: false)), overlapped = Median(() => Time(cost, overlap: true));
            output.WriteLine($"{cost,16}   {sequential,12:F2}   {overlapped,12:F2}   {sequential / overlapped,7:F2}x");
        }
    }

    private static double Median(Func<double> run)
    {
        double[] t = [run(), run(), run()];
        Array.Sort(t);
        return t[1];
    }

    private static double Time(int costMicroseconds, bool overlap)
    {
        var options = new DqnOptions
        {
            TotalSteps = Steps, LearningStarts = 1_000, TrainFrequency = 1, GradientSteps = 1, BatchSize = 64, BufferSize = 10_000, NetArch = [256, 256],
            EvalFrequency = 0, OverlapCollection = overlap,
        };
        var clock = Stopwatch.StartNew();
        using var dqn = new Bellman.Dqn(EnvironmentSource.FromFactory(() => new SimulatedCost(EnvRegistry.Default.Make("CartPole-v1"), costMicroseconds)), options, seed: 0);
        dqn.Learn(Steps);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>An environment that spends <c>cost</c> microseconds of CPU in every step before stepping the one inside.</summary>
    private sealed class SimulatedCost(IEnvironment inner, int costMicroseconds) : Wrapper(inner)
    {
        private readonly long _ticks = costMicroseconds * Stopwatch.Frequency / 1_000_000;

        public override StepResult Step(int action)
        {
            long until = Stopwatch.GetTimestamp() + _ticks;
            while (Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
            return base.Step(action);
        }
    }
}
