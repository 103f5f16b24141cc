using System.Diagnostics;
using Bellman.Core.State;

namespace Bellman.Algorithms.Training;

/// <summary>
/// The counting and reporting every training loop shares: episodes and the mean of the last
/// <see cref="TrainingSnapshot.ReturnWindow"/> returns, the algorithm's keyed metrics between snapshots (a non-finite loss stops the run), periodic
/// evaluation keeping the best result, and snapshots every log interval. The loops keep only their own logic.
/// At a step that ends a log interval the snapshot is reported before the evaluation, so that everything
/// metrics.csv holds for a step is written when the evaluation's checkpoint is saved. An evaluation cut
/// short by cancellation is not reported: it is kept pending and run first when the loop continues.
/// </summary>
internal sealed class RunBookkeeping(UpdateMetrics metrics, RunState start, int evalFrequency, int evalEpisodes, int logInterval)
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

    /// <summary>The return at which training ends (<c>stop_at_return</c>; NaN: never).</summary>
    public double StopAtReturn { get; init; } = double.NaN;

    /// <summary>
    /// Whether an evaluation has reached <see cref="StopAtReturn"/>. It reads the best evaluation, which the
    /// checkpoint keeps, so a resumed run that had reached it is finished too.
    /// </summary>
    public bool ReachedStopReturn => TrainingOptions.Reached(StopAtReturn, State.BestEvaluation);

    /// <summary>The step of an evaluation that cancellation cut short (−1 when none is pending).</summary>
    public long PendingEvaluation { get; private set; } = -1;

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
        if (_recent.Count > TrainingSnapshot.ReturnWindow) _recent.Dequeue();
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
    /// Moves the step counter from <paramref name="before"/> to <paramref name="step"/>; reports a snapshot when a
    /// log interval was crossed or the budget is spent, then evaluates when an evaluation interval was crossed
    /// (if <paramref name="evaluate"/> is given).
    /// </summary>
    public void Advance(long before, long step, Func<long, EvaluationRecord>? evaluate) => Advance(step, before, step, step >= TargetStep, evaluate);

    /// <summary>
    /// Moves the step counter to <paramref name="step"/> with the log and evaluation intervals counted on another
    /// clock, from <paramref name="clockBefore"/> to <paramref name="clock"/> (episodes, for tabular runs whose
    /// budget is in episodes); <paramref name="last"/> forces the snapshot that ends a run.
    /// </summary>
    public void Advance(long step, long clockBefore, long clock, bool last, Func<long, EvaluationRecord>? evaluate)
    {
        State = State with { Step = step };
        if (clock / logInterval != clockBefore / logInterval || last)
        {
            double seconds = _clock.Elapsed.TotalSeconds;
            Sink.OnSnapshot(new TrainingSnapshot(step, TargetStep, State.Episodes, _recent.Count > 0 ? _recent.Average() : double.NaN,
                State.Updates, seconds > 0 ? (step - _startStep) / seconds : 0, _clock.Elapsed, metrics.Definitions, metrics.TakeSnapshot()));
        }
        if (evalFrequency > 0 && evaluate is not null && clock / evalFrequency != clockBefore / evalFrequency) Evaluate(step, evaluate);
    }

    /// <summary>The mean of the last <see cref="TrainingSnapshot.ReturnWindow"/> episode returns (NaN before the first episode).</summary>
    public double RecentMeanReturn => _recent.Count > 0 ? _recent.Average() : double.NaN;

    /// <summary>How many returns <see cref="RecentMeanReturn"/> averages (at most <see cref="TrainingSnapshot.ReturnWindow"/>).</summary>
    public int RecentCount => _recent.Count;

    /// <summary>Runs an evaluation left pending by a cancelled one (at the start of a <c>Learn</c> call).</summary>
    public void RunPendingEvaluation(Func<long, EvaluationRecord>? evaluate)
    {
        if (PendingEvaluation >= 0 && evaluate is not null) Evaluate(PendingEvaluation, evaluate);
    }

    /// <summary>Writes the counters, the window of recent returns, the metric accumulators and a pending evaluation.</summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Tag("bookkeeping");
        writer.Write(State.Step);
        writer.Write(State.Episodes);
        writer.Write(State.Updates);
        writer.Write(State.BestEvaluation);
        writer.Write(PendingEvaluation);
        writer.WriteSpan(_recent.ToArray());
        metrics.WriteState(writer);
    }

    /// <summary>Reads what <see cref="WriteState"/> wrote.</summary>
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag("bookkeeping");
        var state = new RunState { Step = reader.ReadInt64(), Episodes = reader.ReadInt64(), Updates = reader.ReadInt64(), BestEvaluation = reader.ReadDouble() };
        long pending = reader.ReadInt64();
        int n = reader.ReadInt32();
        if (n < 0 || n > TrainingSnapshot.ReturnWindow) throw new InvalidDataException($"a window of {n} recent returns (at most {TrainingSnapshot.ReturnWindow})");
        var recent = new double[n];
        for (int i = 0; i < n; i++) recent[i] = reader.ReadDouble();
        metrics.ReadState(reader);
        State = state;
        PendingEvaluation = pending;
        _recent.Clear();
        foreach (double r in recent) _recent.Enqueue(r);
    }

    private void Evaluate(long step, Func<long, EvaluationRecord> evaluate)
    {
        var evaluation = evaluate(step);
        if (evaluation.Returns.Count < evalEpisodes)
        {
            // Cut short by cancellation: a partial evaluation is not the run's; do it again when the run continues.
            PendingEvaluation = step;
            return;
        }
        PendingEvaluation = -1;
        if (evaluation.MeanReturn > State.BestEvaluation) State = State with { BestEvaluation = evaluation.MeanReturn };
        Sink.OnEvaluation(evaluation);
    }
}
