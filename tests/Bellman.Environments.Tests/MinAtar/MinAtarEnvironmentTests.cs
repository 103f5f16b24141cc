using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Bellman.Core.State;
using Bellman.Environments.MinAtar;

namespace Bellman.Environments.Tests.MinAtar;

public class MinAtarEnvironmentTests
{
    private static readonly EnvRegistry Registry = BuiltinEnvironments.RegisterAll(new EnvRegistry());

    public static TheoryData<string> Ids()
    {
        var ids = new TheoryData<string>();
        foreach (var game in MinAtarRegistration.Games)
        {
            ids.Add(MinAtarRegistration.Id(game.Name, false));
            ids.Add(MinAtarRegistration.Id(game.Name, true));
        }
        return ids;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void AStateRestoredIntoTheSameEnvironmentContinuesWithTheSameObservations(string id)
    {
        // The observation buffer is rewritten by clearing only the cells the previous step set; a restore (and a
        // write of the state elsewhere) must make the next step clear everything, or the restored observation's
        // cells would linger.
        var env = (MinAtarEnvironment)Registry.Make(id);
        var rng = new Rng(11);
        int[] actions = [.. Enumerable.Range(0, 400).Select(_ => rng.NextInt(env.ActionSpace.FlatSize == 1 ? ((Discrete)env.ActionSpace).N : 1))];
        env.Reset(3);
        for (int t = 0; t < 60; t++) if (env.Step(actions[t]).Terminated) env.Reset();
        using var saved = new MemoryStream();
        using (var writer = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true)) env.WriteState(writer);
        var expected = new List<float[]>();
        for (int t = 60; t < 400; t++)
        {
            if (env.Step(actions[t]).Terminated) env.Reset();
            expected.Add(env.Observation.ToArray());
        }
        saved.Position = 0;
        using (var reader = new BinaryReader(saved)) env.ReadState(reader);
        for (int t = 60; t < 400; t++)
        {
            if (env.Step(actions[t]).Terminated) env.Reset();
            Assert.True(env.Observation.SequenceEqual(expected[t - 60]), $"{id}: step {t} after the restore differs");
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void EveryObservationEqualsAFreshWriteOfTheGameEvenAfterTheGameWasDrivenDirectly(string id)
    {
        // Game is public: acting on it and writing its state into another buffer between two steps must not leave
        // stale cells in the environment's observation.
        var env = (MinAtarEnvironment)Registry.Make(id);
        var rng = new Rng(12);
        int n = ((Discrete)env.ActionSpace).N;
        var fresh = new float[env.Observation.Length];
        env.Reset(4);
        for (int t = 0; t < 600; t++)
        {
            if (t % 97 == 50 && !env.Game.Terminal)
            {
                env.Game.Act(rng.NextInt(6));
                env.Game.WriteState(fresh);
            }
            if (env.Step(rng.NextInt(n)).Terminated) env.Reset();
            env.Game.WriteState(fresh);
            Assert.True(env.Observation.SequenceEqual(fresh), $"{id}: step {t}: the observation is not the game's state");
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void EveryIdPassesTheEnvironmentChecker(string id)
    {
        var report = EnvChecker.Check(() => Registry.Make(id), seed: 5, steps: 600);
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void SpacesAreMinAtars()
    {
        var expected = new Dictionary<string, (int Channels, int[] Minimal)>
        {
            ["Asterix"] = (4, [0, 1, 2, 3, 4]),
            ["Breakout"] = (4, [0, 1, 3]),
            ["Freeway"] = (7, [0, 2, 4]),
            ["Seaquest"] = (10, [0, 1, 2, 3, 4, 5]),
            ["SpaceInvaders"] = (6, [0, 1, 3, 5]),
        };
        foreach (var (name, (channels, minimal)) in expected)
        {
            var v0 = (MinAtarEnvironment)Registry.Make(MinAtarRegistration.Id(name, false));
            var v1 = (MinAtarEnvironment)Registry.Make(MinAtarRegistration.Id(name, true));
            Assert.Equal([10, 10, channels], v0.ObservationSpace.Shape);
            var box = Assert.IsType<Box>(v0.ObservationSpace);
            Assert.Equal(0f, box.Low[0]);
            Assert.Equal(1f, box.High[^1]);
            Assert.Equal(6, ((Discrete)v0.ActionSpace).N);
            Assert.Equal(minimal, v1.ActionSet);
            Assert.Equal(minimal.Length, ((Discrete)v1.ActionSpace).N);
            Assert.Null(v0.Spec!.MaxEpisodeSteps);
        }
    }

    [Fact]
    public void MinimalActionsMapToMinAtarActions()
    {
        // Without sticky actions, v1's action 2 is Breakout's 'r' (3): the paddle moves right from column 4.
        var env = (MinAtarEnvironment)Registry.Make("MinAtar/Breakout-v1", new Dictionary<string, string> { ["sticky_action_prob"] = "0" });
        env.Reset(seed: 3);
        env.Step(2);
        Assert.Equal(3, env.LastAction);
        Assert.Equal(1f, env.Observation[(9 * 10 + 5) * 4 + 0]);
    }

    [Fact]
    public void StickyActionsRepeatThePreviousActionWithProbabilityOne()
    {
        var env = (MinAtarEnvironment)Registry.Make("MinAtar/Breakout-v0", new Dictionary<string, string> { ["sticky_action_prob"] = "1" });
        env.Reset(seed: 0);
        env.Step(3);
        Assert.Equal(0, env.LastAction); // the previous action starts at 0 and is always repeated
        Assert.Equal(2, env.RandomState!.WordsDrawn - 1); // breakout's reset drew 1 word, the step 2
    }

    [Fact]
    public void SameSeedSameEpisodeAndNoRampWhenOff()
    {
        var a = Registry.Make("MinAtar/Asterix-v0");
        var b = Registry.Make("MinAtar/Asterix-v0", new Dictionary<string, string> { ["difficulty_ramping"] = "false" });
        var rng = new Rng(1);
        a.Reset(seed: 11);
        b.Reset(seed: 11);
        for (int t = 0; t < 400; t++)
        {
            int action = rng.NextInt(6);
            var ra = a.Step(action);
            var rb = b.Step(action);
            if (ra.NeedsReset || rb.NeedsReset) break;
        }
        Assert.Equal(0, ((MinAtarEnvironment)b).Game.DifficultyRamp);
    }

    [Fact]
    public void BadOptionsAreClearErrors()
    {
        var e = Assert.Throws<EnvOptionException>(() => Registry.Make("MinAtar/Seaquest-v1", new Dictionary<string, string> { ["sticky_action_prob"] = "1.5" }));
        Assert.Contains("sticky_action_prob", e.Message);
        Assert.Contains("[0, 1]", e.Message);
        Assert.Throws<EnvOptionException>(() => Registry.Make("MinAtar/Seaquest-v1", new Dictionary<string, string> { ["difficulty_ramping"] = "maybe" }));
    }

    [Theory]
    [InlineData(1, 3, null)]      // lane 0 is row 1: restores
    [InlineData(5, 3, "lane 0")]  // an entity of lane 0 on row 5
    [InlineData(1, 12, "lane 0")] // off the grid
    public void AnAsterixStateWithAnEntityOffItsLaneIsAClearError(int row, int column, string? error)
    {
        // Asterix's checkpoint format: per lane, present, then (column, row), moving right, gold.
        using var saved = new MemoryStream();
        using (var writer = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Tag("asterix");
            writer.Write(false);
            writer.Write(true);
            writer.WriteSpan([column, row]);
            writer.Write(true);
            writer.Write(false);
            for (int lane = 1; lane < 8; lane++) writer.Write(false);
            writer.WriteSpan([5, 5, 10, 10, 5, 5, 100, 0]);
        }
        saved.Position = 0;
        var game = new Asterix();
        using var reader = new BinaryReader(saved);
        if (error is null)
        {
            game.RestoreState(reader);
            var state = new float[100 * game.ChannelCount];
            game.WriteState(state);
            Assert.Equal(1f, state[((1 * 10) + 3) * 4 + 1]); // the enemy
            Assert.Equal(1f, state[((1 * 10) + 2) * 4 + 2]); // its trail, behind it on the left
            Assert.Equal(1f, state[((5 * 10) + 5) * 4 + 0]); // the player
            return;
        }
        var e = Assert.Throws<InvalidDataException>(() => game.RestoreState(reader));
        Assert.Contains(error, e.Message);
    }

    [Fact]
    public void RenderShowsOneLetterPerChannel()
    {
        var env = Registry.Make("MinAtar/Breakout-v0");
        env.Reset(seed: 0);
        string[] lines = env.Render().Split('\n');
        Assert.Equal("MinAtar/Breakout-v0", lines[0]);
        Assert.Equal("..........", lines[1]);
        Assert.Equal("##########", lines[2]);
        Assert.Equal("....P.....", lines[10]);
        Assert.Equal("P paddle, O ball, t trail, # brick", lines[11]);
        // The ball starts in a brick cell of row 3; the highest channel, the brick, shows. One step later it
        // is at row 4 and its trail on row 3 is hidden by the brick again.
        Assert.Equal("##########", lines[4]);
        env.Step(0);
        string row4 = env.Render().Split('\n')[5];
        Assert.True(row4 == ".O........" || row4 == "........O.", row4);
    }
}
