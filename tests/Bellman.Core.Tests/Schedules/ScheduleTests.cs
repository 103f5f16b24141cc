using Bellman.Core.Schedules;

namespace Bellman.Core.Tests.Schedules;

public class ScheduleTests
{
    [Fact]
    public void LinearMovesOverItsFractionThenHolds()
    {
        var s = Schedule.Linear(1.0, 0.05, 0.1);
        Assert.Equal(1.0, s.ValueAt(0.0));
        Assert.Equal(0.525, s.ValueAt(0.05), 12);
        Assert.Equal(0.05, s.ValueAt(0.1));
        Assert.Equal(0.05, s.ValueAt(0.7));
        Assert.Equal(0.525, s.ValueAt(500, 10_000), 12);
    }

    [Fact]
    public void LinearDecayIsStableBaselines3sLinearSchedule()
    {
        var s = Schedule.LinearDecay(7e-4);
        Assert.Equal(7e-4, s.ValueAt(0.0));
        Assert.Equal(7e-4 * (1.0 - 0.3), s.ValueAt(0.3)); // progress_remaining × initial value, bit for bit
        Assert.Equal(0.0, s.ValueAt(1.0));
        Assert.Equal(0.0, s.ValueAt(1.5));
        Assert.Equal(7e-4, s.ValueAt(-0.2));
        Assert.Equal(s.ValueAt(0.25), s.ValueAt(250, 1000));
    }

    [Fact]
    public void ConstantAndExponential()
    {
        Assert.Equal(3.0, Schedule.Constant(3).ValueAt(0.4));
        var e = Schedule.Exponential(1.0, 0.0, 0.25);
        Assert.Equal(0.5, e.ValueAt(0.25), 12);
        Assert.Equal(0.25, e.ValueAt(0.5), 12);
    }
}
