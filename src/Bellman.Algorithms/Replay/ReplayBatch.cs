namespace Bellman.Algorithms.Replay;

/// <summary>
/// A minibatch of transitions sampled from a replay buffer, in reusable arrays (struct of arrays).
/// The TD target of row i is <c>Returns[i] + Discounts[i] · V(NextObservations[i])</c>: for a 1-step
/// sample <c>Returns</c> is r and <c>Discounts</c> is γ, or 0 when s' is terminal; for an n-step sample
/// <c>Returns</c> is Σ_{k&lt;m} γ^k r_{t+k} and <c>Discounts</c> is γ^m (0 if the episode terminated),
/// where m ≤ n stops at the first episode end.
/// </summary>
public sealed class ReplayBatch
{
    /// <summary>Allocates a batch of <paramref name="size"/> rows.</summary>
    public ReplayBatch(int size, int observationSize, int actionSize)
    {
        Size = size;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        Observations = new float[size * observationSize];
        NextObservations = new float[size * observationSize];
        Actions = new float[size * actionSize];
        DiscreteActions = new int[size];
        Returns = new float[size];
        Discounts = new float[size];
        Weights = new float[size];
        Indices = new int[size];
    }

    /// <summary>The number of rows.</summary>
    public int Size { get; }

    /// <summary>Floats per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per action (1 for a discrete action).</summary>
    public int ActionSize { get; }

    /// <summary>s, row-major [Size, ObservationSize].</summary>
    public float[] Observations { get; }

    /// <summary>a as floats, row-major [Size, ActionSize].</summary>
    public float[] Actions { get; }

    /// <summary>a as integers, for discrete action spaces.</summary>
    public int[] DiscreteActions { get; }

    /// <summary>The (n-step) discounted reward sum.</summary>
    public float[] Returns { get; }

    /// <summary>The bootstrap coefficient γ^m, or 0 when the episode terminated within the m steps.</summary>
    public float[] Discounts { get; }

    /// <summary>The state to bootstrap from, s_{t+m} (the true final observation at a truncation).</summary>
    public float[] NextObservations { get; }

    /// <summary>Importance-sampling weights (all 1 for uniform sampling).</summary>
    public float[] Weights { get; }

    /// <summary>Whether <see cref="Weights"/> are importance weights to apply (prioritized sampling) rather than all 1.</summary>
    public bool Weighted { get; set; }

    /// <summary>Writes row <paramref name="i"/> directly (online learning without a buffer): a one-step transition with weight 1.</summary>
    public void Set(int i, ReadOnlySpan<float> observation, ReadOnlySpan<float> action, int discreteAction, double reward, float discount, ReadOnlySpan<float> nextObservation)
    {
        observation.CopyTo(Observations.AsSpan(i * ObservationSize, ObservationSize));
        nextObservation.CopyTo(NextObservations.AsSpan(i * ObservationSize, ObservationSize));
        action.CopyTo(Actions.AsSpan(i * ActionSize, ActionSize));
        DiscreteActions[i] = discreteAction;
        Returns[i] = (float)reward;
        Discounts[i] = discount;
        Weights[i] = 1f;
        Indices[i] = i;
    }

    /// <summary>Buffer indices of the rows, for priority updates.</summary>
    public int[] Indices { get; }
}
