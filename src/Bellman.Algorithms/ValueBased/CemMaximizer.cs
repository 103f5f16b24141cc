using Bellman.Core.Random;

namespace Bellman.Algorithms.ValueBased;

/// <summary>Scores candidate actions for many states at once (one call = one batched forward pass).</summary>
public interface ICemObjective
{
    /// <summary>
    /// Writes f(s_i, a_ik) into <paramref name="scores"/>[i · k + j] for the <paramref name="samples"/>
    /// candidates of each of <paramref name="states"/> states, <paramref name="candidates"/> being
    /// [states · samples, d] row-major (the candidates of state i are rows i · samples … (i + 1) · samples − 1).
    /// </summary>
    void Score(ReadOnlySpan<float> candidates, int states, int samples, Span<float> scores);
}

/// <summary>
/// The cross-entropy method over actions in the scaled box [−1, 1]^d, batched over states (QT-Opt's
/// maximiser of Q, Kalashnikov et al. 2018): for each state start from N(0, σ₀² I); each iteration
/// draws N candidates per state, clips them to the box, scores all candidates of all states in one
/// <see cref="ICemObjective.Score"/> call, keeps the M best (elites) and refits the Gaussian to them
/// (per-dimension mean and standard deviation). The answer is the best candidate seen.
/// </summary>
public sealed class CemMaximizer
{
    private readonly int _dim, _samples, _elites, _iterations;
    private readonly float _initialStd;
    private float[] _candidates = [], _scores = [], _mean = [], _std = [], _bestScore = [];
    private int[] _eliteIndex = [];

    /// <summary>A maximiser for d = <paramref name="actionSize"/> with N samples, M elites, I iterations and initial σ₀.</summary>
    public CemMaximizer(int actionSize, int samples, int elites, int iterations, double initialStd = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(actionSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        if (elites < 1 || elites > samples) throw new ArgumentOutOfRangeException(nameof(elites), elites, $"The number of elites must be in [1, {samples}] (the samples).");
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        _dim = actionSize;
        _samples = samples;
        _elites = elites;
        _iterations = iterations;
        _initialStd = (float)initialStd;
    }

    /// <summary>Candidates per state per iteration (N).</summary>
    public int Samples => _samples;

    /// <summary>
    /// argmax_a f(s_i, a) for <paramref name="states"/> states, into <paramref name="best"/> [states, d];
    /// the best scores into <paramref name="bestScores"/> [states] when it is not empty.
    /// </summary>
    public void Maximize(ICemObjective objective, int states, Rng rng, Span<float> best, Span<float> bestScores = default)
    {
        int n = _samples, d = _dim, rows = states * n;
        Grow(ref _candidates, rows * d);
        Grow(ref _scores, rows);
        Grow(ref _mean, states * d);
        Grow(ref _std, states * d);
        Grow(ref _bestScore, states);
        if (_eliteIndex.Length < _elites) _eliteIndex = new int[_elites];
        Span<float> candidates = _candidates.AsSpan(0, rows * d), scores = _scores.AsSpan(0, rows);
        Span<float> mean = _mean.AsSpan(0, states * d), std = _std.AsSpan(0, states * d), bestScore = _bestScore.AsSpan(0, states);
        mean.Clear();
        std.Fill(_initialStd);
        bestScore.Fill(float.NegativeInfinity);
        for (int it = 0; it < _iterations; it++)
        {
            for (int i = 0; i < states; i++)
            {
                for (int k = 0; k < n; k++)
                {
                    var row = candidates.Slice((i * n + k) * d, d);
                    for (int j = 0; j < d; j++)
                        row[j] = Math.Clamp(mean[i * d + j] + std[i * d + j] * (float)rng.NextNormal(), -1f, 1f);
                }
            }
            objective.Score(candidates, states, n, scores);
            for (int i = 0; i < states; i++)
            {
                var elites = _eliteIndex.AsSpan(0, _elites);
                TopK(scores.Slice(i * n, n), elites);
                int top = elites[0];
                if (scores[i * n + top] > bestScore[i])
                {
                    bestScore[i] = scores[i * n + top];
                    candidates.Slice((i * n + top) * d, d).CopyTo(best.Slice(i * d, d));
                }
                if (it + 1 < _iterations) Refit(candidates.Slice(i * n * d, n * d), elites, mean.Slice(i * d, d), std.Slice(i * d, d));
            }
        }
        if (!bestScores.IsEmpty) bestScore.CopyTo(bestScores);
    }

    /// <summary>The indices of the <paramref name="top"/>.Length largest scores, best first (ties: lower index first).</summary>
    public static void TopK(ReadOnlySpan<float> scores, Span<int> top)
    {
        int m = top.Length, filled = 0;
        for (int k = 0; k < scores.Length; k++)
        {
            float s = scores[k];
            if (filled == m && !(s > scores[top[m - 1]])) continue;
            int pos = filled < m ? filled++ : m - 1;
            while (pos > 0 && s > scores[top[pos - 1]])
            {
                top[pos] = top[pos - 1];
                pos--;
            }
            top[pos] = k;
        }
    }

    /// <summary>μ_j = mean of the elites' a_j, σ_j = their (population) standard deviation.</summary>
    private void Refit(ReadOnlySpan<float> candidates, ReadOnlySpan<int> elites, Span<float> mean, Span<float> std)
    {
        int d = _dim;
        for (int j = 0; j < d; j++)
        {
            double sum = 0, sq = 0;
            foreach (int e in elites)
            {
                double v = candidates[e * d + j];
                sum += v;
                sq += v * v;
            }
            double mu = sum / elites.Length;
            mean[j] = (float)mu;
            std[j] = (float)Math.Sqrt(Math.Max(0, sq / elites.Length - mu * mu));
        }
    }

    private static void Grow(ref float[] buffer, int size)
    {
        if (buffer.Length < size) buffer = new float[size];
    }
}
