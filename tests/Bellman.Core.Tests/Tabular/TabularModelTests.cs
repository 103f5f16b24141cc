using Bellman.Core.Tabular;

namespace Bellman.Core.Tests.Tabular;

public class TabularModelTests
{
    private static TabularModel TwoStates() => new(2, 2, (s, a) => (s, a) switch
    {
        (0, 0) => [new Outcome(1.0, 0, 0.0, false)],
        (0, 1) => [new Outcome(0.25, 0, 0.0, false), new Outcome(0.75, 1, 1.0, true)],
        _ => [new Outcome(1.0, 1, 0.0, true)],
    }, [1.0, 0.0]);

    [Fact]
    public void StoresOutcomesInOrderAndComputesExpectations()
    {
        var m = TwoStates();
        Assert.Equal(5, m.OutcomeCount);
        var o = m.OutcomesOf(0, 1).ToList();
        Assert.Equal(new Outcome(0.25, 0, 0.0, false), o[0]);
        Assert.Equal(new Outcome(0.75, 1, 1.0, true), o[1]);
        Assert.Equal(0.75, m.ExpectedReward(0, 1));
        var t = m.ToDenseTransitions();
        Assert.Equal(0.75, t[1, 0, 1]);
        Assert.Equal(0.25, t[0, 0, 1]);
        Assert.Equal(1.0, t[1, 1, 0]);
    }

    [Fact]
    public void RejectsBadModels()
    {
        var e = Assert.Throws<ArgumentException>(() => new TabularModel(1, 1, (s, a) => [new Outcome(0.5, 0, 0, false)], [1.0]));
        Assert.Contains("sum to 0.5", e.Message);
        e = Assert.Throws<ArgumentException>(() => new TabularModel(1, 1, (s, a) => [new Outcome(1, 3, 0, false)], [1.0]));
        Assert.Contains("state 3", e.Message);
        Assert.Throws<ArgumentException>(() => new TabularModel(2, 1, (s, a) => [new Outcome(1, 0, 0, false)], [1.0]));
    }
}
