using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Bellman.Core.Tabular;
using Bellman.Environments.ToyText;

namespace Bellman.Algorithms.Tests.Tabular;

/// <summary>
/// A test-only environment that samples a TabularModel as Gymnasium's toy-text environments do: the first
/// state from the initial distribution, the outcome of (s, a) from its probabilities; optional time limit
/// that truncates. Observations are Discrete(nS), one float holding the state index.
/// </summary>
public sealed class ModelEnvironment(TabularModel model, int? timeLimit = null)
    : Bellman.Core.Environments.Environment(new Discrete(model.StateCount), new Discrete(model.ActionCount))
{
    private int _state;
    private int _steps;

    public TabularModel Model => model;

    public int State => _state;

    protected override void ResetCore()
    {
        _state = TabularEnvironment.CategoricalSample(model.InitialDistribution, Random.NextDouble());
        _steps = 0;
        ObservationBuffer[0] = _state;
    }

    protected override StepResult StepCore(int action)
    {
        int begin = model.Offsets[_state * model.ActionCount + action];
        int end = model.Offsets[_state * model.ActionCount + action + 1];
        int k = begin + TabularEnvironment.CategoricalSample(model.Probabilities[begin..end], Random.NextDouble());
        _state = model.NextStates[k];
        _steps++;
        ObservationBuffer[0] = _state;
        bool terminated = model.Terminated[k];
        return new StepResult(model.Rewards[k], terminated, !terminated && _steps >= timeLimit);
    }
}
