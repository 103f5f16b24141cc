using Bellman.Core.Random;
using Bellman.Core.Tabular;
using Bellman.Environments.ToyText;
using Xunit;

namespace Bellman.Environments.Tests.ToyText;

public sealed class FrozenLakeTests
{
    [Fact]
    public void EightByEightMapIsGymnasiums()
    {
        var lake = new FrozenLake(mapName: "8x8", isSlippery: false);
        Assert.Equal(
            ["SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF", "FFFHFFFF", "FHHFFFHF", "FHFFHFHF", "FFFHFFFG"],
            lake.Map);
        Assert.Equal(64, lake.Model.StateCount);
        Assert.Equal(8, lake.GridColumns);
        Assert.Equal("Discrete(64)", lake.ObservationSpace.ToString());
        int[] holes = [19, 29, 35, 41, 42, 46, 49, 52, 54, 59];
        for (int s = 0; s < 64; s++)
        {
            bool end = holes.Contains(s) || s == 63;
            for (int a = 0; a < 4; a++)
            {
                if (end) Assert.Equal([new Outcome(1.0, s, 0, true)], lake.Model.OutcomesOf(s, a));
                else Assert.Single(lake.Model.OutcomesOf(s, a));
            }
        }
        Assert.Equal([new Outcome(1.0, 63, 1, true)], lake.Model.OutcomesOf(62, 2));
        Assert.Equal([new Outcome(1.0, 63, 1, true)], lake.Model.OutcomesOf(55, 1));
        Assert.Equal([new Outcome(1.0, 19, 0, true)], lake.Model.OutcomesOf(18, 2));
        Assert.Equal([new Outcome(1.0, 7, 0, false)], lake.Model.OutcomesOf(7, 2)); // right edge: stays
        Assert.Equal(1.0, lake.Model.InitialDistribution[0]);
        Assert.Equal(200, FrozenLake.MaxEpisodeSteps8x8);
        Assert.Equal(0.85, FrozenLake.RewardThreshold8x8);
        Assert.Equal(0.70, FrozenLake.RewardThreshold);
    }

    [Fact]
    public void SuccessRateAndRewardScheduleShapeTheModel()
    {
        var lake = new FrozenLake(successRate: 0.75, rewardSchedule: new FrozenLakeRewards(2, -1, -0.01));
        // State 14 (row 3, col 2), Right: Down stays on F, Right reaches G, Up goes to 10 (F).
        Assert.Equal(
            [new Outcome(0.125, 14, -0.01, false), new Outcome(0.75, 15, 2, true), new Outcome(0.125, 10, -0.01, false)],
            lake.Model.OutcomesOf(14, 2));
        // State 1, Down: Left back to the start tile 0 (rewarded as F), Down into the hole 5, Right to 2 (F).
        Assert.Equal(
            [new Outcome(0.125, 0, -0.01, false), new Outcome(0.75, 5, -1, true), new Outcome(0.125, 2, -0.01, false)],
            lake.Model.OutcomesOf(1, 1));
        Assert.Equal(0.75, lake.SuccessRate);
    }

    [Fact]
    public void CustomMapsWork()
    {
        var lake = new FrozenLake(desc: ["SS", "HG"], isSlippery: false);
        Assert.Equal([0.5, 0.5, 0.0, 0.0], lake.Model.InitialDistribution.ToArray());
        Assert.Equal([new Outcome(1.0, 3, 1, true)], lake.Model.OutcomesOf(1, 1));
        Assert.Equal([new Outcome(1.0, 2, 0, true)], lake.Model.OutcomesOf(0, 1));
        var wide = new FrozenLake(desc: ["SFH", "FFG"], mapName: "ignored");
        Assert.Equal(3, wide.GridColumns);
        Assert.Equal(6, wide.Model.StateCount);
    }

    [Fact]
    public void BadOptionsNameTheProblem()
    {
        Assert.Contains("valid: 4x4, 8x8", Assert.Throws<ArgumentException>(() => new FrozenLake(mapName: "5x5")).Message);
        Assert.Contains("equally long", Assert.Throws<ArgumentException>(() => new FrozenLake(desc: ["SF", "F"])).Message);
        Assert.Contains("'X'", Assert.Throws<ArgumentException>(() => new FrozenLake(desc: ["SX"])).Message);
        Assert.Contains("no start", Assert.Throws<ArgumentException>(() => new FrozenLake(desc: ["FG"])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrozenLake(successRate: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrozenLake.GenerateRandomMap(seed: 1, size: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrozenLake.GenerateRandomMap(seed: 1, frozenProbability: 0));
    }

    [Fact]
    public void HasPathFindsTheGoal()
    {
        Assert.True(FrozenLake.HasPath(["SFFF", "FHFH", "FFFH", "HFFG"]));
        Assert.True(FrozenLake.HasPath(["SH", "FG"]));
        Assert.False(FrozenLake.HasPath(["SH", "HG"]));
        Assert.False(FrozenLake.HasPath(["SFH", "FHF", "HFG"]));
        Assert.False(FrozenLake.HasPath(["SF", "FF"]));
    }

    [Fact]
    public void RandomMapsAreSeededAndSolvable()
    {
        Assert.Equal(FrozenLake.GenerateRandomMap(seed: 5), FrozenLake.GenerateRandomMap(seed: 5));
        Assert.Equal(FrozenLake.GenerateRandomMap(seed: 5), new FrozenLake(mapName: null, randomMapSeed: 5).Map);
        var distinct = new HashSet<string>();
        for (int seed = 0; seed < 50; seed++)
        {
            var map = FrozenLake.GenerateRandomMap(seed, size: 6, frozenProbability: 0.7);
            Assert.Equal(6, map.Length);
            Assert.All(map, row => Assert.Equal(6, row.Length));
            Assert.Equal('S', map[0][0]);
            Assert.Equal('G', map[5][5]);
            Assert.True(FrozenLake.HasPath(map));
            distinct.Add(string.Join("/", map));
        }
        Assert.True(distinct.Count > 45);
        Assert.All(FrozenLake.GenerateRandomMap(seed: 3, size: 5, frozenProbability: 1.7), row => Assert.DoesNotContain('H', row));
    }

    [Theory]
    [InlineData(0.8)]
    [InlineData(0.95)]
    public void RandomMapHoleFractionIsAboutOneMinusP(double p)
    {
        var rng = new Rng(99);
        int holes = 0, tiles = 0;
        for (int i = 0; i < 300; i++)
        {
            var map = FrozenLake.GenerateRandomMap(rng, 8, p);
            holes += map.Sum(row => row.Count(ch => ch == 'H'));
            tiles += 62;
        }
        double fraction = (double)holes / tiles;
        // Rejecting maps without a path lowers the fraction a little below 1 - p.
        Assert.InRange(fraction, (1 - p) * 0.75, (1 - p) * 1.05);
    }

    [Fact]
    public void RenderMatchesGymnasiumAnsi()
    {
        var lake = new FrozenLake(isSlippery: false);
        lake.Reset(seed: 0);
        Assert.Equal("\n\u001b[41mS\u001b[0mFFF\nFHFH\nFFFH\nHFFG\n", lake.Render());
        lake.Step(2);
        Assert.Equal("  (Right)\nS\u001b[41mF\u001b[0mFF\nFHFH\nFFFH\nHFFG\n", lake.Render());
        lake.Step(1);
        Assert.Equal("  (Down)\nSFFF\nF\u001b[41mH\u001b[0mFH\nFFFH\nHFFG\n", lake.Render());
    }
}
