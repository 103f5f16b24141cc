using Bellman.Algorithms.Replay;

namespace Bellman.Algorithms.Training;

/// <summary>
/// The transitions and episode ends of the chunk that <c>overlap_collection</c> collects while a training phase
/// runs, held back from the replay memory (which the phase is sampling) until the join.
/// </summary>
internal sealed class StagedChunk(int envs, int observationSize, int actionSize)
{
    private readonly List<(long Step, double Progress, int FirstEpisode)> _steps = [];
    private readonly List<(long Step, double Return, int Length)> _episodes = [];
    private float[] _observations = [], _next = [], _actions = [];
    private int[] _discreteActions = [];
    private double[] _rewards = [];
    private bool[] _terminated = [], _truncated = [];

    /// <summary>Transitions staged.</summary>
    public int Count { get; private set; }

    /// <summary>Vector steps staged.</summary>
    public int Steps => _steps.Count;

    /// <summary>Empties the chunk.</summary>
    public void Clear()
    {
        Count = 0;
        _steps.Clear();
        _episodes.Clear();
    }

    /// <summary>Opens vector step number <see cref="Steps"/>, taken at <paramref name="step"/> with <paramref name="progress"/>.</summary>
    public void BeginStep(long step, double progress) => _steps.Add((step, progress, _episodes.Count));

    /// <summary>Stages the next environment's transition of the open vector step.</summary>
    public void Add(ReadOnlySpan<float> observation, ReadOnlySpan<float> action, int discreteAction, double reward, ReadOnlySpan<float> next, bool terminated, bool truncated)
    {
        if (Count == _rewards.Length) Grow(Math.Max(envs, 2 * Count));
        int r = Count++;
        observation.CopyTo(_observations.AsSpan(r * observationSize, observationSize));
        next.CopyTo(_next.AsSpan(r * observationSize, observationSize));
        action.CopyTo(_actions.AsSpan(r * actionSize, actionSize));
        (_discreteActions[r], _rewards[r], _terminated[r], _truncated[r]) = (discreteAction, reward, terminated, truncated);
    }

    /// <summary>Stages an episode end of the open vector step.</summary>
    public void Episode(long step, double episodeReturn, int length) => _episodes.Add((step, episodeReturn, length));

    /// <summary>The step count and progress at which vector step <paramref name="k"/> was taken.</summary>
    public (long Step, double Progress) StepAt(int k) => (_steps[k].Step, _steps[k].Progress);

    /// <summary>The episode ends of vector step <paramref name="k"/>, in order.</summary>
    public IEnumerable<(long Step, double Return, int Length)> EpisodesOf(int k)
    {
        int end = k + 1 < _steps.Count ? _steps[k + 1].FirstEpisode : _episodes.Count;
        for (int e = _steps[k].FirstEpisode; e < end; e++) yield return _episodes[e];
    }

    /// <summary>Adds the transitions of vector step <paramref name="k"/> to <paramref name="buffer"/>, environment by environment.</summary>
    public void Store(int k, ReplayBuffer buffer, bool discrete)
    {
        for (int i = 0; i < envs; i++)
        {
            int r = k * envs + i;
            var observation = _observations.AsSpan(r * observationSize, observationSize);
            var next = _next.AsSpan(r * observationSize, observationSize);
            if (discrete) buffer.Add(observation, _discreteActions[r], _rewards[r], next, _terminated[r], _truncated[r], i);
            else buffer.Add(observation, _actions.AsSpan(r * actionSize, actionSize), _rewards[r], next, _terminated[r], _truncated[r], i);
        }
    }

    private void Grow(int rows)
    {
        Array.Resize(ref _observations, rows * observationSize);
        Array.Resize(ref _next, rows * observationSize);
        Array.Resize(ref _actions, rows * actionSize);
        Array.Resize(ref _discreteActions, rows);
        Array.Resize(ref _rewards, rows);
        Array.Resize(ref _terminated, rows);
        Array.Resize(ref _truncated, rows);
    }
}
