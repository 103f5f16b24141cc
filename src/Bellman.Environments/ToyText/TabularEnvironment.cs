using System.Globalization;
using System.Text;
using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Bellman.Core.State;
using Bellman.Core.Tabular;
using Environment = Bellman.Core.Environments.Environment;

namespace Bellman.Environments.ToyText;

/// <summary>
/// A finite MDP that steps by sampling its known <see cref="TabularModel"/>, as Gymnasium's toy-text
/// environments step through their <c>P</c> table. From state s under action a the outcome list
/// (p_k, s'_k, r_k, terminated_k), k = 0..K-1, is sampled with Gymnasium's <c>categorical_sample</c>:
/// draw u ~ U[0, 1) from the environment's generator and take the first k with
/// p_0 + … + p_k &gt; u (cumulative sums in double, left to right, duplicates of the same s' kept).
/// A reset samples the initial distribution p(s_1) the same way.
/// <para>
/// The observation is <c>Discrete(|S|)</c>: one float holding the state index. The internal state
/// (<see cref="IStatefulEnvironment"/>) is the one-element vector [s]. Gymnasium's
/// <c>info["prob"]</c> is <see cref="LastTransitionProbability"/>. Use this class directly for any MDP
/// given as arrays; the toy-text environments derive from it.
/// </para>
/// </summary>
public class TabularEnvironment : Environment, ITabularEnvironment, IStatefulEnvironment
{
    private int _state;

    /// <summary>
    /// Wraps a user-given model. <paramref name="gridColumns"/> &gt; 0 declares that the states are the
    /// cells of a grid, row-major, with that many columns (it must divide |S|); 0 means not a grid.
    /// </summary>
    public TabularEnvironment(TabularModel model, int gridColumns = 0)
        : base(new Discrete(CheckModel(model).StateCount), new Discrete(model.ActionCount))
    {
        if (gridColumns < 0 || (gridColumns > 0 && model.StateCount % gridColumns != 0))
            throw new ArgumentOutOfRangeException(nameof(gridColumns), gridColumns,
                $"gridColumns must be 0 (not a grid) or a positive divisor of the state count {model.StateCount}.");
        Model = model;
        GridColumns = gridColumns;
    }

    /// <inheritdoc/>
    public TabularModel Model { get; }

    /// <inheritdoc/>
    public int GridColumns { get; }

    /// <summary>The current state s (Gymnasium's <c>env.unwrapped.s</c>).</summary>
    public int State => _state;

    /// <summary>The action of the last step, or null right after a reset (Gymnasium's <c>lastaction</c>).</summary>
    public int? LastAction { get; private set; }

    /// <summary>
    /// The probability of the outcome the last step sampled, p_k of its entry in the outcome list (not
    /// summed over duplicates); 1 after a reset. This is Gymnasium's <c>info["prob"]</c>.
    /// </summary>
    public double LastTransitionProbability { get; private set; } = 1.0;

    /// <summary>The internal state has one element: the state index.</summary>
    public int StateSize => 1;

    /// <summary>
    /// Gymnasium's <c>categorical_sample</c> for one uniform draw <paramref name="u"/> in [0, 1): the first
    /// index k whose cumulative probability p_0 + … + p_k exceeds u. When rounding leaves every cumulative
    /// sum ≤ u it returns 0, as NumPy's <c>argmax</c> of an all-false array does.
    /// </summary>
    public static int CategoricalSample(ReadOnlySpan<double> probabilities, double u)
    {
        double cumulative = 0;
        for (int k = 0; k < probabilities.Length; k++)
        {
            cumulative += probabilities[k];
            if (cumulative > u) return k;
        }
        return 0;
    }

    /// <inheritdoc/>
    public void GetState(Span<double> destination)
    {
        if (destination.Length != 1)
            throw new ArgumentException($"{Name}: the state has 1 element (the state index); the destination has {destination.Length}.", nameof(destination));
        destination[0] = _state;
    }

