using System.Text.Json;
using Bellman.Core.Spaces;
using Xunit;

namespace Bellman.Environments.Tests.Seeding;

/// <summary>
/// <c>space.Seed(k)</c> then <c>Sample()</c> repeats Gymnasium's <c>space.seed(k)</c> and <c>sample()</c> for
/// every environment's action and observation space: Discrete through <c>integers</c>, bounded Box through
/// <c>uniform</c>, and CartPole's half-unbounded observation Box through <c>normal</c> then <c>uniform</c>.
/// </summary>
public sealed class SeededSpaceTests
{
    private static readonly JsonElement Spaces = GymSeeded.Load("spaces").GetProperty("spaces");

    public static TheoryData<string> Keys()
    {
        var data = new TheoryData<string>();
        foreach (var entry in Spaces.EnumerateObject()) data.Add(entry.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void SeededSamplesEqualGymnasiums(string key)
    {
        var entry = Spaces.GetProperty(key);
        string id = entry.GetProperty("env").GetString()!;
        int compared = 0;
        foreach (var (which, samplesKey) in new[] { ("action_space", "action_samples"), ("observation_space", "observation_samples") })
        {
            foreach (var run in entry.GetProperty(samplesKey).EnumerateArray())
            {
                // A fresh gym.make per seed, as the file was recorded.
                var env = GymSeeded.Make(id, entry.GetProperty("make_kwargs"));
                Space space = which == "action_space" ? env.ActionSpace : env.ObservationSpace;
                CheckDescription(key, which, space, entry.GetProperty(which));
                int seed = run.GetProperty("seed").GetInt32();
                Assert.Equal(run.GetProperty("seed_return").GetInt32(), space.Seed(seed));
                int j = 0;
                foreach (var want in run.GetProperty("samples").EnumerateArray())
                {
                    double[] expected = want.ValueKind == JsonValueKind.Array ? GymSeeded.Numbers(want) : [want.GetDouble()];
                    double[] got = [.. space.Sample().Select(x => (double)x)];
                    Assert.True(expected.SequenceEqual(got), $"{key} {which} seed {seed} sample {j}: {GymSeeded.Format(got)}, Gymnasium {GymSeeded.Format(expected)}");
                    j++;
                    compared++;
                }
            }
        }
        Assert.True(compared >= 125, $"{key}: only {compared} samples compared");
    }

    private static void CheckDescription(string key, string which, Space space, JsonElement want)
    {
        switch (want.GetProperty("type").GetString())
        {
            case "Discrete":
                var d = Assert.IsType<Discrete>(space);
                Assert.Equal(want.GetProperty("n").GetInt32(), d.N);
                Assert.Equal(want.GetProperty("start").GetInt32(), d.Start);
                break;
            case "Box":
                var box = Assert.IsType<Box>(space);
                Assert.True(GymSeeded.Numbers(want.GetProperty("low")).SequenceEqual(box.Low.ToArray().Select(x => (double)x)), $"{key} {which}: low bounds differ");
                Assert.True(GymSeeded.Numbers(want.GetProperty("high")).SequenceEqual(box.High.ToArray().Select(x => (double)x)), $"{key} {which}: high bounds differ");
                break;
            default:
                Assert.Fail($"{key} {which}: unexpected space type {want.GetProperty("type")}");
                break;
        }
    }
}
