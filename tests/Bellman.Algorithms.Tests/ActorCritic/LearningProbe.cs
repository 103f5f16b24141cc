using System.Diagnostics;
using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Training;
using Xunit.Abstractions;

namespace Bellman.Algorithms.Tests.ActorCritic;

public sealed class LearningProbe(ITestOutputHelper output)
{
    public static TheoryData<string, int> Cases()
    {
        var d = new TheoryData<string, int>();
        foreach (var name in new[] { "shared", "shared-norm", "reinforce", "reinforce-avg", "reinforce-none", "batch", "online" })
            for (int s = 0; s < 3; s++) d.Add(name, s);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Probe(string name, int seed)
    {
        OnPolicyOptions o = name switch
        {
            "shared" => new A2cOptions { NumEnvs = 8, TotalSteps = 300_000, Shared = true, EvalFrequency = 20_000 },
            "shared-norm" => new A2cOptions { NumEnvs = 8, TotalSteps = 300_000, Shared = true, VfCoef = 0.25, EvalFrequency = 20_000 },
            "reinforce" => OnPolicyPresets.Reinforce[0].Options with { TotalSteps = 300_000 },
            "reinforce-avg" => OnPolicyPresets.Reinforce[1].Options with { TotalSteps = 300_000 },
            "reinforce-none" => OnPolicyPresets.Reinforce[2].Options with { TotalSteps = 300_000 },
            "batch" => OnPolicyPresets.ActorCritic[0].Options with { TotalSteps = 200_000 },
            _ => OnPolicyPresets.ActorCritic[1].Options with { TotalSteps = 100_000 },
        };
        var sw = Stopwatch.StartNew();
        using var run = new OnPolicyRun("CartPole-v1", new Dictionary<string, string>(), o, seed, new Sink(output));
        run.Run(default);
        output.WriteLine($"{name} {seed}: {string.Join(" ", _evals)}  {sw.Elapsed.TotalSeconds:0.00}s");
    }

    private readonly List<string> _evals = [];

    private sealed class Sink(ITestOutputHelper o) : IMetricsSink
    {
        public void OnEpisode(in EpisodeRecord episode) { }
        public void OnSnapshot(in TrainingSnapshot s) { }
        public void OnEvaluation(EvaluationRecord e) => o.WriteLine($"  {e.Step} {e.MeanReturn}");
    }
}
