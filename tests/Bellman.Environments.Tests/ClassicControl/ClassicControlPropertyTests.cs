using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Environments.ClassicControl;
using Xunit;

namespace Bellman.Environments.Tests.ClassicControl;

/// <summary>Invariants under random actions from fixed seeds: observations stay in the space, rewards in range.</summary>
public sealed class ClassicControlPropertyTests
{
    private const int Seeds = 20;
    private const int StepsPerSeed = 300;

    [Theory]
    [MemberData(nameof(ClassicControlCases.All), MemberType = typeof(ClassicControlCases))]
    public void Observations_stay_in_the_observation_space_under_random_actions(string id)
    {
        for (int seed = 0; seed < Seeds; seed++)
        {
            var env = ClassicControlCases.Make(id);
            var actions = new Rng(1000 + seed);
            var action = new float[env.ActionSpace.FlatSize];
            AssertInSpace(env, env.Reset(seed), $"{id} seed {seed}, reset");
            for (int t = 0; t < StepsPerSeed; t++)
            {
                SampleAction(env.ActionSpace, actions, action, wide: t % 2 == 1);
                var result = env.Step(action);
                AssertInSpace(env, env.Observation, $"{id} seed {seed}, step {t}");
                Assert.True(RewardInRange(id, result), $"{id} seed {seed}, step {t}: reward {result.Reward:R} out of range");
                Assert.False(result.Truncated, $"{id}: the environment itself never truncates");
                if (result.Terminated) env.Reset();
            }
        }
    }

    [Theory]
    [MemberData(nameof(ClassicControlCases.All), MemberType = typeof(ClassicControlCases))]
    public void Reset_draws_the_start_state_from_Gymnasiums_distribution(string id)
    {
        for (int seed = 0; seed < 200; seed++)
        {
            var env = ClassicControlCases.Make(id);
            env.Reset(seed);
            var s = new double[env.StateSize];
            env.GetState(s);
            switch (id)
            {
                case CartPole.Id:
                    Assert.All(s, x => Assert.InRange(x, -0.05, 0.05));
                    break;
                case MountainCar.Id or MountainCarContinuous.Id:
                    Assert.InRange(s[0], -0.6, -0.4);
                    Assert.Equal(0.0, s[1]);
                    break;
                case Acrobot.Id:
                    Assert.All(s, x => Assert.InRange(x, -0.1, 0.1));
                    Assert.All(s, x => Assert.Equal(x, (double)(float)x)); // float32 values, as Gymnasium
                    break;
                case Pendulum.Id:
                    Assert.InRange(s[0], -Math.PI, Math.PI);
                    Assert.InRange(s[1], -1.0, 1.0);
                    break;
            }
        }
    }

    [Theory]
    [MemberData(nameof(ClassicControlCases.All), MemberType = typeof(ClassicControlCases))]
    public void Same_seed_gives_the_same_episode_and_other_seeds_differ(string id)
    {
        float[][] first = Run(id, 7), again = Run(id, 7), other = Run(id, 8);
        Assert.Equal(first.Length, again.Length);
        for (int i = 0; i < first.Length; i++) Assert.Equal(first[i], again[i]);
        Assert.NotEqual(first[0], other[0]);
    }

    [Fact]
    public void Reset_without_a_seed_continues_the_generator()
    {
        var env = new CartPole();
        float[] seeded = env.Reset(3).ToArray();
        float[] next = env.Reset().ToArray();
        Assert.NotEqual(seeded, next);
        Assert.Equal(seeded, env.Reset(3).ToArray());
    }

    [Fact]
    public void Pendulum_never_ends_by_itself()
    {
        var env = new Pendulum();
        env.Reset(0);
        var rng = new Rng(5);
        for (int t = 0; t < 2000; t++)
        {
            var r = env.Step([(float)rng.Uniform(-2, 2)]);
            Assert.False(r.NeedsReset, $"step {t}");
        }
    }

    private static float[][] Run(string id, int seed)
    {
        var env = ClassicControlCases.Make(id);
        var trace = new List<float[]> { env.Reset(seed).ToArray() };
        var actions = new Rng(99);
        var action = new float[env.ActionSpace.FlatSize];
        for (int t = 0; t < 100; t++)
        {
            SampleAction(env.ActionSpace, actions, action, wide: false);
            var r = env.Step(action);
            trace.Add([.. env.Observation, (float)r.Reward, r.Terminated ? 1 : 0]);
            if (r.Terminated) trace.Add(env.Reset().ToArray());
        }
        return [.. trace];
    }

    /// <summary>A uniform action; for a Box, <paramref name="wide"/> draws from 1.5 × the bounds to exercise clipping.</summary>
    private static void SampleAction(Space space, Rng rng, float[] action, bool wide)
    {
        if (space is Box box && wide)
        {
            for (int i = 0; i < action.Length; i++) action[i] = (float)rng.Uniform(1.5 * box.Low[i], 1.5 * box.High[i]);
            return;
        }
        space.Sample(rng, action);
    }

    private static void AssertInSpace(IEnvironment env, ReadOnlySpan<float> obs, string where) =>
        Assert.True(env.ObservationSpace.Contains(obs), $"{where}: observation [{string.Join(", ", obs.ToArray())}] is outside {env.ObservationSpace}");

    private static bool RewardInRange(string id, StepResult r) => id switch
    {
        CartPole.Id => r.Reward == 1.0,
        MountainCar.Id => r.Reward == -1.0,
        Acrobot.Id => r.Reward == (r.Terminated ? 0.0 : -1.0),
        // 100·[terminated] − 0.1 a² with |a| ≤ 1.5 here.
        MountainCarContinuous.Id => r.Reward <= (r.Terminated ? 100.0 : 0.0) && r.Reward >= (r.Terminated ? 100.0 : 0.0) - 0.1 * 2.25,
        // −(π² + 0.1·8² + 0.001·2²) ≤ r ≤ 0.
        Pendulum.Id => r.Reward <= 0.0 && r.Reward >= -(Math.PI * Math.PI + 0.1 * 64 + 0.001 * 4),
        _ => false,
    };
}
