using System.Globalization;
using Bellman.Core.Environments;
using Bellman.Environments.ClassicControl;
using Bellman.Environments.MinAtar;
using Bellman.Environments.ToyText;

namespace Bellman.Environments;

/// <summary>Registers Bellman's environments under Gymnasium's ids, options, time limits and reward thresholds.</summary>
public static class BuiltinEnvironments
{
    /// <summary>Registers every built-in environment in <paramref name="registry"/> and returns it.</summary>
    public static EnvRegistry RegisterAll(EnvRegistry registry)
    {
        // Classic control.
        registry.Register(new EnvSpec(CartPole.Id, CartPole.MaxEpisodeSteps, CartPole.RewardThreshold),
            o => new CartPole(o.GetBool("sutton_barto_reward")),
            [new EnvOption("sutton_barto_reward", EnvOptionType.Bool, "false", "reward 0 per step and -1 on failure (Sutton & Barto) instead of +1 per step")],
            "Balance a pole on a cart (Barto, Sutton & Anderson 1983).");
        registry.Register(new EnvSpec(MountainCar.Id, MountainCar.MaxEpisodeSteps, MountainCar.RewardThreshold),
            o => new MountainCar(o.GetDouble("goal_velocity")),
            [new EnvOption("goal_velocity", EnvOptionType.Double, "0", "velocity needed at the goal")],
            "Drive an underpowered car up a hill (Moore 1990).");
        registry.Register(new EnvSpec(MountainCarContinuous.Id, MountainCarContinuous.MaxEpisodeSteps, MountainCarContinuous.RewardThreshold),
            o => new MountainCarContinuous(o.GetDouble("goal_velocity")),
            [new EnvOption("goal_velocity", EnvOptionType.Double, "0", "velocity needed at the goal")],
            "Mountain car with a continuous force.");
        registry.Register(new EnvSpec(Acrobot.Id, Acrobot.MaxEpisodeSteps, Acrobot.RewardThreshold),
            _ => new Acrobot(), [], "Swing a two-link robot above a line (Sutton 1996; RK4 integration).");
        registry.Register(new EnvSpec(Pendulum.Id, Pendulum.MaxEpisodeSteps),
            o => new Pendulum(o.GetDouble("g")),
            [new EnvOption("g", EnvOptionType.Double, "10", "gravity")],
            "Swing up and balance an inverted pendulum.");

        // Toy text, with known models.
        EnvOption[] frozenLakeOptions(string map) =>
        [
            new EnvOption("map_name", EnvOptionType.String, map, "predefined map") { Choices = ["4x4", "8x8"] },
            new EnvOption("desc", EnvOptionType.String, "", "custom map rows separated by commas, e.g. SFFF,FHFH,FFFH,HFFG (overrides map_name)"),
            new EnvOption("is_slippery", EnvOptionType.Bool, "true", "moves slip sideways"),
            new EnvOption("success_rate", EnvOptionType.Double, (1.0 / 3.0).ToString("R", CultureInfo.InvariantCulture), "probability of the intended move when slippery"),
            new EnvOption("reward_schedule", EnvOptionType.String, "1,0,0", "rewards for reaching goal, hole, frozen tile"),
        ];
        registry.Register(new EnvSpec(FrozenLake.Id, FrozenLake.MaxEpisodeSteps, FrozenLake.RewardThreshold), MakeFrozenLake, frozenLakeOptions("4x4"),
            "Cross a frozen lake without falling through a hole.");
        registry.Register(new EnvSpec(FrozenLake.Id8x8, FrozenLake.MaxEpisodeSteps8x8, FrozenLake.RewardThreshold8x8), MakeFrozenLake, frozenLakeOptions("8x8"),
            "FrozenLake on the 8x8 map.");
        registry.Register(new EnvSpec(CliffWalking.Id, CliffWalking.MaxEpisodeSteps, CliffWalking.RewardThreshold),
            o => new CliffWalking(o.GetBool("is_slippery")),
            [new EnvOption("is_slippery", EnvOptionType.Bool, "false", "moves slip sideways")],
            "Walk along a cliff (Sutton & Barto Example 6.6).");
        registry.Register(new EnvSpec(CliffWalking.SlipperyId, CliffWalking.MaxEpisodeSteps, CliffWalking.RewardThreshold),
            o => new CliffWalking(o.GetBool("is_slippery")),
            [new EnvOption("is_slippery", EnvOptionType.Bool, "true", "moves slip sideways")],
            "CliffWalking where moves slip sideways.");
        registry.Register(new EnvSpec(Taxi.Id, Taxi.MaxEpisodeSteps, Taxi.RewardThreshold),
            o => new Taxi(o.GetBool("is_rainy"), o.GetBool("fickle_passenger")),
            [
                new EnvOption("is_rainy", EnvOptionType.Bool, "false", "moves slip sideways with probability 0.2"),
                new EnvOption("fickle_passenger", EnvOptionType.Bool, "false", "the passenger may change destination"),
            ],
            "Pick up and drop off a passenger (Dietterich 2000).");
        registry.Register(new EnvSpec(GridWorld.Id, GridWorld.MaxEpisodeSteps, GridWorld.RewardThreshold),
            _ => new GridWorld(), [], "The lecture's 4x4 gridworld (Sutton & Barto Example 4.1).");

        // MinAtar's five games, v0 and v1.
        MinAtarRegistration.RegisterAll(registry);
        return registry;
    }

    private static IEnvironment MakeFrozenLake(EnvOptions o)
    {
        string desc = o.GetString("desc");
        var schedule = o.GetString("reward_schedule").Split(',', StringSplitOptions.TrimEntries);
        if (schedule.Length != 3 || !schedule.All(x => double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            throw new EnvOptionException(FrozenLake.Id, "reward_schedule", $"option 'reward_schedule' has value '{o.GetString("reward_schedule")}', which is not three numbers goal,hole,frozen.");
        var rewards = new FrozenLakeRewards(Parse(schedule[0]), Parse(schedule[1]), Parse(schedule[2]));
        return new FrozenLake(
            desc.Length > 0 ? desc.Split(',', StringSplitOptions.TrimEntries) : null,
            desc.Length > 0 ? null : o.GetString("map_name"),
            o.GetBool("is_slippery"),
            o.GetDouble("success_rate"),
            rewards);

        static double Parse(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
