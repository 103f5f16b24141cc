using System.Diagnostics;

namespace Bellman.Algorithms.Training;

/// <summary>
/// The counting and reporting every training loop shares: episodes and the mean of the last 100
/// returns, losses averaged between snapshots (a non-finite one stops the run), periodic evaluation
/// keeping the best result, and snapshots every log interval. The loops keep only their own logic.
/// </summary>
internal sealed class RunBookkeeping(IMetricsSink sink, RunState start, long totalSteps, int evalFrequency, int logInterval)
{
    private readonly Queue<double> _recent = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly long _startStep = start.Step;
    private double _lossSum, _valueSum;
    private int _lossCount;

    /// <summary>Counters so far.</summary>
    public RunState State { get; private set; } = start;

    /// <summary>An episode ended at <paramref name="step"/>.</summary>
    public void Episode(long step, double episodeReturn, int length)
    {
        State = State with { Episodes = State.Episodes + 1 };
        _recent.Enqueue(episodeReturn);
        if (_recent.Count > 100) _recent.Dequeue();
        sink.OnEpisode(new EpisodeRecord(step, State.Episodes, episodeReturn, length));
    }

    /// <summary>A gradient step (or update) with its loss and mean value; a non-finite loss throws <see cref="TrainingDivergedException"/>.</summary>
    public void Update(double loss, double meanValue, long step)
    {
        if (!double.IsFinite(loss))
            throw new TrainingDivergedException($"the loss became {loss} at step {step} (update {State.Updates + 1}); lower learning_rate or set max_grad_norm.");
        State = State with { Updates = State.Updates + 1 };
        _lossSum += loss;
        _valueSum += meanValue;
        _lossCount++;
    }

    /// <summary>
    /// Moves the step counter from <paramref name="before"/> to <paramref name="step"/>; evaluates when an
    /// evaluation interval was crossed (if <paramref name="evaluate"/> is given) and reports a snapshot when a log
    /// interval was crossed or the budget is spent. <paramref name="exploration"/> is logged as is (ε, temperature, entropy).
    /// </summary>
    public void Advance(long before, long step, double exploration, Func<long, EvaluationRecord>? evaluate)
    {
        State = State with { Step = step };
        if (evalFrequency > 0 && evaluate is not null && step / evalFrequency != before / evalFrequency)
        {
            var evaluation = evaluate(step);
            if (evaluation.MeanReturn > State.BestEvaluation) State = State with { BestEvaluation = evaluation.MeanReturn };
            sink.OnEvaluation(evaluation);
        }
        if (step / logInterval != before / logInterval || step >= totalSteps)
        {
            double seconds = _clock.Elapsed.TotalSeconds;
            sink.OnSnapshot(new TrainingSnapshot(step, totalSteps, State.Episodes, _recent.Count > 0 ? _recent.Average() : double.NaN, exploration,
                _lossCount > 0 ? _lossSum / _lossCount : double.NaN, _lossCount > 0 ? _valueSum / _lossCount : double.NaN,
                State.Updates, seconds > 0 ? (step - _startStep) / seconds : 0, _clock.Elapsed));
            _lossSum = _valueSum = 0;
            _lossCount = 0;
        }
    }
}
