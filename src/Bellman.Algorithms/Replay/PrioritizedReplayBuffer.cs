using Bellman.Core.Random;

namespace Bellman.Algorithms.Replay;

/// <summary>
/// Proportional prioritized replay (Schaul et al. 2016): transition i is sampled with probability
/// P(i) = p_i^α / Σ_k p_k^α, where p_i = |δ_i| + ε is its last TD error; a new transition gets the
/// largest priority seen so far. The bias this introduces is corrected by importance-sampling weights
/// w_i = (N · P(i))^(-β) / max_j w_j, where the maximum is over the whole buffer (the weight of the
/// least likely transition), with β annealed toward 1 by the caller. Sampling is stratified: the total
/// mass is cut into B equal segments and one transition is drawn from each.
/// </summary>
public sealed class PrioritizedReplayBuffer : ReplayBuffer
{
    private readonly SumTree _tree;
    private double _maxPriority = 1.0;

    /// <summary>Creates a prioritized buffer with exponent <paramref name="alpha"/> and floor <paramref name="epsilon"/>.</summary>
    public PrioritizedReplayBuffer(int capacity, int observationSize, int actionSize, bool discreteActions, double alpha = 0.6, double epsilon = 1e-6, int numEnvs = 1,
        Core.Spaces.ElementType observationType = Core.Spaces.ElementType.Float32)
        : base(capacity, observationSize, actionSize, discreteActions, numEnvs, observationType)
    {
        if (!(alpha >= 0)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be non-negative.");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive.");
        Alpha = alpha;
        Epsilon = epsilon;
        _tree = new SumTree(Capacity);
    }

    /// <summary>The priority exponent α (0 = uniform).</summary>
    public double Alpha { get; }

    /// <summary>The floor ε added to |δ| so that no transition has zero probability.</summary>
    public double Epsilon { get; }

    /// <summary>The sampling priority p_i^α of a slot (0 when empty).</summary>
    public double PriorityOf(int slot) => _tree[slot];

    /// <summary>A new transition gets the largest priority seen so far, so that it is replayed at least once soon.</summary>
    protected override void OnStored(int slot) => _tree[slot] = Math.Pow(_maxPriority, Alpha);

    /// <summary>Samples a stratified batch with importance weights for exponent <paramref name="beta"/>.</summary>
    public void Sample(Rng rng, ReplayBatch batch, double gamma, int nSteps, double beta)
    {
        if (!(beta >= 0 && beta <= 1)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be in [0, 1].");
        int n = Count;
        if (n == 0) throw new InvalidOperationException("Cannot sample from an empty replay buffer.");
        double total = _tree.Total;
        double segment = total / batch.Size;
        // max_j w_j = (N · P_min)^(-β)
        double maxWeight = Math.Pow(n * (_tree.MinPositive / total), -beta);
        batch.Weighted = true;
        for (int i = 0; i < batch.Size; i++)
        {
            double mass = segment * (i + rng.NextDouble());
            int slot = _tree.Find(mass);
            Fill(batch, i, slot, gamma, nSteps);
            double p = _tree[slot] / total;
            batch.Weights[i] = (float)(Math.Pow(n * p, -beta) / maxWeight);
        }
    }

    /// <inheritdoc/>
    protected override void WriteExtraState(BinaryWriter writer)
    {
        writer.Write(_maxPriority);
        _tree.WriteState(writer);
    }

    /// <inheritdoc/>
    protected override void ReadExtraState(BinaryReader reader)
    {
        _maxPriority = reader.ReadDouble();
        _tree.ReadState(reader);
    }

    /// <summary>Sets p_i = |δ_i| + ε for the sampled slots after a gradient step.</summary>
    public void UpdatePriorities(ReadOnlySpan<int> slots, ReadOnlySpan<float> tdErrors)
    {
        if (slots.Length != tdErrors.Length) throw new ArgumentException($"{slots.Length} slots but {tdErrors.Length} TD errors.");
        for (int i = 0; i < slots.Length; i++)
        {
            double p = Math.Abs((double)tdErrors[i]) + Epsilon;
            if (!double.IsFinite(p)) throw new ArgumentException($"TD error {tdErrors[i]} of slot {slots[i]} is not finite.", nameof(tdErrors));
            if (!IsStored(slots[i])) continue;
            _tree[slots[i]] = Math.Pow(p, Alpha);
            _maxPriority = Math.Max(_maxPriority, p);
        }
    }
}
