namespace Bellman.Distributed.Replay;

/// <summary>
/// Checks a batch from an actor before anything of it touches replay memory: every array has the
/// length its row count implies, observations have the run's size, actions are in range, and every
/// number is finite. The first problem found is returned as a one-line reason (null: the batch is fine).
/// </summary>
public static class BatchValidator
{
    /// <summary>The reason <paramref name="batch"/> must be refused, or null.</summary>
    public static string? Problem(TransitionBatch? batch, int observationSize, int actionCount, int maxRows)
    {
        if (batch is null) return "no batch";
        int n = batch.Count;
        string who = $"batch {batch.Sequence} of actor {batch.ActorId}";
        if (n == 0) return $"{who} has no transitions";
        if (n > maxRows) return $"{who} has {n} transitions, more than the {maxRows} a batch may carry";
        if (batch.ObservationSize != observationSize) return $"{who} has observation size {batch.ObservationSize}, expected {observationSize}";
        if (batch.Observations is null || batch.Observations.Length != n * observationSize) return $"{who}: observations hold {batch.Observations?.Length ?? 0} floats, expected {n} x {observationSize}";
        if (batch.NextObservations is null || batch.NextObservations.Length != n * observationSize) return $"{who}: next observations hold {batch.NextObservations?.Length ?? 0} floats, expected {n} x {observationSize}";
        if (batch.Returns is null || batch.Returns.Length != n) return $"{who}: {batch.Returns?.Length ?? 0} returns for {n} transitions";
        if (batch.Discounts is null || batch.Discounts.Length != n) return $"{who}: {batch.Discounts?.Length ?? 0} discounts for {n} transitions";
        if (batch.Priorities is null || batch.Priorities.Length != n) return $"{who}: {batch.Priorities?.Length ?? 0} priorities for {n} transitions";
        for (int i = 0; i < n; i++)
        {
            if ((uint)batch.Actions[i] >= (uint)actionCount) return $"{who}: action {batch.Actions[i]} of row {i} is outside 0..{actionCount - 1}";
            if (!float.IsFinite(batch.Returns[i])) return $"{who}: reward sum {batch.Returns[i]} of row {i} is not finite";
            if (!(batch.Discounts[i] >= 0 && batch.Discounts[i] <= 1)) return $"{who}: discount {batch.Discounts[i]} of row {i} is outside [0, 1]";
            if (!(batch.Priorities[i] >= 0) || !float.IsFinite(batch.Priorities[i])) return $"{who}: priority {batch.Priorities[i]} of row {i} is not a finite non-negative number";
        }
        int bad = FirstNonFinite(batch.Observations);
        if (bad >= 0) return $"{who}: observation value {batch.Observations[bad]} of row {bad / observationSize} is not finite";
        bad = FirstNonFinite(batch.NextObservations);
        if (bad >= 0) return $"{who}: next observation value {batch.NextObservations[bad]} of row {bad / observationSize} is not finite";
        return null;
    }

    private static int FirstNonFinite(float[] values)
    {
        for (int i = 0; i < values.Length; i++) if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}
