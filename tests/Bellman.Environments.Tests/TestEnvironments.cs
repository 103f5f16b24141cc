using Bellman.Core.Environments;
using Bellman.Core.Spaces;

namespace Bellman.Environments.Tests;

/// <summary>
/// A walk on the integers with two actions (0 = left, 1 = right). Observation [position, noise] where noise
/// is a fresh uniform draw from the environment's generator; the start position is 0, 1 or 2 from the
/// generator. Reward = position / 2 + noise. Terminates at position 5 or -3.
/// </summary>
internal sealed class CounterEnv() : Bellman.Core.Environments.Environment(new Box([-10f, 0f], [10f, 1f]), new Discrete(2))
{
    private int _position;

    public int Position => _position;

    protected override void ResetCore()
    {
        _position = Random.Integers(3);
        Write((float)Random.NextDouble());
    }

    protected override StepResult StepCore(int action)
    {
        _position += action == 1 ? 1 : -1;
        float noise = (float)Random.NextDouble();
        Write(noise);
        return new StepResult(_position / 2.0 + noise, _position >= 5 || _position <= -3, false);
    }

    private void Write(float noise)
    {
        ObservationBuffer[0] = _position;
        ObservationBuffer[1] = noise;
    }
}

/// <summary>
/// A continuous environment with action Box(-2, 2, (2,)) and observation Box(-inf, inf, (3,)): the
/// observation is [a0, a1, step count]. Reward = -(a0² + a1²). Never ends on its own; keeps the last action.
/// </summary>
internal sealed class BoxEnv() : Bellman.Core.Environments.Environment(new Box(float.NegativeInfinity, float.PositiveInfinity, 3), new Box(-2f, 2f, 2))
{
    public float[] LastAction { get; } = new float[2];

    protected override void ResetCore()
    {
        ObservationBuffer.Clear();
        ObservationBuffer[0] = (float)Random.Uniform(-1, 1);
    }

    protected override StepResult StepCore(ReadOnlySpan<float> action)
    {
        action.CopyTo(LastAction);
        ObservationBuffer[0] = action[0];
        ObservationBuffer[1] = action[1];
        ObservationBuffer[2] += 1;
        return new StepResult(-(action[0] * (double)action[0] + action[1] * (double)action[1]), false, false);
    }
}

/// <summary>Returns scripted observations (one element) and rewards; terminates where the script says.</summary>
internal sealed class ScriptedEnv(float[] observations, double[] rewards, bool[] terminated)
    : Bellman.Core.Environments.Environment(new Box(-100f, 100f, 1), new Discrete(1))
{
    private int _t;

    protected override void ResetCore()
    {
        ObservationBuffer[0] = observations[_t];
    }

    protected override StepResult StepCore(int action)
    {
        _t++;
        ObservationBuffer[0] = observations[_t];
        return new StepResult(rewards[_t - 1], terminated[_t - 1], false);
    }
}
