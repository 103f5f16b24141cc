using Bellman.Environments.Wrappers;
using System.Text.Json;
using Bellman.Environments.ToyText;
using Xunit;

namespace Bellman.Environments.Tests.Seeding;

/// <summary>
/// Whole seeded episodes of the stochastic toy texts replay Gymnasium's step for step: after
/// <c>Reset(seed: k)</c> the same actions give the same observations, rewards, termination and truncation
/// flags, <c>info["prob"]</c> and (Taxi) <c>info["action_mask"]</c>, including rainy Taxi's slips and the
/// fickle passenger's change of destination.
/// </summary>
public sealed class SeededEpisodeTests
{
    public static TheoryData<string> Files => new()
    {
        "FrozenLake-v1_4x4_slippery",
        "FrozenLake-v1_8x8_slippery",
        "FrozenLake8x8-v1_slippery",
        "CliffWalkingSlippery-v1",
        "Taxi-v4_rainy_fickle",
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void SeededEpisodesReplayGymnasiumsStepForStep(string file)
    {
        var reference = GymSeeded.Load("episodes_" + file);
        var env = GymSeeded.Make(reference.GetProperty("env").GetString()!, reference.GetProperty("make_kwargs"));
        var tabular = Assert.IsAssignableFrom<TabularEnvironment>(env.Unwrap());
        int episodes = 0, steps = 0;
        foreach (var episode in reference.GetProperty("episodes").EnumerateArray())
        {
            int seed = episode.GetProperty("seed").GetInt32();
            string name = $"{file} seed {seed} {episode.GetProperty("policy").GetString()}";
            var obs = env.Reset(seed);
            Assert.True(episode.GetProperty("initial_obs").GetInt32() == (int)obs[0], $"{name}: reset gave {obs[0]}, Gymnasium {episode.GetProperty("initial_obs")}");
            CheckInfo(name + " reset", tabular, episode.GetProperty("initial_info"));
            var actions = episode.GetProperty("actions").EnumerateArray().Select(a => a.GetInt32()).ToArray();
            var wanted = episode.GetProperty("steps").EnumerateArray().ToArray();
            Assert.Equal(actions.Length, wanted.Length);
            for (int t = 0; t < actions.Length; t++)
            {
                var want = wanted[t];
                var result = env.Step(actions[t]);
                string at = $"{name} step {t} (action {actions[t]})";
                Assert.True(want.GetProperty("obs").GetInt32() == (int)env.Observation[0], $"{at}: obs {env.Observation[0]}, Gymnasium {want.GetProperty("obs")}");
                Assert.True(want.GetProperty("reward").GetDouble() == result.Reward, $"{at}: reward {result.Reward}, Gymnasium {want.GetProperty("reward")}");
                Assert.True(want.GetProperty("terminated").GetBoolean() == result.Terminated, $"{at}: terminated {result.Terminated}");
                Assert.True(want.GetProperty("truncated").GetBoolean() == result.Truncated, $"{at}: truncated {result.Truncated}");
                CheckInfo(at, tabular, want.GetProperty("info"));
                steps++;
            }
            string end = episode.GetProperty("end").GetString()!;
            var last = wanted[^1];
            Assert.Equal(end == "terminated", last.GetProperty("terminated").GetBoolean());
            Assert.Equal(end == "truncated", last.GetProperty("truncated").GetBoolean());
            episodes++;
        }
        Assert.Equal(10, episodes);
        Assert.True(steps > 100, $"{file}: only {steps} steps compared");
    }

    private static void CheckInfo(string at, TabularEnvironment env, JsonElement info)
    {
        double prob = info.GetProperty("prob").GetDouble();
        Assert.True(prob == env.LastTransitionProbability, $"{at}: prob {env.LastTransitionProbability}, Gymnasium {prob}");
        if (info.TryGetProperty("action_mask", out var mask))
        {
            var taxi = Assert.IsType<Taxi>(env);
            var want = mask.EnumerateArray().Select(m => m.GetInt32() != 0).ToArray();
            Assert.True(want.SequenceEqual(taxi.ActionMask.ToArray()), $"{at}: action mask differs from Gymnasium's");
        }
    }
}
