namespace Bellman.Algorithms.Tabular;

/// <summary>
/// The one-step targets y of tabular TD control and evaluation, as pure functions. A terminated transition
/// does not bootstrap (y = r); a truncated one does, from the state the episode was cut in.
/// </summary>
public static class TdTargets
{
    /// <summary>Q-learning (the lecture's online Q iteration): y = r + γ max_a' Q(s', a').</summary>
    public static double QLearning(double reward, ReadOnlySpan<double> nextQ, bool terminated, double gamma) =>
        terminated ? reward : reward + gamma * BellmanOperator.Max(nextQ);

    /// <summary>SARSA: y = r + γ Q(s', a') with a' the action the behaviour policy takes next.</summary>
    public static double Sarsa(double reward, double nextQOfNextAction, bool terminated, double gamma) =>
        terminated ? reward : reward + gamma * nextQOfNextAction;

    /// <summary>Expected SARSA: y = r + γ Σ_a' π(a'|s') Q(s', a') under the behaviour policy π.</summary>
    public static double ExpectedSarsa(double reward, ReadOnlySpan<double> nextQ, ReadOnlySpan<double> nextPolicy, bool terminated, double gamma)
    {
        if (terminated) return reward;
        if (nextPolicy.Length != nextQ.Length)
            throw new ArgumentException($"nextPolicy has {nextPolicy.Length} entries; nextQ has {nextQ.Length}.", nameof(nextPolicy));
        double expected = 0;
        for (int a = 0; a < nextQ.Length; a++) expected += nextPolicy[a] * nextQ[a];
        return reward + gamma * expected;
    }

    /// <summary>TD(0) for state values: y = r + γ V(s').</summary>
    public static double StateValue(double reward, double nextValue, bool terminated, double gamma) =>
        terminated ? reward : reward + gamma * nextValue;

    /// <summary>The tabular step toward a target: x ← x + α (y - x).</summary>
    public static double Step(double current, double target, double alpha) => current + alpha * (target - current);
}
