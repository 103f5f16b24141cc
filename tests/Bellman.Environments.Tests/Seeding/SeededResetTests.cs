using Bellman.Environments.Wrappers;
using Bellman.Core.Environments;
using Xunit;

namespace Bellman.Environments.Tests.Seeding;

/// <summary>
/// <c>Reset(seed: k)</c> of each classic-control environment gives Gymnasium's <c>reset(seed=k)</c>: the same
/// observation (float32) and the same internal state, bit for bit; and two further resets without a seed
/// continue the same generator as Gymnasium's do.
/// </summary>
public sealed class SeededResetTests
{
    public static TheoryData<string> Envs => new() { "CartPole-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Acrobot-v1", "Pendulum-v1" };

    [Theory]
    [MemberData(nameof(Envs))]
    public void SeededResetsAndTheResetsAfterThemEqualGymnasiums(string id)
    {
        var reference = GymSeeded.Load("resets_" + id);
        var env = GymSeeded.Make(id, reference.GetProperty("make_kwargs"));
        var stateful = Assert.IsAssignableFrom<IStatefulEnvironment>(env.Unwrap());
        var state = new double[stateful.StateSize];
        int checkedResets = 0;
        foreach (var reset in reference.GetProperty("resets").EnumerateArray())
        {
            int seed = reset.GetProperty("seed").GetInt32();
            Check($"reset(seed={seed})", env.Reset(seed), reset);
            int k = 0;
            foreach (var then in reset.GetProperty("then").EnumerateArray())
                Check($"reset #{++k} after reset(seed={seed})", env.Reset(), then);
            checkedResets += 1 + k;
        }
        Assert.Equal(15, checkedResets);

        void Check(string what, ReadOnlySpan<float> obs, System.Text.Json.JsonElement want)
        {
            double[] wantObs = GymSeeded.Numbers(want.GetProperty("obs"));
            double[] gotObs = [.. obs.ToArray().Select(x => (double)x)];
            Assert.True(wantObs.SequenceEqual(gotObs), $"{id} {what}: obs {GymSeeded.Format(gotObs)}, Gymnasium {GymSeeded.Format(wantObs)}");
            stateful.GetState(state);
            double[] wantState = GymSeeded.Numbers(want.GetProperty("state"));
            Assert.True(wantState.SequenceEqual(state), $"{id} {what}: state {GymSeeded.Format(state)}, Gymnasium {GymSeeded.Format(wantState)}");
        }
    }

    [Fact]
    public void ANegativeSeedIsAnErrorAsInGymnasium()
    {
        var env = GymSeeded.Make("CartPole-v1", default);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => env.Reset(-1));
        Assert.Contains("CartPole-v1", e.Message);
        Assert.Contains("non-negative", e.Message);
    }

    [Fact]
    public void UnseededFirstResetsDifferBetweenInstances()
    {
        // Without a seed the generator comes from OS entropy, so two fresh instances start apart.
        var a = GymSeeded.Make("CartPole-v1", default).Reset().ToArray();
        var b = GymSeeded.Make("CartPole-v1", default).Reset().ToArray();
        Assert.NotEqual(a, b);
    }
}
