using Bellman.Core.Random;
using Bellman.Core.Schedules;

namespace Bellman.Algorithms.Tabular;

/// <summary>
/// A behaviour policy built from a row of Q values: it samples an action and gives its probabilities
/// (needed by expected SARSA). <c>progress</c> ∈ [0, 1] is the fraction of training elapsed, fed to the schedule.
/// </summary>
public interface IExplorationStrategy
{
    /// <summary>Samples a_t ~ π(a|s_t) from the Q row of s_t.</summary>
    int Select(ReadOnlySpan<double> q, double progress, Rng rng);

    /// <summary>Writes π(a|s_t) for every action into <paramref name="destination"/>.</summary>
    void Probabilities(ReadOnlySpan<double> q, double progress, Span<double> destination);
}

/// <summary>
/// Epsilon-greedy exploration in the lecture's form:
/// <code>
/// π(a_t|s_t) = 1 - ε            if a_t = argmax_a Q(s_t, a)
///              ε / (|A| - 1)    otherwise
/// </code>
/// Ties for the argmax are broken uniformly at random, so a maximiser among m has probability
/// (1 - ε)/m + (m - 1)/m · ε/(|A| - 1). With one action the only action has probability 1.
/// </summary>
/// <param name="Epsilon">ε as a function of training progress; every value must lie in [0, 1].</param>
public sealed record EpsilonGreedy(Schedule Epsilon) : IExplorationStrategy
{
    /// <summary>ε at <paramref name="progress"/>, checked to lie in [0, 1].</summary>
    public double EpsilonAt(double progress)
    {
        double epsilon = Epsilon.ValueAt(progress);
        if (!(epsilon >= 0 && epsilon <= 1))
            throw new ArgumentOutOfRangeException(nameof(Epsilon), epsilon, $"epsilon must lie in [0, 1]; the schedule gives {epsilon} at progress {progress}.");
        return epsilon;
    }

    /// <inheritdoc/>
    public int Select(ReadOnlySpan<double> q, double progress, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double epsilon = EpsilonAt(progress);
        int greedy = RandomArgMax(q, rng);
        if (q.Length == 1 || rng.NextDouble() >= epsilon) return greedy;
        int other = rng.NextInt(q.Length - 1);
        return other < greedy ? other : other + 1;
    }

    /// <inheritdoc/>
    public void Probabilities(ReadOnlySpan<double> q, double progress, Span<double> destination)
    {
        CheckRow(q, destination);
        double epsilon = EpsilonAt(progress);
        if (q.Length == 1)
        {
            destination[0] = 1;
            return;
        }
        double max = BellmanOperator.Max(q);
        int ties = 0;
        foreach (double x in q) if (x == max) ties++;
        double other = epsilon / (q.Length - 1);
        double maximiser = (1 - epsilon) / ties + (ties - 1.0) / ties * other;
        for (int a = 0; a < q.Length; a++) destination[a] = q[a] == max ? maximiser : other;
    }

    /// <summary>argmax_a q(a) with ties broken uniformly at random (one draw only when there is a tie).</summary>
    public static int RandomArgMax(ReadOnlySpan<double> q, Rng rng)
    {
        if (q.IsEmpty) throw new ArgumentException("An empty Q row has no argmax.", nameof(q));
        double max = BellmanOperator.Max(q);
        int ties = 0, first = -1;
        for (int a = 0; a < q.Length; a++)
        {
            if (q[a] != max) continue;
            if (ties++ == 0) first = a;
        }
        if (ties <= 1) return Math.Max(first, 0);
        int pick = rng.NextInt(ties);
        for (int a = first; a < q.Length; a++)
            if (q[a] == max && pick-- == 0) return a;
        return first;
    }

    internal static void CheckRow(ReadOnlySpan<double> q, Span<double> destination)
    {
        if (q.IsEmpty) throw new ArgumentException("An empty Q row has no policy.", nameof(q));
        if (destination.Length != q.Length)
            throw new ArgumentException($"destination has {destination.Length} entries; the Q row has {q.Length}.", nameof(destination));
    }
}

/// <summary>
/// Boltzmann exploration: π(a_t|s_t) ∝ exp(Q(s_t, a_t) / τ), the lecture's softmax over Q with a
/// temperature τ &gt; 0 (τ → 0 approaches the greedy policy, large τ the uniform one). Computed stably
/// by subtracting max_a Q before exponentiating.
/// </summary>
/// <param name="Temperature">τ as a function of training progress; every value must be positive.</param>
public sealed record Boltzmann(Schedule Temperature) : IExplorationStrategy
{
    /// <inheritdoc/>
    public int Select(ReadOnlySpan<double> q, double progress, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Span<double> p = q.Length <= 64 ? stackalloc double[q.Length] : new double[q.Length];
        Probabilities(q, progress, p);
        return rng.Categorical(p);
    }

    /// <inheritdoc/>
    public void Probabilities(ReadOnlySpan<double> q, double progress, Span<double> destination)
    {
        EpsilonGreedy.CheckRow(q, destination);
        double tau = Temperature.ValueAt(progress);
        if (!(tau > 0) || !double.IsFinite(tau))
            throw new ArgumentOutOfRangeException(nameof(Temperature), tau, $"temperature must be positive and finite; the schedule gives {tau} at progress {progress}.");
        double max = BellmanOperator.Max(q), total = 0;
        for (int a = 0; a < q.Length; a++) total += destination[a] = Math.Exp((q[a] - max) / tau);
        for (int a = 0; a < q.Length; a++) destination[a] /= total;
    }
}