    /// <inheritdoc/>
    public ReadOnlySpan<float> ResetToState(ReadOnlySpan<double> state)
    {
        if (state.Length != 1)
            throw new ArgumentException($"{Name}: the state has 1 element (the state index), got {state.Length}.", nameof(state));
        double s = state[0];
        if (!(s >= 0 && s < Model.StateCount && s == Math.Floor(s)))
            throw new ArgumentOutOfRangeException(nameof(state), s, $"{Name}: the state must be an integer in 0..{Model.StateCount - 1}.");
        BeginEpisodeFromState();
        StartEpisode((int)s);
        return Observation;
    }

    /// <inheritdoc/>
    protected override void WriteStateCore(BinaryWriter writer)
    {
        writer.Write(_state);
        writer.Write(LastAction ?? -1);
        writer.Write(LastTransitionProbability);
    }

    /// <inheritdoc/>
    protected override void ReadStateCore(BinaryReader reader)
    {
        int state = reader.ReadInt32(), last = reader.ReadInt32();
        if ((uint)state >= (uint)Model.StateCount || last < -1 || last >= Model.ActionCount)
            throw new InvalidDataException($"state {state} and last action {last} do not fit {Name} ({Model.StateCount} states, {Model.ActionCount} actions)");
        _state = state;
        LastAction = last < 0 ? null : last;
        LastTransitionProbability = reader.ReadDouble();
    }

    /// <inheritdoc/>
    protected override void ResetCore() => StartEpisode(CategoricalSample(Model.InitialDistribution, Random.NextDouble()));

    /// <summary>Samples the outcome of <paramref name="action"/> in the current state and moves there.</summary>
    protected override StepResult StepCore(int action)
    {
        int begin = Model.Offsets[_state * Model.ActionCount + action];
        int end = Model.Offsets[_state * Model.ActionCount + action + 1];
        int i = begin + CategoricalSample(Model.Probabilities[begin..end], Random.NextDouble());
        SetState(Model.NextStates[i]);
        LastAction = action;
        LastTransitionProbability = Model.Probabilities[i];
        return new StepResult(Model.Rewards[i], Model.Terminated[i], Truncated: false);
    }

    /// <summary>Moves to state <paramref name="state"/> and writes it as the observation.</summary>
    protected void SetState(int state)
    {
        _state = state;
        ObservationBuffer[0] = state;
    }

    /// <summary>
    /// Called after every reset (sampled or from an explicit state), once the first state is set; for
    /// environments that draw per-episode randomness besides the first state (Taxi's fickle passenger).
    /// </summary>
    protected virtual void OnEpisodeStart() { }

    /// <summary>
    /// A text rendering: the last action in parentheses on a line of its own (an empty line after a
    /// reset), then, for a grid, the grid with <c>x</c> at the current cell and <c>o</c> elsewhere, or
    /// else the line <c>state s</c>.
    /// </summary>
    public override string Render()
    {
        var text = new StringBuilder();
        text.Append(LastAction is int a ? string.Create(CultureInfo.InvariantCulture, $"  ({a})\n") : "\n");
        if (GridColumns == 0) return text.Append(CultureInfo.InvariantCulture, $"state {_state}\n").ToString();
        for (int s = 0; s < Model.StateCount; s++)
        {
            text.Append(s == _state ? 'x' : 'o');
            if ((s + 1) % GridColumns == 0) text.Append('\n');
        }
        return text.ToString();
    }

    private void StartEpisode(int state)
    {
        SetState(state);
        LastAction = null;
        LastTransitionProbability = 1.0;
        OnEpisodeStart();
    }

    private static TabularModel CheckModel(TabularModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        double total = 0;
        foreach (double p in model.InitialDistribution)
        {
            if (!(p >= 0) || !double.IsFinite(p))
                throw new ArgumentException($"The initial distribution has an entry {p}; entries must be finite and non-negative.", nameof(model));
            total += p;
        }
        if (Math.Abs(total - 1.0) > 1e-9)
            throw new ArgumentException($"The initial distribution sums to {total}, not 1.", nameof(model));
        return model;
    }
}
