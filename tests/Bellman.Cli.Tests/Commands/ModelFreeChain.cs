using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Bellman.Environments;

namespace Bellman.Cli.Tests.Commands;

/// <summary>
/// A discrete environment that has no known model (it does not implement ITabularEnvironment): a chain of
/// five states, start 0, action 1 moves right and 0 left; reaching state 4 pays 1 and terminates.
/// Registered once in the process-wide registry as <see cref="Id"/> with a time limit of 50 steps.
/// </summary>
internal sealed class ModelFreeChain() : Bellman.Core.Environments.Environment(new Discrete(5), new Discrete(2))
{
    public const string Id = "TestModelFreeChain-v0";

    private static readonly Lock Gate = new();

    private int _state;

    /// <summary>Registers the chain in <see cref="EnvRegistry.Default"/> unless it already is; returns its id.</summary>
    public static string Register()
    {
        lock (Gate)
        {
            if (!EnvRegistry.Default.Contains(Id))
                EnvRegistry.Default.Register(new EnvSpec(Id, MaxEpisodeSteps: 50), _ => new ModelFreeChain(), [], "test: a discrete chain without a model");
        }
        return Id;
    }

    protected override void ResetCore()
    {
        _state = 0;
        ObservationBuffer[0] = _state;
    }

    protected override StepResult StepCore(int action)
    {
        _state = Math.Clamp(_state + (action == 1 ? 1 : -1), 0, 4);
        ObservationBuffer[0] = _state;
        return new StepResult(_state == 4 ? 1 : 0, _state == 4, false);
    }
}
