using Xunit;
using System.Globalization;
using Bellman.Core.Spaces;

namespace Bellman.Environments.Tests.ClassicControl;

/// <summary>
/// Replays every Gymnasium 1.4.0 reference episode from its initial state and requires bit-identical
/// observations (float32) and internal states (float64), equal rewards and termination flags.
/// </summary>
public sealed class ClassicControlExactnessTests
{
    [Theory]
    [MemberData(nameof(ClassicControlCases.All), MemberType = typeof(ClassicControlCases))]
    public void Replays_every_reference_episode_bit_for_bit(string id)
    {
        var reference = GymReference.Load(id);
        Assert.Equal(id, reference.Env);
        Assert.NotEmpty(reference.Episodes);
        int stepsChecked = 0;
        foreach (var episode in reference.Episodes)
        {
            var env = ClassicControlCases.Make(id);
            string where = $"{id} seed {episode.Seed} ({episode.Policy})";
            var obs = env.ResetToState(episode.InitialState);
            AssertFloatsBitwise(episode.InitialObs, obs, $"{where}, initial observation");
            var state = new double[env.StateSize];
            env.GetState(state);
            AssertDoublesBitwise(episode.InitialState, state, $"{where}, initial state");

            for (int j = 0; j < episode.Steps.Length; j++)
            {
                var expected = episode.Steps[j];
                string at = $"{where}, step {j} (action {episode.Actions[j].ToString("R", CultureInfo.InvariantCulture)})";
                var result = ClassicControlCases.Step(env, episode.Actions[j]);
                AssertFloatsBitwise(expected.Obs, env.Observation, $"{at}, observation");
                env.GetState(state);
                AssertDoublesBitwise(expected.State, state, $"{at}, state");
                Assert.True(BitConverter.DoubleToInt64Bits(expected.Reward) == BitConverter.DoubleToInt64Bits(result.Reward),
                    $"{at}: reward {result.Reward:R}, Gymnasium {expected.Reward:R}");
                Assert.True(expected.Terminated == result.Terminated, $"{at}: terminated {result.Terminated}, Gymnasium {expected.Terminated}");
                Assert.False(result.Truncated, $"{at}: the environment itself never truncates");
                // The reference's truncation comes from the registered TimeLimit wrapper.
                bool timeLimit = j + 1 == reference.MaxEpisodeSteps && !expected.Terminated;
                Assert.True(expected.Truncated == timeLimit, $"{at}: Gymnasium truncated={expected.Truncated}, time limit {reference.MaxEpisodeSteps} predicts {timeLimit}");
                stepsChecked++;
            }
            bool ended = episode.Steps[^1].Terminated || episode.Steps[^1].Truncated;
            Assert.True(ended || episode.Steps.Length == 600, $"{where}: the reference episode stops early without an end signal");
        }
        Assert.True(stepsChecked >= 100, $"{id}: only {stepsChecked} steps were compared");
    }

    /// <summary>
    /// The same episodes through the registry (<c>Make(id)</c> with its TimeLimit wrapper): every flag,
    /// truncation included, equals what Gymnasium's <c>gym.make(id)</c> returned.
    /// </summary>
    [Theory]
    [MemberData(nameof(ClassicControlCases.All), MemberType = typeof(ClassicControlCases))]
    public void Registered_environments_replay_with_Gymnasiums_flags(string id)
    {
        var reference = GymReference.Load(id);
        foreach (var episode in reference.Episodes)
        {
            var env = EnvRegistry.Default.Make(id);
            Assert.Equal(reference.MaxEpisodeSteps, env.Spec!.MaxEpisodeSteps);
            var obs = ((Bellman.Core.Environments.IStatefulEnvironment)env).ResetToState(episode.InitialState);
            AssertFloatsBitwise(episode.InitialObs, obs, $"{id} seed {episode.Seed}, initial observation");
            for (int j = 0; j < episode.Steps.Length; j++)
            {
                var expected = episode.Steps[j];
                var result = env.ActionSpace is Discrete ? env.Step((int)episode.Actions[j]) : env.Step([(float)episode.Actions[j]]);
                string at = $"{id} seed {episode.Seed}, step {j}";
                AssertFloatsBitwise(expected.Obs, env.Observation, at);
                Assert.True(expected.Reward == result.Reward, $"{at}: reward {result.Reward:R}, Gymnasium {expected.Reward:R}");
                Assert.True(expected.Terminated == result.Terminated, $"{at}: terminated {result.Terminated}, Gymnasium {expected.Terminated}");
                Assert.True(expected.Truncated == result.Truncated, $"{at}: truncated {result.Truncated}, Gymnasium {expected.Truncated}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ClassicControlCases.All), MemberType = typeof(ClassicControlCases))]
    public void Spaces_match_Gymnasium(string id)
    {
        var reference = GymReference.Load(id);
        var env = ClassicControlCases.Make(id);
        AssertSpace(reference.ObservationSpace, env.ObservationSpace, $"{id} observation space");
        AssertSpace(reference.ActionSpace, env.ActionSpace, $"{id} action space");
    }

    private static void AssertSpace(ReferenceSpace expected, Space actual, string what)
    {
        if (expected.Type == "Discrete")
        {
            var discrete = Assert.IsType<Discrete>(actual);
            Assert.Equal(expected.N, discrete.N);
            Assert.Equal(0, discrete.Start);
            return;
        }
        var box = Assert.IsType<Box>(actual);
        Assert.Equal(expected.Low, box.Low.ToArray());
        Assert.Equal(expected.High, box.High.ToArray());
        for (int i = 0; i < expected.Low.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected.Low[i]) == BitConverter.SingleToInt32Bits(box.Low[i]), $"{what}: low[{i}]");
            Assert.True(BitConverter.SingleToInt32Bits(expected.High[i]) == BitConverter.SingleToInt32Bits(box.High[i]), $"{what}: high[{i}]");
        }
    }

    private static void AssertFloatsBitwise(double[] expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} elements, Gymnasium {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            float e = (float)expected[i];
            Assert.True((double)e == expected[i], $"{what}: reference element {i} is not a float32 value");
            Assert.True(BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}[{i}]: {actual[i].ToString("R", CultureInfo.InvariantCulture)}, Gymnasium {e.ToString("R", CultureInfo.InvariantCulture)}");
        }
    }

    private static void AssertDoublesBitwise(double[] expected, ReadOnlySpan<double> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} elements, Gymnasium {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]),
                $"{what}[{i}]: {actual[i].ToString("R", CultureInfo.InvariantCulture)}, Gymnasium {expected[i].ToString("R", CultureInfo.InvariantCulture)}");
        }
    }
}
