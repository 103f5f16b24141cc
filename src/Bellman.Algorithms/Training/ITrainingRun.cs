using Bellman.Nn.Layers;
using Bellman.Nn.Optimizers;

namespace Bellman.Algorithms.Training;

/// <summary>Counters of a run, shared by the off-policy and on-policy loops, for checkpoints and resuming.</summary>
public sealed record RunState
{
    /// <summary>Environment steps so far.</summary>
    public long Step { get; init; }
    /// <summary>Episodes finished.</summary>
    public long Episodes { get; init; }
    /// <summary>Gradient steps so far.</summary>
    public long Updates { get; init; }
    /// <summary>The best evaluation mean so far (−∞ before the first).</summary>
    public double BestEvaluation { get; init; } = double.NegativeInfinity;
}

/// <summary>A trained (or training) agent: its networks and optimizers, and its deterministic policy.</summary>
public interface IAgent
{
    /// <summary>The networks by name (for checkpoints): e.g. "q", "q_target".</summary>
    IReadOnlyList<(string Name, Module Module)> Networks { get; }

    /// <summary>The optimizers by name (for checkpoints).</summary>
    IReadOnlyList<(string Name, Optimizer Optimizer)> Optimizers { get; }

    /// <summary>The deterministic (greedy) action for one observation, for evaluation.</summary>
    void Greedy(ReadOnlySpan<float> observation, Span<float> action);
}

/// <summary>An assembled training run (environments, agent, loop) as the CLI drives it.</summary>
public interface ITrainingRun : IDisposable
{
    /// <summary>The agent.</summary>
    IAgent Agent { get; }

    /// <summary>Counters so far.</summary>
    RunState State { get; }

    /// <summary>Trains until the budget is spent or <paramref name="cancellation"/> is signalled.</summary>
    RunState Run(CancellationToken cancellation);

    /// <summary>Evaluates the deterministic policy on the evaluation environment.</summary>
    EvaluationRecord Evaluate(long step, CancellationToken cancellation);
}

/// <summary>What every algorithm's options record has (keys <c>total_steps</c>, <c>eval_freq</c>).</summary>
public interface ITrainingOptions
{
    /// <summary>Environment steps to train for.</summary>
    long TotalSteps { get; }

    /// <summary>Environment steps between evaluations (0: none).</summary>
    int EvalFrequency { get; }

    /// <summary>Throws an <see cref="Configuration.OptionException"/> naming the first invalid key.</summary>
    void Validate();
}
