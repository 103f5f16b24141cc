using Bellman.Core.Tabular;
using Bellman.Environments.ToyText;
using Xunit;

namespace Bellman.Environments.Tests.ToyText;

public sealed class TaxiTests
{
    private static readonly Taxi Env = new();

    private static Outcome Only(int s, int a) => Assert.Single(Env.Model.OutcomesOf(s, a));

    [Fact]
    public void ModelHas500By6DeterministicOutcomes()
    {
        Assert.Equal(500, Env.Model.StateCount);
        Assert.Equal(6, Env.Model.ActionCount);
        Assert.Equal(3000, Env.Model.OutcomeCount);
        Assert.Equal("Discrete(500)", Env.ObservationSpace.ToString());
        Assert.Equal("Discrete(6)", Env.ActionSpace.ToString());
        for (int s = 0; s < 500; s++)
            for (int a = 0; a < 6; a++)
                Assert.Equal(1.0, Only(s, a).Probability);
        Assert.Equal(200, Taxi.MaxEpisodeSteps);
        Assert.Equal(8, Taxi.RewardThreshold);
    }

    [Fact]
    public void EncodeAndDecodeAreGymnasiums()
    {
        Assert.Equal(328, Taxi.Encode(3, 1, 2, 0)); // the example in Gymnasium's documentation
        Assert.Equal((3, 1, 2, 0), Taxi.Decode(328));
        Assert.Equal(0, Taxi.Encode(0, 0, 0, 0));
        Assert.Equal(499, Taxi.Encode(4, 4, 4, 3));
        Assert.Equal(((2 * 5 + 3) * 5 + 4) * 4 + 1, Taxi.Encode(2, 3, 4, 1));
        for (int s = 0; s < 500; s++)
        {
            var (r, c, p, d) = Taxi.Decode(s);
            Assert.Equal(s, Taxi.Encode(r, c, p, d));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Taxi.Decode(500));
        Assert.Throws<ArgumentOutOfRangeException>(() => Taxi.Encode(0, 5, 0, 0));
    }

    [Fact]
    public void RewardsFollowGymnasiumsRules()
    {
        // Legal pickup at R: -1, passenger into the taxi.
        Assert.Equal(new Outcome(1, Taxi.Encode(0, 0, 4, 1), -1, false), Only(Taxi.Encode(0, 0, 0, 1), 4));
        // Pickup where the passenger is not: -10, nothing changes.
        Assert.Equal(new Outcome(1, Taxi.Encode(0, 1, 0, 1), -10, false), Only(Taxi.Encode(0, 1, 0, 1), 4));
        // Pickup with the passenger already aboard: -10.
        Assert.Equal(new Outcome(1, Taxi.Encode(0, 0, 4, 1), -10, false), Only(Taxi.Encode(0, 0, 4, 1), 4));
        // Dropoff at the destination G: +20 and terminated, passenger at G.
        Assert.Equal(new Outcome(1, Taxi.Encode(0, 4, 1, 1), 20, true), Only(Taxi.Encode(0, 4, 4, 1), 5));
        // Dropoff at another location (Y): passenger left there, -1.
        Assert.Equal(new Outcome(1, Taxi.Encode(4, 0, 2, 1), -1, false), Only(Taxi.Encode(4, 0, 4, 1), 5));
        // Dropoff away from the locations, or without the passenger: -10.
        Assert.Equal(new Outcome(1, Taxi.Encode(2, 2, 4, 1), -10, false), Only(Taxi.Encode(2, 2, 4, 1), 5));
        Assert.Equal(new Outcome(1, Taxi.Encode(0, 4, 0, 1), -10, false), Only(Taxi.Encode(0, 4, 0, 1), 5));
        // Moves: -1; walls and borders stay.
        Assert.Equal(new Outcome(1, Taxi.Encode(1, 2, 0, 1), -1, false), Only(Taxi.Encode(0, 2, 0, 1), 0));
        Assert.Equal(new Outcome(1, Taxi.Encode(0, 2, 0, 1), -1, false), Only(Taxi.Encode(0, 2, 0, 1), 1));
        Assert.Equal(new Outcome(1, Taxi.Encode(0, 1, 0, 1), -1, false), Only(Taxi.Encode(0, 1, 0, 1), 2)); // wall R: |
        Assert.Equal(new Outcome(1, Taxi.Encode(0, 2, 0, 1), -1, false), Only(Taxi.Encode(0, 2, 0, 1), 3)); // same wall
        Assert.Equal(new Outcome(1, Taxi.Encode(4, 0, 0, 1), -1, false), Only(Taxi.Encode(4, 0, 0, 1), 2)); // wall Y|
        Assert.Equal(new Outcome(1, Taxi.Encode(2, 1, 0, 1), -1, false), Only(Taxi.Encode(2, 0, 0, 1), 2)); // open
        Assert.Equal(new Outcome(1, Taxi.Encode(2, 4, 0, 1), -1, false), Only(Taxi.Encode(2, 4, 0, 1), 2)); // border
    }

    [Fact]
    public void OnlyDeliveryTerminates()
    {
        var terminal = new List<int>();
        for (int s = 0; s < 500; s++)
            for (int a = 0; a < 6; a++)
                if (Only(s, a).Terminated)
                {
                    Assert.Equal(5, a);
                    Assert.Equal(20, Only(s, a).Reward);
                    terminal.Add(s);
                }
        int[] expected = [.. Enumerable.Range(0, 4).Select(d => Taxi.Encode(Taxi.Locations[d].Row, Taxi.Locations[d].Col, 4, d))];
        Assert.Equal(expected.Order(), terminal.Order());
    }

