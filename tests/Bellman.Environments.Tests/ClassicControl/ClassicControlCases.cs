using Xunit;
using Bellman.Core.Environments;
using Bellman.Environments.ClassicControl;

namespace Bellman.Environments.Tests.ClassicControl;

/// <summary>The five classic-control environments, by Gymnasium id, for theories.</summary>
public static class ClassicControlCases
{
    public static readonly string[] Ids = [CartPole.Id, MountainCar.Id, MountainCarContinuous.Id, Acrobot.Id, Pendulum.Id];

    public static TheoryData<string> All => [.. Ids];

    public static IStatefulEnvironment Make(string id) => id switch
    {
        CartPole.Id => new CartPole(),
        MountainCar.Id => new MountainCar(),
        MountainCarContinuous.Id => new MountainCarContinuous(),
        Acrobot.Id => new Acrobot(),
        Pendulum.Id => new Pendulum(),
        _ => throw new ArgumentException($"Unknown classic-control id '{id}'.", nameof(id)),
    };

    /// <summary>Takes a reference action: an integer for Discrete spaces, one float32 for Box spaces.</summary>
    public static StepResult Step(IEnvironment env, double action)
    {
        if (env.ActionSpace is Core.Spaces.Discrete) return env.Step(checked((int)action));
        Span<float> a = [(float)action];
        return env.Step(a);
    }
}
