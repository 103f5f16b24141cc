using Bellman.Algorithms.Configuration;

namespace Bellman.Algorithms.ValueBased;

/// <summary>NAF presets. rl-baselines3-zoo has none for NAF: these come from Bellman's own runs.</summary>
public static class NafPresets
{
    /// <summary>The preset named <paramref name="name"/>.</summary>
    public static NafOptions For(string name) => All.FirstOrDefault(p => p.Name == name)?.Options
        ?? throw new ArgumentException($"Unknown NAF preset '{name}'; the presets are {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));

    /// <summary>Every preset.</summary>
    public static IReadOnlyList<Preset<NafOptions>> All { get; } =
    [
        new Preset<NafOptions>("Pendulum-v1", "Pendulum-v1", "Bellman's own runs on seeds 0-4 (no zoo preset exists for NAF): learning rate 5e-4 rather than 1e-3, at which 2 of 5 seeds stayed below -900", new NafOptions
        {
            TotalSteps = 30_000, Gamma = 0.98, LearningRate = 5e-4, BufferSize = 200_000, BatchSize = 128, LearningStarts = 1_000,
            NetArch = [64, 64], Tau = 0.01, ExplorationNoise = 0.3, EvalFrequency = 5_000,
        }),
    ];
}
