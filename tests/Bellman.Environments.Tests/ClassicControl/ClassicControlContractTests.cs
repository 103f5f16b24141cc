using Bellman.Core.Environments;
using Bellman.Environments.ClassicControl;
using Xunit;

namespace Bellman.Environments.Tests.ClassicControl;

/// <summary>Action validation, episode bookkeeping, explicit states, options and rendering.</summary>
public sealed class ClassicControlContractTests
{
    public static TheoryData<string> Discrete => [CartPole.Id, MountainCar.Id, Acrobot.Id];

    public static TheoryData<string> Continuous => [MountainCarContinuous.Id, Pendulum.Id];

    /// <summary>A state from which one step terminates (Pendulum never terminates).</summary>
    public static TheoryData<string, double[], int> TerminalStarts => new()
    {
        { CartPole.Id, [2.4, 1.0, 0.0, 0.0], 1 },
        { MountainCar.Id, [0.5, 0.07], 2 },
        { MountainCarContinuous.Id, [0.45, 0.07], 1 },
        { Acrobot.Id, [Math.PI, 0.0, 0.0, 0.0], 1 },
    };

    [Theory]
    [MemberData(nameof(Discrete))]
    public void Invalid_discrete_actions_throw(string id)
    {
        var env = ClassicControlCases.Make(id);
        env.Reset(0);
        int n = ((Core.Spaces.Discrete)env.ActionSpace).N;
        var e = Assert.Throws<InvalidActionException>(() => env.Step(n));
        Assert.Contains(env.Name, e.Message);
        Assert.Throws<InvalidActionException>(() => env.Step(-1));
        Assert.Throws<InvalidActionException>(() => env.Step([float.NaN]));
        Assert.Throws<InvalidActionException>(() => env.Step([0.5f]));
        Assert.Throws<InvalidActionException>(() => env.Step([0f, 1f]));
        // A rejected action leaves the episode usable.
        env.Step(0);
    }

    [Theory]
    [MemberData(nameof(Continuous))]
    public void Invalid_continuous_actions_throw(string id)
    {
        var env = ClassicControlCases.Make(id);
        env.Reset(0);
        var e = Assert.Throws<InvalidActionException>(() => env.Step([float.NaN]));
        Assert.Contains(env.Name, e.Message);
        Assert.Throws<InvalidActionException>(() => env.Step([float.PositiveInfinity]));
        Assert.Throws<InvalidActionException>(() => env.Step([0f, 0f]));
        Assert.Throws<InvalidActionException>(() => env.Step(ReadOnlySpan<float>.Empty));
        Assert.Throws<InvalidActionException>(() => env.Step(0));
        env.Step([0f]);
    }

    [Fact]
    public void Pendulum_clips_the_torque_before_everything()
    {
        double[] start = [0.3, -0.2];
        var clipped = new Pendulum();
        clipped.ResetToState(start);
        var atBound = new Pendulum();
        atBound.ResetToState(start);
        var r1 = clipped.Step([5f]);
        var r2 = atBound.Step([2f]);
        Assert.Equal(r2, r1);
        Assert.Equal(State(atBound), State(clipped));
        Assert.Equal(atBound.Observation.ToArray(), clipped.Observation.ToArray());
    }

    [Fact]
    public void MountainCarContinuous_clips_the_force_but_charges_the_whole_action()
    {
        double[] start = [-0.5, 0.0];
        var wide = new MountainCarContinuous();
        wide.ResetToState(start);
        var atBound = new MountainCarContinuous();
        atBound.ResetToState(start);
        var rWide = wide.Step([3f]);
        var rBound = atBound.Step([1f]);
        Assert.Equal(State(atBound), State(wide));
        Assert.Equal(-(3.0 * 3.0 * 0.1), rWide.Reward);
        Assert.Equal(-(1.0 * 1.0 * 0.1), rBound.Reward);
    }

    [Fact]
    public void Stepping_before_reset_throws()
    {
        foreach (string id in ClassicControlCases.Ids)
        {
            var env = ClassicControlCases.Make(id);
            Assert.Throws<EpisodeEndedException>(() => ClassicControlCases.Step(env, 0));
        }
    }

    [Theory]
    [MemberData(nameof(TerminalStarts))]
    public void Stepping_after_termination_throws_until_reset(string id, double[] start, int action)
    {
        var env = ClassicControlCases.Make(id);
        env.ResetToState(start);
        var result = ClassicControlCases.Step(env, action);
        Assert.True(result.Terminated, $"{id}: the step from [{string.Join(", ", start)}] should terminate");
        var e = Assert.Throws<EpisodeEndedException>(() => ClassicControlCases.Step(env, action));
        Assert.Contains("Reset", e.Message);
        env.Reset(0);
        ClassicControlCases.Step(env, 0);
        env.ResetToState(start);
        Assert.True(ClassicControlCases.Step(env, action).Terminated);
    }

    [Theory]
    [MemberData(nameof(ClassicControlCases.All), MemberType = typeof(ClassicControlCases))]
    public void ResetToState_rejects_a_wrong_length_naming_the_expected_one(string id)
    {
        var env = ClassicControlCases.Make(id);
        int n = env.StateSize;
        var e = Assert.Throws<ArgumentException>(() => env.ResetToState(new double[n + 1]));
        Assert.Contains($"{n} are expected", e.Message);
        Assert.Throws<ArgumentException>(() => env.ResetToState(new double[n - 1]));
        var nan = new double[n];
        nan[0] = double.NaN;
        Assert.Throws<ArgumentException>(() => env.ResetToState(nan));
        Assert.Throws<ArgumentException>(() => env.GetState(new double[n + 1]));
    }

