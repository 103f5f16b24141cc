using System.Globalization;

namespace Bellman.Environments.MinAtar;

/// <summary>
/// Registers MinAtar's five games under the ids of MinAtar's Gymnasium registration:
/// <c>MinAtar/{Game}-v0</c> with all six actions and <c>MinAtar/{Game}-v1</c> with the minimal action set,
/// each with the options <c>sticky_action_prob</c> (0.1) and <c>difficulty_ramping</c> (true).
/// </summary>
public static class MinAtarRegistration
{
    /// <summary>The games: registered name, MinAtar module name, factory (taking difficulty_ramping) and one line of description.</summary>
    public static IReadOnlyList<(string Name, string Module, Func<bool, MinAtarGame> Create, string Description)> Games { get; } =
    [
        ("Asterix", "asterix", ramping => new Asterix(ramping), "collect gold and dodge enemies crossing eight lanes"),
        ("Breakout", "breakout", _ => new Breakout(), "bounce a ball off a paddle to break bricks"),
        ("Freeway", "freeway", _ => new Freeway(), "get a chicken across eight lanes of traffic"),
        ("Seaquest", "seaquest", ramping => new Seaquest(ramping), "shoot enemies, rescue divers and surface for oxygen"),
        ("SpaceInvaders", "space_invaders", ramping => new SpaceInvaders(ramping), "shoot a descending block of aliens"),
    ];

    /// <summary>The id of <paramref name="name"/> (for example <c>Breakout</c>) with the minimal (v1) or full (v0) action set.</summary>
    public static string Id(string name, bool minimalActionSet) => $"MinAtar/{name}-v{(minimalActionSet ? 1 : 0)}";

    /// <summary>Registers the ten ids in <paramref name="registry"/>.</summary>
    public static void RegisterAll(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var (name, _, create, description) in Games)
        {
            foreach (bool minimal in new[] { false, true })
            {
                string id = Id(name, minimal);
                registry.Register(new Core.Environments.EnvSpec(id),
                    o => new MinAtarEnvironment(create(o.GetBool("difficulty_ramping")), minimal, StickyProbability(id, o)),
                    [
                        new EnvOption("sticky_action_prob", EnvOptionType.Double, MinAtarEnvironment.DefaultStickyActionProbability.ToString("R", CultureInfo.InvariantCulture),
                            "probability of repeating the previous action"),
                        new EnvOption("difficulty_ramping", EnvOptionType.Bool, "true", "the game speeds up as it goes (Asterix, Seaquest, SpaceInvaders)"),
                    ],
                    $"MinAtar (Young & Tian 2019): {description}; {(minimal ? "minimal action set" : "all six actions")}.");
            }
        }
    }

    private static double StickyProbability(string id, EnvOptions o)
    {
        double p = o.GetDouble("sticky_action_prob");
        if (!(p >= 0 && p <= 1))
            throw new EnvOptionException(id, "sticky_action_prob", $"option 'sticky_action_prob' has value '{o.GetString("sticky_action_prob")}', which is not a probability in [0, 1].");
        return p;
    }
}
