using System.Text;
using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Core.State;
using Environment = Bellman.Core.Environments.Environment;

namespace Bellman.Environments.MinAtar;

/// <summary>
/// A MinAtar game behind Bellman's environment API, as MinAtar's <c>Environment</c> and its Gymnasium
/// wrapper (<c>MinAtar/Breakout-v1</c> and so on; v1 with the game's minimal action set, v0 with all six).
/// The observation is MinAtar's state, Box(0, 1, (10, 10, C)) flattened in C order: index =
/// (row·10 + col)·C + channel.
/// <para>
/// Sticky actions: every step draws u = <c>rand()</c> from the shared generator, before the game moves;
/// if u &lt; sticky_action_prob the previous executed action is repeated instead of the one asked for.
/// <c>Reset(seed)</c> is MinAtar's <c>Environment(game)</c> followed by <c>seed(seed)</c> and
/// <c>reset()</c>: one numpy <c>RandomState(seed)</c> shared by the sticky draw and the game, and the
/// previous action back to 0, so an episode equals MinAtar's from the same seed bit for bit. A negative
/// seed s (which numpy rejects) is used as s + 2^32. <c>Reset()</c> without a seed continues the stream
/// and keeps the previous action, as MinAtar's <c>reset()</c>; the very first one seeds from entropy.
/// MinAtar has no time limit (Freeway ends itself after 2,501 steps).
/// </para>
/// </summary>
public sealed class MinAtarEnvironment : Environment
{
    /// <summary>MinAtar's default probability of repeating the previous action.</summary>
    public const double DefaultStickyActionProbability = 0.1;

    private readonly int[] _actionSet;
    private readonly ulong _stickyThreshold;
    private NumpyRandomState? _random;

    /// <summary>Wraps <paramref name="game"/>; with <paramref name="minimalActionSet"/> the actions are the game's minimal set, else all six.</summary>
    public MinAtarEnvironment(MinAtarGame game, bool minimalActionSet, double stickyActionProbability = DefaultStickyActionProbability)
        : base(new Box(0f, 1f, MinAtarGame.Size, MinAtarGame.Size, game.ChannelCount) { ElementType = ElementType.Bool }, new Discrete(minimalActionSet ? game.MinimalActionSet.Count : 6))
    {
        ArgumentNullException.ThrowIfNull(game);
        if (!(stickyActionProbability >= 0 && stickyActionProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(stickyActionProbability), stickyActionProbability, "MinAtar: sticky_action_prob must be in [0, 1].");
        Game = game;
        StickyActionProbability = stickyActionProbability;
        _stickyThreshold = NumpyRandomState.RandThreshold(stickyActionProbability);
        _actionSet = minimalActionSet ? [.. game.MinimalActionSet] : [0, 1, 2, 3, 4, 5];
    }

    /// <summary>The game's rules and state.</summary>
    public MinAtarGame Game { get; }

    /// <summary>The probability of repeating the previous action.</summary>
    public double StickyActionProbability { get; }

    /// <summary>The MinAtar action (0..5) behind each action index of <see cref="Environment.ActionSpace"/>.</summary>
    public IReadOnlyList<int> ActionSet => _actionSet;

    /// <summary>The MinAtar action (0..5) the game last applied after the sticky draw (MinAtar's <c>last_action</c>).</summary>
    public int LastAction { get; private set; }

    /// <summary>The shared generator (null before the first reset).</summary>
    public NumpyRandomState? RandomState => _random;

    /// <inheritdoc/>
    protected override void OnSeed(int seed)
    {
        _random = new NumpyRandomState(unchecked((uint)seed));
        Game.Random = _random;
        LastAction = 0;
    }

    /// <inheritdoc/>
    protected override void ResetCore()
    {
        if (_random is null)
        {
            _random = new NumpyRandomState(Random.Integers(0, 1L << 32));
            Game.Random = _random;
        }
        Game.Reset();
        Game.WriteStateOverPrevious(ObservationBuffer);
    }

    /// <inheritdoc/>
    protected override void WriteStateCore(BinaryWriter writer)
    {
        writer.Write(_random is not null);
        _random?.WriteState(writer);
        writer.Write(LastAction);
        Game.SaveState(writer);
    }

    /// <inheritdoc/>
    protected override void ReadStateCore(BinaryReader reader)
    {
        NumpyRandomState? random = null;
        if (reader.ReadBoolean())
        {
            random = new NumpyRandomState(0);
            random.ReadState(reader);
        }
        int last = reader.ReadInt32();
        if ((uint)last > 5) throw new InvalidDataException($"a MinAtar last action of {last} (0..5)");
        Game.RestoreState(reader);
        _random = random;
        if (random is not null) Game.Random = random;
        LastAction = last;
    }

    /// <inheritdoc/>
    protected override StepResult StepCore(int action)
    {
        int a = _actionSet[action];
        if (_random!.RandBelow(_stickyThreshold)) a = LastAction; // rand() < sticky_action_prob
        LastAction = a;
        int reward = Game.Act(a);
        Game.WriteStateOverPrevious(ObservationBuffer);
        return new StepResult(reward, Game.Terminal, false);
    }

    /// <summary>
    /// The grid as text, one letter per channel (a cell shows its highest-index true channel, as MinAtar's
    /// display colours it), '.' for an empty cell, then the legend.
    /// </summary>
    public override string Render()
    {
        var text = new StringBuilder();
        text.Append(Name).Append('\n');
        int c = Game.ChannelCount;
        ReadOnlySpan<float> obs = Observation;
        for (int row = 0; row < MinAtarGame.Size; row++)
        {
            for (int col = 0; col < MinAtarGame.Size; col++)
            {
                char letter = '.';
                for (int ch = 0; ch < c; ch++)
                    if (obs[(row * MinAtarGame.Size + col) * c + ch] != 0) letter = Game.ChannelLetters[ch];
                text.Append(letter);
            }
            text.Append('\n');
        }
        text.Append(string.Join(", ", Game.ChannelNames.Select((name, i) => $"{Game.ChannelLetters[i]} {name}")));
        return text.ToString();
    }
}
