using Bellman.Algorithms.Configuration;

namespace Bellman.Algorithms.ValueBased;

/// <summary>QT-Opt presets. rl-baselines3-zoo has none for QT-Opt: these come from Bellman's own runs.</summary>
public static class QtOptPresets
{
    /// <summary>The preset named <paramref name="name"/>.</summary>
    public static QtOptOptions For(string name) => All.FirstOrDefault(p => p.Name == name)?.Options
        ?? throw new ArgumentException($"Unknown QT-Opt preset '{name}'; the presets are {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));

    /// <summary>Every preset.</summary>
    public static IReadOnlyList<Preset<QtOptOptions>> All { get; } =
    [
        new Preset<QtOptOptions>("Pendulum-v1", "Pendulum-v1", "Bellman's own runs (no zoo preset exists for QT-Opt): 15k steps, since seed 0 reached -149 by 5k and held it to 30k", new QtOptOptions
        {
            TotalSteps = 15_000, Gamma = 0.98, LearningRate = 1e-3, BufferSize = 200_000, BatchSize = 64, LearningStarts = 1_000,
            NetArch = [64, 64], Tau = 0.01, TargetLagInterval = 1_000, ExplorationNoise = 0.3, EvalFrequency = 5_000,
        }),
    ];
}
