using Bellman.Core.Random;

namespace Bellman.Algorithms.Exploration;

/// <summary>
/// Action selection from Q(s, ·) for discrete actions: the lecture's "exploration" slide. Greedy picks
/// argmax_a Q(s,a) (lowest index on ties); ε-greedy picks it with probability 1 − ε and a uniformly random
/// action otherwise; Boltzmann samples a with probability exp(Q(s,a)/T) / Σ_b exp(Q(s,b)/T).
/// </summary>
public static class Explore
{
    /// <summary>argmax_a q[a], the lowest index among equal maxima.</summary>
    public static int Greedy(ReadOnlySpan<float> q)
    {
        if (q.IsEmpty) throw new ArgumentException("Q has no actions.", nameof(q));
        int best = 0;
        for (int a = 1; a < q.Length; a++) if (q[a] > q[best]) best = a;
        return best;
    }

    /// <summary>argmax_a q[a] in double precision, the lowest index among equal maxima.</summary>
    public static int Greedy(ReadOnlySpan<double> q)
    {
        if (q.IsEmpty) throw new ArgumentException("Q has no actions.", nameof(q));
        int best = 0;
        for (int a = 1; a < q.Length; a++) if (q[a] > q[best]) best = a;
        return best;
    }

    /// <summary>ε-greedy: a uniformly random action with probability <paramref name="epsilon"/>, else the greedy one.</summary>
    public static int EpsilonGreedy(ReadOnlySpan<float> q, double epsilon, Rng rng) =>
        rng.NextDouble() < epsilon ? rng.NextInt(q.Length) : Greedy(q);

    /// <summary>ε-greedy over a double-precision table row.</summary>
    public static int EpsilonGreedy(ReadOnlySpan<double> q, double epsilon, Rng rng) =>
        rng.NextDouble() < epsilon ? rng.NextInt(q.Length) : Greedy(q);

    /// <summary>Boltzmann (softmax) exploration with temperature <paramref name="temperature"/> &gt; 0.</summary>
    public static int Boltzmann(ReadOnlySpan<float> q, double temperature, Rng rng)
    {
        Span<double> logits = q.Length <= 256 ? stackalloc double[q.Length] : new double[q.Length];
        for (int a = 0; a < q.Length; a++) logits[a] = q[a];
        return Boltzmann(logits, temperature, rng);
    }

    /// <summary>Boltzmann exploration over a double-precision row (the row is not modified).</summary>
    public static int Boltzmann(ReadOnlySpan<double> q, double temperature, Rng rng)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The Boltzmann temperature must be positive.");
        Span<double> weights = q.Length <= 256 ? stackalloc double[q.Length] : new double[q.Length];
        double max = double.NegativeInfinity;
        foreach (double v in q) max = Math.Max(max, v);
        for (int a = 0; a < q.Length; a++) weights[a] = Math.Exp((q[a] - max) / temperature);
        return rng.Categorical(weights);
    }
}
