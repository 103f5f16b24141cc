using Xunit;
using Bellman.Nn.Optimizers;
using static Bellman.Nn.Tests.Optimizers.TestParams;

namespace Bellman.Nn.Tests.Optimizers;

public class LearningRateScheduleTests
{
    [Fact]
    public void LinearMatchesSb3GetLinearFn()
    {
        // get_linear_fn(1e-3, 1e-4, 0.5): start + p·(end − start)/0.5 for p ≤ 0.5, then end.
        var s = LearningRateSchedule.Linear(1e-3, 1e-4, 0.5);
        Assert.Equal(1e-3, s.ValueAt(0), 15);
        Assert.Equal(5.5e-4, s.ValueAt(0.25), 15);
        Assert.Equal(1e-4, s.ValueAt(0.5), 15);
        Assert.Equal(1e-4, s.ValueAt(0.9), 15);
        Assert.Equal(1e-4, s.ValueAt(2.0), 15);
    }

    [Fact]
    public void ApplySetsTheOptimizersLearningRate()
    {
        var opt = new Adam([Make("w", 1f)], learningRate: 1);
        LearningRateSchedule.Linear(3e-4, 0).Apply(opt, 250, 1000);
        Assert.Equal(2.25e-4, opt.LearningRate, 15);
        LearningRateSchedule.Constant(7e-4).Apply(opt, 0.3);
        Assert.Equal(7e-4, opt.LearningRate);
    }

    [Fact]
    public void ParsesZooLearningRates()
    {
        Assert.Equal(new ConstantLearningRate(3e-4), LearningRateSchedule.Parse("3e-4"));
        Assert.Equal(new LinearLearningRate(7.3e-4, 0, 1), LearningRateSchedule.Parse("lin_7.3e-4"));
        // lin_X is X·progress_remaining: half way, half the rate.
        Assert.Equal(3.65e-4, LearningRateSchedule.Parse("lin_7.3e-4").ValueAt(0.5), 15);
        foreach (string bad in new[] { "", "fast", "lin_", "lin_-1", "-0.1", "NaN", "cos_1e-3" })
            Assert.Contains("is not a learning rate", Assert.Throws<FormatException>(() => LearningRateSchedule.Parse(bad)).Message);
    }
}
