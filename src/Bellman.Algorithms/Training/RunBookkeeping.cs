using System.Diagnostics;

namespace Bellman.Algorithms.Training;

/// <summary>
/// The counting and reporting every training loop shares: episodes and the mean of the last 100
/// returns, the algorithm's keyed metrics between snapshots (a non-finite loss stops the run), periodic
/// evaluation keeping the best result, and snapshots every log interval. The loops keep only their own logic.
/// </summary>
internal sealed class RunBookkeeping(UpdateMetrics metrics, RunState start, int evalFrequency, int logInterval)
{
    private readonly Queue<double> _recent = new();
    private Stopwatch _clock = Stopwatch.StartNew();
    private long _startStep = start.Step;

    /// <summary>Where reports go (set by each <c>Learn</c> call).</summary>
    public IMetricsSink Sink { get; set; } = NullMetricsSink.Instance;

    /// <summary>The step at which the current <c>Learn</c> call ends.</summary>
    public long TargetStep { get; set; }

    /// <summary>The algorithm's metrics.</summary>
    public UpdateMetrics Metrics => metrics;

    /// <summary>Counters so far.</summary>
    public RunState State { get; set; } = start;

    /// <summary>Restarts the speed clock (at the start of a <c>Learn</c> call).</summary>
    public void StartClock()
    {
        _clock = Stopwatch.StartNew();
        _startStep = State.Step;
    }

    /// <summary>An episode ended at <paramref name="step"/>.</summary>
    public void Episode(long step, double episodeReturn, int length)
    {
        State = State with { Episodes = State.Episodes + 1 };
        _recent.Enqueue(episodeReturn);
        if (_recent.Count > 100) _recent.Dequeue();
        Sink.OnEpisode(new EpisodeRecord(step, State.Episodes, episodeReturn, length));
    }

    /// <summary>A gradient step (or update) at <paramref name="step"/>; a non-finite recorded loss throws <see cref="TrainingDivergedException"/>.</summary>
    public void Update(long step)
    {
        if (metrics.NonFinite is var (key, value))
        {
            metrics.ClearNonFinite();
            throw new TrainingDivergedException($"the {key} became {value} at step {step} (update {State.Updates + 1}); lower learning_rate or set max_grad_norm.");
        }
        State = State with { Updates = State.Updates + 1 };
    }

    /// <summary>
    /// Moves the step counter from <paramref name="before"/> to <paramref name="step"/>; evaluates when an
    /// evaluation interval was crossed (if <paramref name="evaluate"/> is given) and reports a snapshot when a log
    /// interval was crossed or the budget is spent.
    /// </summary>
    public void Advance(long before, long step, Func<long, EvaluationRecord>? evaluate)
    {
        State = State with { Step = step };
        if (evalFrequency > 0 && evaluate is not null && step / evalFrequency != before / evalFrequency)
        {
            var evaluation = evaluate(step);
            if (evaluation.MeanReturn > State.BestEvaluation) State = State with { BestEvaluation = evaluation.MeanReturn };
            Sink.OnEvaluation(evaluation);
        }
        if (step / logInterval != before / logInterval || step >= TargetStep)
        {
            double seconds = _clock.Elapsed.TotalSeconds;
            Sink.OnSnapshot(new TrainingSnapshot(step, TargetStep, State.Episodes, _recent.Count > 0 ? _recent.Average() : double.NaN,
                State.Updates, seconds > 0 ? (step - _startStep) / seconds : 0, _clock.Elapsed, metrics.Definitions, metrics.TakeSnapshot()));
        }
    }
}