    [Fact]
    public void InitialDistributionIsUniformOverWaitingPassengers()
    {
        int support = 0;
        for (int s = 0; s < 500; s++)
        {
            var (_, _, p, d) = Taxi.Decode(s);
            double expected = p < 4 && p != d ? 1.0 / 300 : 0;
            Assert.Equal(expected, Env.Model.InitialDistribution[s]);
            if (expected > 0) support++;
        }
        Assert.Equal(300, support);
    }

    [Fact]
    public void ActionMaskMarksTheActionsThatChangeTheState()
    {
        var mask = new bool[6];
        Taxi.ComputeActionMask(Taxi.Encode(0, 0, 0, 1), mask);
        Assert.Equal([true, false, true, false, true, false], mask);
        Taxi.ComputeActionMask(Taxi.Encode(4, 3, 4, 0), mask);
        Assert.Equal([false, true, true, false, false, true], mask);
        for (int s = 0; s < 500; s++)
        {
            Taxi.ComputeActionMask(s, mask);
            for (int a = 0; a < 6; a++) Assert.Equal(Only(s, a).NextState != s, mask[a]);
        }
        var env = new Taxi();
        env.ResetToState([Taxi.Encode(0, 0, 0, 1)]);
        Assert.Equal([true, false, true, false, true, false], env.ActionMask.ToArray());
        env.Step(4);
        Assert.Equal([true, false, true, false, false, true], env.ActionMask.ToArray());
    }

    [Fact]
    public void RainyMovesSlipLeftAndRightOfTheHeading()
    {
        var rainy = new Taxi(isRainy: true);
        double side = (1 - 0.8) / 2;
        int s = Taxi.Encode(2, 2, 0, 1);
        // South from (2, 2): forward (3, 2), left of south is east (2, 3), right is west (2, 1).
        Assert.Equal(
            [new Outcome(0.8, Taxi.Encode(3, 2, 0, 1), -1, false), new Outcome(side, Taxi.Encode(2, 3, 0, 1), -1, false), new Outcome(side, Taxi.Encode(2, 1, 0, 1), -1, false)],
            rainy.Model.OutcomesOf(s, 0));
        // North from (1, 1): forward (0, 1); left (west) to (1, 0); right (east) blocked by the wall: stays.
        int t = Taxi.Encode(1, 1, 4, 3);
        Assert.Equal(
            [new Outcome(0.8, Taxi.Encode(0, 1, 4, 3), -1, false), new Outcome(side, Taxi.Encode(1, 0, 4, 3), -1, false), new Outcome(side, t, -1, false)],
            rainy.Model.OutcomesOf(t, 1));
        // An impossible move (east into the wall at (0, 1)) has three outcomes that all stay.
        int u = Taxi.Encode(0, 1, 2, 0);
        Assert.Equal([new Outcome(0.8, u, -1, false), new Outcome(side, u, -1, false), new Outcome(side, u, -1, false)], rainy.Model.OutcomesOf(u, 2));
        // Pickup and dropoff stay deterministic.
        Assert.Equal([new Outcome(1, Taxi.Encode(0, 4, 1, 1), 20, true)], rainy.Model.OutcomesOf(Taxi.Encode(0, 4, 4, 1), 5));
    }

    [Fact]
    public void FicklePassengerChangesDestinationOnceOnTheFirstMoveAboard()
    {
        var env = new Taxi(ficklePassenger: true, fickleProbability: 1.0);
        env.Reset(seed: 5);
        env.ResetToState([Taxi.Encode(0, 0, 0, 1)]);
        env.Step(4); // pickup
        Assert.Equal(Taxi.Encode(0, 0, 4, 1), env.State);
        env.Step(0); // first move with the passenger aboard
        var (row, col, passenger, destination) = Taxi.Decode(env.State);
        Assert.Equal((1, 0, 4), (row, col, passenger));
        Assert.NotEqual(1, destination);
        env.Step(0);
        Assert.Equal(destination, Taxi.Decode(env.State).Destination);

        var seen = new HashSet<int>();
        for (int i = 0; i < 200; i++)
        {
            env.ResetToState([Taxi.Encode(0, 0, 4, 1)]);
            env.Step(0);
            seen.Add(Taxi.Decode(env.State).Destination);
        }
        Assert.Equal([0, 2, 3], seen.Order());

        var calm = new Taxi(ficklePassenger: true, fickleProbability: 0.0);
        calm.Reset(seed: 5);
        calm.ResetToState([Taxi.Encode(0, 0, 4, 1)]);
        calm.Step(0);
        Assert.Equal(Taxi.Encode(1, 0, 4, 1), calm.State);
    }

    [Fact]
    public void RenderMatchesGymnasiumAnsi()
    {
        var env = new Taxi();
        env.ResetToState([Taxi.Encode(2, 2, 0, 1)]);
        Assert.Equal(
            "+---------+\n" +
            "|\u001b[34;1mR\u001b[0m: | : :\u001b[35mG\u001b[0m|\n" +
            "| : | : : |\n" +
            "| : :\u001b[43m \u001b[0m: : |\n" +
            "| | : | : |\n" +
            "|Y| : |B: |\n" +
            "+---------+\n\n",
            env.Render());
        env.ResetToState([Taxi.Encode(0, 0, 0, 3)]);
        env.Step(4);
        env.Step(0);
        Assert.Equal(
            "+---------+\n" +
            "|R: | : :G|\n" +
            "|\u001b[42m_\u001b[0m: | : : |\n" +
            "| : : : : |\n" +
            "| | : | : |\n" +
            "|Y| : |\u001b[35mB\u001b[0m: |\n" +
            "+---------+\n" +
            "  (South)\n",
            env.Render());
    }
}
