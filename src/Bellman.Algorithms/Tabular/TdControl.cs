using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Core.Schedules;

namespace Bellman.Algorithms.Tabular;

/// <summary>Which one-step target online tabular control learns from.</summary>
public enum TdControlMethod
{
    /// <summary>Off-policy Q-learning: y = r + γ max_a' Q(s', a').</summary>
    QLearning,

    /// <summary>On-policy SARSA: y = r + γ Q(s', a'), a' the next action actually taken.</summary>
    Sarsa,

    /// <summary>Expected SARSA: y = r + γ Σ_a' π(a'|s') Q(s', a').</summary>
    ExpectedSarsa,
}

/// <summary>Options of online tabular TD control.</summary>
public sealed record TdControlOptions
{
    /// <summary>The target: Q-learning, SARSA or expected SARSA.</summary>
    public TdControlMethod Method { get; init; } = TdControlMethod.QLearning;

    /// <summary>The number of training episodes; progress for the schedules is episode / Episodes.</summary>
    public int Episodes { get; init; } = 10_000;

    /// <summary>The discount γ ∈ [0, 1].</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>The learning rate α ∈ (0, 1] as a function of progress (constant by default).</summary>
    public Schedule LearningRate { get; init; } = Schedule.Constant(0.1);

    /// <summary>The behaviour policy (ε-greedy with ε from 1 to 0.05 over the first half by default).</summary>
    public IExplorationStrategy Exploration { get; init; } = new EpsilonGreedy(Schedule.Linear(1.0, 0.05, 0.5));

    /// <summary>
    /// A learner-side time limit: an episode still running after this many steps is truncated (bootstrapped,
    /// not terminated). Null relies on the environment's own time limit.
    /// </summary>
    public int? MaxEpisodeSteps { get; init; }

    /// <summary>Q_0(s,a) for every pair.</summary>
    public double InitialQ { get; init; }

    /// <summary>Throws when an option is out of range; the message names it.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Method)) throw new ArgumentOutOfRangeException(nameof(Method), Method, "Method must be QLearning, Sarsa or ExpectedSarsa.");
        if (Episodes <= 0) throw new ArgumentOutOfRangeException(nameof(Episodes), Episodes, "Episodes must be positive.");
        DpOptions.ValidateGamma(Gamma);
        ArgumentNullException.ThrowIfNull(LearningRate);
        ArgumentNullException.ThrowIfNull(Exploration);
        if (MaxEpisodeSteps is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxEpisodeSteps), MaxEpisodeSteps, "MaxEpisodeSteps must be positive or null.");
        if (!double.IsFinite(InitialQ)) throw new ArgumentOutOfRangeException(nameof(InitialQ), InitialQ, "InitialQ must be finite.");
    }

    internal double AlphaAt(double progress)
    {
        double alpha = LearningRate.ValueAt(progress);
        if (!(alpha > 0 && alpha <= 1))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), alpha, $"the learning rate must lie in (0, 1]; the schedule gives {alpha} at progress {progress}.");
        return alpha;
    }
}

/// <summary>The outcome of tabular TD control.</summary>
/// <param name="Q">The learned Q(s,a), row-major [s*A + a].</param>
/// <param name="StateCount">|S|.</param>
/// <param name="ActionCount">|A|.</param>
/// <param name="EpisodeReturns">The undiscounted return of every training episode.</param>
/// <param name="EpisodeLengths">The number of steps of every training episode.</param>
/// <param name="GreedyPolicy">argmax_a Q(s,a), lowest index among exact ties.</param>
public sealed record TdControlResult(double[] Q, int StateCount, int ActionCount, double[] EpisodeReturns, int[] EpisodeLengths, int[] GreedyPolicy)
{
    /// <summary>max_a Q(s,a) for every state.</summary>
    public double[] Values()
    {
        var v = new double[StateCount];
        for (int s = 0; s < StateCount; s++) v[s] = BellmanOperator.Max(Q.AsSpan(s * ActionCount, ActionCount));
        return v;
    }
}

/// <summary>
/// Online tabular TD control, the lecture's online Q iteration with a table for Q:
/// <code>
/// 1. take some action a_i ~ π(a|s_i) (ε-greedy or Boltzmann) and observe (s_i, a_i, s'_i, r_i)
/// 2. y_i = r(s_i, a_i) + γ max_a' Q(s'_i, a')         (Q-learning; SARSA uses Q(s'_i, a'_{i+1}),
///                                                      expected SARSA Σ_a' π(a'|s'_i) Q(s'_i, a'))
/// 3. Q(s_i, a_i) ← Q(s_i, a_i) - α (Q(s_i, a_i) - y_i)
/// </code>
/// A terminated transition uses y_i = r_i; a truncated one still bootstraps from s'_i. One loop
/// (<see cref="TdControlRun"/>, which can also stop, save and resume exactly) serves all three methods; only the
/// target differs (<see cref="TdTargets"/>). All randomness comes from the
/// <see cref="Rng"/> passed in: it seeds the environment's first reset and drives exploration.
/// </summary>
public static class TdControl
{
    /// <summary>Trains a Q table on <paramref name="environment"/> (Discrete observations and actions).</summary>
    public static TdControlResult Train(IEnvironment environment, TdControlOptions options, Rng rng)
    {
        var run = new TdControlRun(environment, options, rng);
        run.Run();
        return run.Result();
    }

    /// <summary>The command-line and checkpoint name of <paramref name="method"/> (<c>q-learning</c>, <c>sarsa</c>, <c>expected-sarsa</c>).</summary>
    public static string NameOf(TdControlMethod method) => method switch
    {
        TdControlMethod.QLearning => "q-learning",
        TdControlMethod.Sarsa => "sarsa",
        TdControlMethod.ExpectedSarsa => "expected-sarsa",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Method must be QLearning, Sarsa or ExpectedSarsa."),
    };

    /// <summary>The method named <paramref name="name"/> (see <see cref="NameOf"/>), or null when it names none.</summary>
    public static TdControlMethod? MethodNamed(string? name) => name switch
    {
        "q-learning" => TdControlMethod.QLearning,
        "sarsa" => TdControlMethod.Sarsa,
        "expected-sarsa" => TdControlMethod.ExpectedSarsa,
        _ => null,
    };
}
