using Bellman;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Environments;
using Bellman.Core.Spaces;

// A user's own environment trains without being registered anywhere: give DQN a factory (for parallel
// copies and a separate evaluation environment) or a single instance.
string path = args.Length > 0 ? args[0] : "corridor-dqn";
var options = new DqnOptions
{
    TotalSteps = 6_000, LearningStarts = 500, LearningRate = 1e-3, BatchSize = 64, BufferSize = 10_000,
    TargetUpdateInterval = 250, ExplorationFraction = 0.3, NetArch = [32, 32], EvalFrequency = 2_000,
};
using var model = new Dqn(() => new Corridor(), options, seed: 1);
model.Learn();
model.Save(path);
var evaluation = model.Evaluate();
Console.WriteLine($"Corridor: greedy mean return {evaluation.MeanReturn:0.###} (walking straight to the exit: {Corridor.OptimalReturn(Corridor.Length - 1):0.##} to {Corridor.OptimalReturn(Corridor.Length / 2):0.##}); saved to {path}");

/// <summary>
/// Walk right along a corridor of <see cref="Length"/> cells to the exit: reward −0.01 per step and +1 on
/// reaching the exit (terminated); an episode is cut after 50 steps (truncated). Observation: the position
/// scaled to [0, 1] and a one-hot of the cell; actions: 0 = left, 1 = right.
/// </summary>
public sealed class Corridor() : Bellman.Core.Environments.Environment(new Box(0f, 1f, Length + 1), new Discrete(2))
{
    public const int Length = 8;

    /// <summary>The return of walking straight to the exit from <paramref name="distance"/> cells away.</summary>
    public static double OptimalReturn(int distance) => 1.0 - 0.01 * (distance - 1);

    private int _position, _steps;

    protected override void ResetCore()
    {
        _position = Random.Integers(Length / 2);
        _steps = 0;
        Write();
    }

    protected override StepResult StepCore(int action)
    {
        _position = Math.Clamp(_position + (action == 1 ? 1 : -1), 0, Length - 1);
        _steps++;
        Write();
        bool exit = _position == Length - 1;
        return new StepResult(exit ? 1.0 : -0.01, Terminated: exit, Truncated: !exit && _steps >= 50);
    }

    private void Write()
    {
        var obs = ObservationBuffer;
        obs.Clear();
        obs[0] = (float)_position / (Length - 1);
        obs[1 + _position] = 1f;
    }
}
