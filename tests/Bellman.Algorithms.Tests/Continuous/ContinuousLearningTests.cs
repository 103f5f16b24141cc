using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Training;
using Xunit.Abstractions;

namespace Bellman.Algorithms.Tests.Continuous;

/// <summary>
/// Fixed-seed learning on Pendulum-v1 with a small budget (64-64 networks, batch 128; SAC 5,000 steps on seed 0, TD3
/// 8,000 steps with Gaussian noise σ 0.3 on each of seeds 0–4): the greedy return
/// over 5 evaluation episodes must improve by a stated margin over the untrained actor's and reach a
/// stated level. The untrained greedy actor scores about −1,200 to −1,600 here.
/// </summary>
public sealed class ContinuousLearningTests(ITestOutputHelper output)
{
    private double Learn(Algorithm run, out double before)
    {
        before = run.Evaluate().MeanReturn;
        run.Learn();
        double after = run.Evaluate().MeanReturn;
        output.WriteLine($"{run.Name}: greedy return {before:F1} -> {after:F1}");
        return after;
    }

    [Fact]
    public void SacImprovesThePendulumGreedyReturn()
    {
        var options = new SacOptions
        {
            TotalSteps = 5_000, LearningStarts = 200, BatchSize = 128, NetArch = [64, 64], LearningRate = 1e-3, EvalFrequency = 0, EvalEpisodes = 5,
        };
        using var run = new Sac("Pendulum-v1", options, 0);
        double after = Learn(run, out double before);
        // Seed 0 measured: −1364.6 → −149.2.
        Assert.True(after - before >= 800 && after >= -400, $"SAC: {before:F1} -> {after:F1}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Td3ImprovesThePendulumGreedyReturnOnEverySeed(int seed)
    {
        var options = new Td3Options
        {
            TotalSteps = 8_000, LearningStarts = 1_000, BatchSize = 128, NetArch = [64, 64], LearningRate = 1e-3, Gamma = 0.98, EvalFrequency = 0,
            EvalEpisodes = 5, ActionNoise = ActionNoiseKind.Normal, NoiseStd = 0.3,
        };
        using var run = new Td3("Pendulum-v1", options, seed);
        double after = Learn(run, out double before);
        // Measured (5,000 steps and σ 0.1 reached only −370, −223, −792, −915, −915 on seeds 0–4; at 8,000 steps and σ 0.1
        // seeds 3 and 4 stayed at −1022 and −793; σ 0.3 brings both to about −200, as do 256-256 networks or 2 gradient steps per step).
        // This setting measured: −152.8, −176.5, −206.5, −202.4, −205.6 on seeds 0–4.
        Assert.True(after - before >= 700 && after >= -400, $"TD3 seed {seed}: {before:F1} -> {after:F1}");
    }
}
