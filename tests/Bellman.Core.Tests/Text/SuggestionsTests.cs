using Bellman.Core.Text;

namespace Bellman.Core.Tests.Text;

public class SuggestionsTests
{
    [Fact]
    public void FindsClosestNames()
    {
        string[] ids = ["CartPole-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Acrobot-v1", "Pendulum-v1"];
        Assert.Equal("CartPole-v1", Suggestions.Closest("Cartpole-v0", ids)[0]);
        Assert.Equal("MountainCar-v0", Suggestions.Closest("mountaincar", ids)[0]);
        Assert.Equal("did you mean 'Acrobot-v1'?", Suggestions.DidYouMean("acrobot", ids, 1));
        Assert.Equal(3, Suggestions.EditDistance("kitten", "sitting"));
    }
}
