namespace Bellman.Algorithms.Configuration;

/// <summary>A named configuration of an algorithm for an environment.</summary>
/// <typeparam name="TOptions">The algorithm's options record.</typeparam>
/// <param name="Name">The preset's name (<c>--preset NAME</c>); an environment's default preset is named after it.</param>
/// <param name="EnvId">The environment it is tuned for.</param>
/// <param name="Description">Where the values come from.</param>
/// <param name="Options">The options.</param>
public sealed record Preset<TOptions>(string Name, string EnvId, string Description, TOptions Options) where TOptions : class;

/// <summary>Lookup over a list of presets.</summary>
public static class Presets
{
    /// <summary>The preset named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static Preset<T>? Find<T>(this IReadOnlyList<Preset<T>> presets, string name) where T : class =>
        presets.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The default preset of an environment (named after it), or null.</summary>
    public static Preset<T>? DefaultFor<T>(this IReadOnlyList<Preset<T>> presets, string envId) where T : class =>
        presets.FirstOrDefault(p => p.Name == envId);
}
