namespace Bellman.Core.Tabular;

/// <summary>One possible result of taking an action in a state: p(s'|s,a), s', r and whether s' is terminal.</summary>
/// <param name="Probability">The probability of this outcome.</param>
/// <param name="NextState">The next state s'.</param>
/// <param name="Reward">The reward received on this transition.</param>
/// <param name="Terminated">Whether the episode terminates on arriving in s'.</param>
public readonly record struct Outcome(double Probability, int NextState, double Reward, bool Terminated);

/// <summary>
/// The known model of a finite MDP, stored sparsely: for each state s and action a, the list of
/// outcomes in the order Gymnasium's <c>P[s][a]</c> lists them (duplicates of the same s' are kept, as
/// Gymnasium keeps them). Outcomes of (s, a) are at indices <c>Offsets[s*A+a] .. Offsets[s*A+a+1]-1</c>
/// of the flat arrays. This is the lecture's transition tensor T (|S|×|S|×|A|) without its zeros.
/// </summary>
public sealed class TabularModel
{
    private readonly int[] _offsets;
    private readonly double[] _probability;
    private readonly int[] _next;
    private readonly double[] _reward;
    private readonly bool[] _terminated;
    private readonly double[] _initial;

    /// <summary>Builds a model from outcome lists indexed [state][action].</summary>
    public TabularModel(int stateCount, int actionCount, Func<int, int, IEnumerable<Outcome>> outcomes, ReadOnlySpan<double> initialDistribution)
    {
        if (stateCount <= 0) throw new ArgumentOutOfRangeException(nameof(stateCount), stateCount, "A model needs at least one state.");
        if (actionCount <= 0) throw new ArgumentOutOfRangeException(nameof(actionCount), actionCount, "A model needs at least one action.");
        if (initialDistribution.Length != stateCount)
            throw new ArgumentException($"The initial distribution has {initialDistribution.Length} entries; the model has {stateCount} states.", nameof(initialDistribution));
        StateCount = stateCount;
        ActionCount = actionCount;
        _offsets = new int[stateCount * actionCount + 1];
        var p = new List<double>();
        var n = new List<int>();
        var r = new List<double>();
        var t = new List<bool>();
        for (int s = 0; s < stateCount; s++)
        {
            for (int a = 0; a < actionCount; a++)
            {
                _offsets[s * actionCount + a] = p.Count;
                double total = 0;
                foreach (var o in outcomes(s, a))
                {
                    if (o.NextState < 0 || o.NextState >= stateCount)
                        throw new ArgumentException($"Outcome of state {s}, action {a} leads to state {o.NextState}, outside 0..{stateCount - 1}.");
                    if (!(o.Probability >= 0) || !double.IsFinite(o.Reward))
                        throw new ArgumentException($"Outcome of state {s}, action {a} has probability {o.Probability} and reward {o.Reward}; both must be finite and the probability non-negative.");
                    total += o.Probability;
                    p.Add(o.Probability);
                    n.Add(o.NextState);
                    r.Add(o.Reward);
                    t.Add(o.Terminated);
                }
                if (Math.Abs(total - 1.0) > 1e-9)
                    throw new ArgumentException($"Outcome probabilities of state {s}, action {a} sum to {total}, not 1.");
            }
        }
        _offsets[^1] = p.Count;
        _probability = [.. p];
        _next = [.. n];
        _reward = [.. r];
        _terminated = [.. t];
        _initial = initialDistribution.ToArray();
    }

    /// <summary>|S|.</summary>
    public int StateCount { get; }

    /// <summary>|A|.</summary>
    public int ActionCount { get; }

    /// <summary>The total number of stored outcomes (the non-zeros of T).</summary>
    public int OutcomeCount => _probability.Length;

    /// <summary>CSR offsets: outcomes of (s, a) start at <c>Offsets[s*A + a]</c>.</summary>
    public ReadOnlySpan<int> Offsets => _offsets;

    /// <summary>p(s'|s,a) of every outcome.</summary>
    public ReadOnlySpan<double> Probabilities => _probability;

    /// <summary>s' of every outcome.</summary>
    public ReadOnlySpan<int> NextStates => _next;

    /// <summary>The reward of every outcome.</summary>
    public ReadOnlySpan<double> Rewards => _reward;

    /// <summary>Whether every outcome terminates the episode.</summary>
    public ReadOnlySpan<bool> Terminated => _terminated;

    /// <summary>The distribution of the first state, p(s_1).</summary>
    public ReadOnlySpan<double> InitialDistribution => _initial;

    /// <summary>The outcomes of taking <paramref name="action"/> in <paramref name="state"/>, in Gymnasium's order.</summary>
    public IEnumerable<Outcome> OutcomesOf(int state, int action)
    {
        int begin = _offsets[state * ActionCount + action], end = _offsets[state * ActionCount + action + 1];
        for (int i = begin; i < end; i++) yield return new Outcome(_probability[i], _next[i], _reward[i], _terminated[i]);
    }

    /// <summary>The expected reward r(s, a) = Σ p(s'|s,a) r(s,a,s').</summary>
    public double ExpectedReward(int state, int action)
    {
        int begin = _offsets[state * ActionCount + action], end = _offsets[state * ActionCount + action + 1];
        double sum = 0;
        for (int i = begin; i < end; i++) sum += _probability[i] * _reward[i];
        return sum;
    }

    /// <summary>
    /// The dense transition tensor T[s', s, a] = p(s'|s,a) of the lecture (|S|×|S|×|A|, row-major),
    /// duplicates summed. Only sensible for small MDPs.
    /// </summary>
    public double[,,] ToDenseTransitions()
    {
        var tensor = new double[StateCount, StateCount, ActionCount];
        for (int s = 0; s < StateCount; s++)
            for (int a = 0; a < ActionCount; a++)
                foreach (var o in OutcomesOf(s, a)) tensor[o.NextState, s, a] += o.Probability;
        return tensor;
    }
}

/// <summary>An environment whose full model is known, for dynamic programming.</summary>
public interface ITabularEnvironment : Environments.IEnvironment
{
    /// <summary>The model p(s'|s,a), rewards and terminal flags, equal to Gymnasium's <c>P</c> table.</summary>
    TabularModel Model { get; }

    /// <summary>The number of columns when the states are drawn as a grid map (for rendering V and π), or 0 when the states are not a grid.</summary>
    int GridColumns { get; }
}