    [Theory]
    [MemberData(nameof(ClassicControlCases.All), MemberType = typeof(ClassicControlCases))]
    public void ResetToState_then_GetState_round_trips(string id)
    {
        var env = ClassicControlCases.Make(id);
        double[] state = [.. Enumerable.Range(0, env.StateSize).Select(i => 0.01 * (i + 1) - 0.5)];
        env.ResetToState(state);
        Assert.Equal(state, State(env));
    }

    [Fact]
    public void CartPole_sutton_barto_reward_is_zero_per_step_and_minus_one_on_termination()
    {
        var env = new CartPole(suttonBartoReward: true);
        Assert.True(env.SuttonBartoReward);
        env.ResetToState([0.0, 0.0, 0.0, 0.0]);
        Assert.Equal(new StepResult(0.0, false, false), env.Step(1));
        env.ResetToState([2.4, 1.0, 0.0, 0.0]);
        Assert.Equal(new StepResult(-1.0, true, false), env.Step(1));
        var standard = new CartPole();
        standard.ResetToState([2.4, 1.0, 0.0, 0.0]);
        Assert.Equal(new StepResult(1.0, true, false), standard.Step(1));
    }

    [Fact]
    public void MountainCar_goal_velocity_is_required_at_the_goal()
    {
        // From (0.49, 0.02) pushing right: v = 0.02 + 0.001 − 0.0025 cos(1.47) ≈ 0.0207, x ≈ 0.5107 ≥ 0.5.
        double[] start = [0.49, 0.02];
        var lenient = new MountainCar();
        lenient.ResetToState(start);
        Assert.True(lenient.Step(2).Terminated);
        var strict = new MountainCar(goalVelocity: 0.05);
        strict.ResetToState(start);
        Assert.False(strict.Step(2).Terminated);
        Assert.Equal(0.05, strict.GoalVelocity);

        var continuousStrict = new MountainCarContinuous(goalVelocity: 0.05);
        continuousStrict.ResetToState([0.44, 0.02]);
        Assert.False(continuousStrict.Step([1f]).Terminated);
        var continuous = new MountainCarContinuous();
        continuous.ResetToState([0.44, 0.02]);
        Assert.Equal(100.0 - 0.1, continuous.Step([1f]).Reward, 12);
    }

    [Theory]
    [InlineData(10.0)]
    [InlineData(9.81)]
    [InlineData(2.0)]
    public void Pendulum_g_sets_the_gravity_torque(double g)
    {
        // From θ = π/2, θ̇ = 0, u = 0: θ̇' = (3g/2)·sin(π/2)·dt = 0.075 g, θ' = π/2 + θ̇'·dt.
        var env = new Pendulum(g);
        Assert.Equal(g, env.G);
        env.ResetToState([Math.PI / 2, 0.0]);
        env.Step([0f]);
        var s = State(env);
        Assert.Equal(0.075 * g, s[1], 12);
        Assert.Equal(Math.PI / 2 + 0.075 * g * 0.05, s[0], 12);
    }

    [Fact]
    public void Options_reject_non_finite_values()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pendulum(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MountainCar(double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MountainCarContinuous(double.NaN));
    }

    [Fact]
    public void Render_describes_the_state_on_one_line()
    {
        var cartPole = new CartPole();
        cartPole.ResetToState([0.0123, -0.5, 0.1, 2.0]);
        Assert.Equal("CartPole-v1: x=0.0123 x_dot=-0.5000 theta=0.1000 theta_dot=2.0000", cartPole.Render());
        foreach (string id in ClassicControlCases.Ids)
        {
            var env = ClassicControlCases.Make(id);
            env.Reset(0);
            string text = env.Render();
            Assert.StartsWith(id + ": ", text);
            Assert.DoesNotContain('\n', text);
        }
        cartPole.Spec = new EnvSpec("CartPole-custom", 10);
        Assert.StartsWith("CartPole-custom: x=", cartPole.Render());
    }

    [Fact]
    public void Registry_constants_match_Gymnasium()
    {
        Assert.Equal((500, 475.0), (CartPole.MaxEpisodeSteps, CartPole.RewardThreshold));
        Assert.Equal((200, -110.0), (MountainCar.MaxEpisodeSteps, MountainCar.RewardThreshold));
        Assert.Equal((999, 90.0), (MountainCarContinuous.MaxEpisodeSteps, MountainCarContinuous.RewardThreshold));
        Assert.Equal((500, -100.0), (Acrobot.MaxEpisodeSteps, Acrobot.RewardThreshold));
        Assert.Equal(200, Pendulum.MaxEpisodeSteps);
        foreach (string id in ClassicControlCases.Ids)
            Assert.Equal(GymReference.Load(id).MaxEpisodeSteps, MaxSteps(id));
    }

    private static int MaxSteps(string id) => id switch
    {
        CartPole.Id => CartPole.MaxEpisodeSteps,
        MountainCar.Id => MountainCar.MaxEpisodeSteps,
        MountainCarContinuous.Id => MountainCarContinuous.MaxEpisodeSteps,
        Acrobot.Id => Acrobot.MaxEpisodeSteps,
        Pendulum.Id => Pendulum.MaxEpisodeSteps,
        _ => throw new ArgumentException(id),
    };

    private static double[] State(IStatefulEnvironment env)
    {
        var s = new double[env.StateSize];
        env.GetState(s);
        return s;
    }
}
