namespace Bellman.Algorithms.ActorCritic;

/// <summary>
/// One on-policy batch: T = <see cref="Steps"/> steps of each of E = <see cref="Envs"/> environments,
/// stored environment-major (row e·T + t), so each environment's time series is one contiguous span for
/// <see cref="Returns"/>. <see cref="NextObservations"/> holds the true s_{t+1} (the final observation when
/// an episode ended); <see cref="Values"/> and <see cref="NextValues"/> are V̂(s_t) and V̂(s_{t+1}) as the
/// critic saw them while acting (zero without a critic, and V̂(s_{t+1}) is unused where terminated).
/// </summary>
public sealed class Rollout
{
    /// <summary>Allocates the buffers.</summary>
    public Rollout(int envs, int steps, int observationSize, int actionSize)
    {
        Envs = envs;
        Steps = steps;
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

    /// <summary>V̂(s_t) when acting.</summary>
    public float[] Values { get; }

    /// <summary>V̂(s_{t+1}) when acting.</summary>
    public float[] NextValues { get; }

    /// <summary>s_{t+1} is terminal.</summary>
    public bool[] Terminated { get; }

    /// <summary>The episode ended after step t (terminated or truncated).</summary>
    public bool[] Ended { get; }

    /// <summary>Row index of (environment e, step t).</summary>
    public int Row(int env, int step) => env * Steps + step;
}
