namespace Bellman.Algorithms.ActorCritic;

/// <summary>
/// One on-policy batch: T = <see cref="Steps"/> steps of each of E = <see cref="Envs"/> environments,
/// stored environment-major (row e·T + t), so each environment's time series is one contiguous span for
/// <see cref="Returns"/>. <see cref="NextObservations"/> holds the true s_{t+1} (the final observation when
/// an episode ended). The loop fills <see cref="NextValues"/> only where s_{t+1} is not the next row's s_t
/// (truncated steps and each environment's last step: the critic's value of that observation); the update
/// rule, which evaluates V̂(s_t) on the whole batch anyway, completes the rest with <see cref="CompleteValues"/>.
/// </summary>
public sealed class Rollout
{
    /// <summary>Allocates the buffers.</summary>
    public Rollout(int envs, int steps, int observationSize, int actionSize) : this(envs, steps, [observationSize], actionSize) { }

    /// <summary>Allocates the buffers for observations of <paramref name="observationShape"/>.</summary>
    public Rollout(int envs, int steps, IReadOnlyList<int> observationShape, int actionSize)
    {
        Envs = envs;
        Steps = steps;
        ObservationShape = observationShape;
        int observationSize = 1;
        foreach (int d in observationShape) observationSize *= d;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        int n = envs * steps;
        Observations = new float[n * observationSize];
        NextObservations = new float[n * observationSize];
        Actions = new float[n * actionSize];
        Rewards = new float[n];
        Values = new float[n];
        NextValues = new float[n];
        Terminated = new bool[n];
        Ended = new bool[n];
    }

    /// <summary>E.</summary>
    public int Envs { get; }

    /// <summary>T.</summary>
    public int Steps { get; }

    /// <summary>E·T.</summary>
    public int Size => Envs * Steps;

    /// <summary>The shape of one observation.</summary>
    public IReadOnlyList<int> ObservationShape { get; }

    /// <summary>The shape of the whole batch of observations, [E·T, ...observation shape].</summary>
    public Nn.Shape BatchShape => Networks.ObservationBatch.ShapeOf(Size, ObservationShape);

    /// <summary>Floats per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per action.</summary>
    public int ActionSize { get; }

    /// <summary>s_t, [E·T, obs].</summary>
    public float[] Observations { get; }

    /// <summary>s_{t+1}, [E·T, obs].</summary>
    public float[] NextObservations { get; }

    /// <summary>a_t as sampled (unclipped), [E·T, act].</summary>
    public float[] Actions { get; }

    /// <summary>r_t.</summary>
    public float[] Rewards { get; }

    /// <summary>V̂(s_t) (after <see cref="CompleteValues"/>).</summary>
    public float[] Values { get; }

    /// <summary>V̂(s_{t+1}): 0 where terminated, the loop's value where truncated or last, else V̂ of the next row.</summary>
    public float[] NextValues { get; }

    /// <summary>s_{t+1} is terminal.</summary>
    public bool[] Terminated { get; }

    /// <summary>The episode ended after step t (terminated or truncated).</summary>
    public bool[] Ended { get; }

    /// <summary>Stores V̂(s_t) for every row and sets V̂(s_{t+1}) = V̂(s_{t+1} = next row's s) inside episodes, 0 at termination.</summary>
    public void CompleteValues(ReadOnlySpan<float> values)
    {
        values[..Size].CopyTo(Values);
        for (int row = 0; row < Size; row++)
        {
            if (Terminated[row]) NextValues[row] = 0;
            else if (!Ended[row] && row % Steps != Steps - 1) NextValues[row] = values[row + 1];
        }
    }

    /// <summary>Whether the loop must supply V̂(s_{t+1}) for <paramref name="row"/> (truncated, or the last step, and not terminated).</summary>
    public bool NeedsBootstrap(int row) => !Terminated[row] && (Ended[row] || row % Steps == Steps - 1);

    /// <summary>Row index of (environment e, step t).</summary>
    public int Row(int env, int step) => env * Steps + step;
}
