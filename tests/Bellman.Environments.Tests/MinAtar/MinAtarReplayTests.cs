using System.Text.Json;
using Bellman.Environments.MinAtar;

namespace Bellman.Environments.Tests.MinAtar;

/// <summary>
/// Every episode recorded from MinAtar 1.0.15's own Python code (Data/MinAtar/*.json, schema in
/// Data/MinAtar/README.md) replays exactly: the executed action after the sticky draw, reward, terminal,
/// state, difficulty ramp, and the number of MT19937 words each step consumed.
/// </summary>
public class MinAtarReplayTests
{
    public static TheoryData<string, string> Games() => new()
    {
        { "breakout", "Breakout" },
        { "space_invaders", "SpaceInvaders" },
        { "freeway", "Freeway" },
        { "asterix", "Asterix" },
        { "seaquest", "Seaquest" },
    };

    private static JsonElement Load(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Data", "MinAtar", file + ".json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.Clone();
    }

    /// <summary>The sorted flat C-order indices of the true cells, the reference encoding.</summary>
    internal static int[] TrueCells(ReadOnlySpan<float> observation)
    {
        var cells = new List<int>();
        for (int i = 0; i < observation.Length; i++) if (observation[i] != 0) cells.Add(i);
        return [.. cells];
    }

    private static int[] Ints(JsonElement a) => [.. a.EnumerateArray().Select(x => x.GetInt32())];

    [Theory]
    [MemberData(nameof(Games))]
    public void EveryReferenceEpisodeReplaysExactly(string file, string name)
    {
        var reference = Load(file);
        Assert.Equal(file, reference.GetProperty("game").GetString());
        var env = (MinAtarEnvironment)BuiltinEnvironments.RegisterAll(new EnvRegistry()).Make(MinAtarRegistration.Id(name, minimalActionSet: false));
        Assert.Equal(Ints(reference.GetProperty("state_shape")), env.ObservationSpace.Shape);
        Assert.Equal(reference.GetProperty("channels").EnumerateArray().Select(c => c.GetString()!), env.Game.ChannelNames);

        int episodes = 0;
        foreach (var episode in reference.GetProperty("episodes").EnumerateArray())
        {
            Replay(env, episode, file);
            episodes++;
        }
        Assert.Equal(4, episodes);
    }

    public static TheoryData<string, string> SurviveGames() => new()
    {
        { "asterix", "Asterix" },
        { "seaquest", "Seaquest" },
        { "space_invaders", "SpaceInvaders" },
    };

    /// <summary>
    /// Long episodes on seeds outside the shared reference (Data/MinAtar/survive_episodes.json, recorded
    /// from MinAtar's code the same way, with a lookahead policy that survives): the games with spawns and ramps.
    /// </summary>
    [Theory]
    [MemberData(nameof(SurviveGames))]
    public void LongEpisodesOnOtherSeedsReplayExactly(string file, string name)
    {
        var recorded = Load("survive_episodes").GetProperty("games").GetProperty(file);
        var env = (MinAtarEnvironment)BuiltinEnvironments.RegisterAll(new EnvRegistry()).Make(MinAtarRegistration.Id(name, minimalActionSet: false));
        int episodes = 0;
        foreach (var episode in recorded.EnumerateArray())
        {
            Assert.True(episode.GetProperty("length").GetInt32() > 400);
            Replay(env, episode, file);
            episodes++;
        }
        Assert.Equal(3, episodes);
    }

    private static void Replay(MinAtarEnvironment env, JsonElement episode, string file)
    {
        int seed = episode.GetProperty("seed").GetInt32();
        string where = $"{file} seed {seed} {episode.GetProperty("policy").GetString()}";
        env.Reset(seed);
        bool hasDraws = episode.TryGetProperty("draws", out var drawList);
        if (hasDraws) Assert.Equal(episode.GetProperty("reset_draws").GetInt64(), env.RandomState!.WordsDrawn);
        Assert.Equal(Ints(episode.GetProperty("initial_state")), TrueCells(env.Observation));

        int[] actions = Ints(episode.GetProperty("actions"));
        int[] executed = Ints(episode.GetProperty("executed_actions"));
        int[] rewards = Ints(episode.GetProperty("rewards"));
        bool[] terminals = [.. episode.GetProperty("terminals").EnumerateArray().Select(t => t.GetBoolean())];
        int[] draws = hasDraws ? Ints(drawList) : [];
        var states = episode.GetProperty("states").EnumerateArray().ToArray();
        var ramps = episode.GetProperty("ramp").EnumerateArray().ToArray();
        Assert.Equal(episode.GetProperty("length").GetInt32(), actions.Length);

        double total = 0;
        for (int t = 0; t < actions.Length; t++)
        {
            long before = env.RandomState!.WordsDrawn;
            var step = env.Step(actions[t]);
            total += step.Reward;
            string at = $"{where}, step {t}";
            if (hasDraws) Assert.True(draws[t] == env.RandomState.WordsDrawn - before, $"{at}: drew {env.RandomState.WordsDrawn - before} words, MinAtar {draws[t]}");
            Assert.True(executed[t] == env.LastAction, $"{at}: executed {env.LastAction}, MinAtar {executed[t]}");
            Assert.True(rewards[t] == step.Reward, $"{at}: reward {step.Reward}, MinAtar {rewards[t]}");
            Assert.True(terminals[t] == step.Terminated, $"{at}: terminal {step.Terminated}, MinAtar {terminals[t]}");
            Assert.False(step.Truncated);
            int[] expected = Ints(states[t]);
            int[] actual = TrueCells(env.Observation);
            Assert.True(expected.SequenceEqual(actual), $"{at}: state [{string.Join(",", actual)}], MinAtar [{string.Join(",", expected)}]");
            int? ramp = ramps[t].ValueKind == JsonValueKind.Null ? null : ramps[t].GetInt32();
            Assert.True(ramp == env.Game.DifficultyRamp, $"{at}: ramp {env.Game.DifficultyRamp}, MinAtar {ramp}");
        }
        Assert.Equal(episode.GetProperty("total_reward").GetDouble(), total);
        if (episode.TryGetProperty("end", out var end)) Assert.Equal(end.GetString() == "terminal", env.Game.Terminal);
        else Assert.Equal(terminals.Length > 0 && terminals[^1], env.Game.Terminal);
    }
}
