namespace Bellman.Distributed.Replay;

/// <summary>
/// Reverb's SampleToInsertRatio limiter. With I transitions inserted and S rows sampled, the cursor
/// d = I · r − S (r = samples per insert) must stay within [r · m − b, r · m + b], where m is the
/// minimum size to sample from and b the error buffer: a sample of k rows is allowed when I ≥ m and
/// d − k ≥ r · m − b (the learner is not ahead of the actors), and an insert of k transitions when
/// d + k · r ≤ r · m + b (the actors are not ahead of the learner). r = 0 turns the ratio off (only the
/// minimum size holds).
/// </summary>
public sealed class RateLimiter
{
    /// <summary>Creates a limiter.</summary>
    public RateLimiter(int minSizeToSample, double samplesPerInsert, double errorBuffer)
    {
        if (minSizeToSample < 1) throw new ArgumentOutOfRangeException(nameof(minSizeToSample), minSizeToSample, "min size must be at least 1.");
        if (!(samplesPerInsert >= 0) || double.IsInfinity(samplesPerInsert)) throw new ArgumentOutOfRangeException(nameof(samplesPerInsert), samplesPerInsert, "samples per insert must be finite and non-negative.");
        if (!(errorBuffer >= 0)) throw new ArgumentOutOfRangeException(nameof(errorBuffer), errorBuffer, "error buffer must be non-negative.");
        MinSizeToSample = minSizeToSample;
        SamplesPerInsert = samplesPerInsert;
        ErrorBuffer = errorBuffer;
    }

    /// <summary>m.</summary>
    public int MinSizeToSample { get; }
    /// <summary>r.</summary>
    public double SamplesPerInsert { get; }
    /// <summary>b.</summary>
    public double ErrorBuffer { get; }
    /// <summary>I.</summary>
    public long Inserts { get; private set; }
    /// <summary>S.</summary>
    public long Samples { get; private set; }

    private double Cursor => Inserts * SamplesPerInsert - Samples;

    /// <summary>Whether <paramref name="rows"/> rows may be sampled now.</summary>
    public bool CanSample(int rows) => Inserts >= MinSizeToSample && (SamplesPerInsert == 0 || Cursor - rows >= SamplesPerInsert * MinSizeToSample - ErrorBuffer);

    /// <summary>Whether <paramref name="transitions"/> transitions may be inserted now (always until the minimum size is reached).</summary>
    public bool CanInsert(int transitions) => SamplesPerInsert == 0 || Inserts < MinSizeToSample
        || Cursor + transitions * SamplesPerInsert <= SamplesPerInsert * MinSizeToSample + ErrorBuffer;

    /// <summary>Counts an insert.</summary>
    public void Inserted(int transitions) => Inserts += transitions;

    /// <summary>Counts a sample.</summary>
    public void Sampled(int rows) => Samples += rows;

    /// <summary>Sets the counts I and S (a run resumed from a checkpoint).</summary>
    public void Restore(long inserts, long samples)
    {
        if (inserts < 0 || samples < 0) throw new InvalidDataException($"a rate limiter with {inserts} inserts and {samples} samples");
        Inserts = inserts;
        Samples = samples;
    }
}
