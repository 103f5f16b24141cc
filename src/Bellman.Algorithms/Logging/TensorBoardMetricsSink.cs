using Bellman.Algorithms.Training;

namespace Bellman.Algorithms.Logging;

/// <summary>
/// Forwards a trainer's reports to a <see cref="TensorBoardWriter"/> under SB3's tags: per snapshot
/// rollout/ep_rew_mean, rollout/ep_len_mean (last 100 episodes), every metric the algorithm records
/// (<see cref="TensorBoardTags.ForMetric"/>: rollout/exploration_rate, train/loss, train/policy_loss, …) and
/// time/fps; per evaluation eval/mean_reward and eval/mean_ep_length. NaN values (no episode or update yet) are left out, as SB3
/// logs nothing before the first episode. Does not own the writer.
/// </summary>
public sealed class TensorBoardMetricsSink(TensorBoardWriter writer) : IMetricsSink
{
    private const int Window = TrainingSnapshot.ReturnWindow;
    private readonly TensorBoardWriter _writer = writer ?? throw new ArgumentNullException(nameof(writer));
    private readonly Queue<int> _lengths = new(Window);
    private long _lengthSum;

    /// <inheritdoc/>
    public void OnEpisode(in EpisodeRecord episode)
    {
        if (_lengths.Count == Window) _lengthSum -= _lengths.Dequeue();
        _lengths.Enqueue(episode.Length);
        _lengthSum += episode.Length;
    }

    /// <inheritdoc/>
    public void OnSnapshot(TrainingSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        long step = snapshot.Step;
        Add(TensorBoardTags.EpisodeRewardMean, step, snapshot.MeanReturn);
        if (_lengths.Count > 0) Add(TensorBoardTags.EpisodeLengthMean, step, (double)_lengthSum / _lengths.Count);
        for (int i = 0; i < snapshot.Metrics.Count; i++) Add(TensorBoardTags.ForMetric(snapshot.Metrics[i].Key), step, snapshot.Values[i]);
        Add(TensorBoardTags.Fps, step, snapshot.StepsPerSecond);
        _writer.Flush();
    }

    /// <inheritdoc/>
    public void OnEvaluation(EvaluationRecord evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        Add(TensorBoardTags.EvalMeanReward, evaluation.Step, evaluation.MeanReturn);
        _writer.Flush();
    }

    private void Add(string tag, long step, double value)
    {
        if (double.IsFinite(value)) _writer.AddScalar(tag, step, (float)value);
    }
}
