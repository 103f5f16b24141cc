using System.Runtime.CompilerServices;
using Bellman.Core.Random;
using Bellman.Core.State;

namespace Bellman.Environments.MinAtar;

/// <summary>MinAtar's six actions, in the order of its <c>action_map</c> (<c>n l u r d f</c>).</summary>
public enum MinAtarAction
{
    /// <summary>Do nothing (<c>n</c>).</summary>
    Noop = 0,

    /// <summary>Move left (<c>l</c>).</summary>
    Left = 1,

    /// <summary>Move up (<c>u</c>).</summary>
    Up = 2,

    /// <summary>Move right (<c>r</c>).</summary>
    Right = 3,

    /// <summary>Move down (<c>d</c>).</summary>
    Down = 4,

    /// <summary>Fire (<c>f</c>).</summary>
    Fire = 5,
}

/// <summary>
/// The rules of one MinAtar game (Young &amp; Tian 2019), ported from MinAtar 1.0.15's Python code: a 10×10
/// grid with one boolean channel per object kind. The game draws its randomness from the
/// <see cref="Random"/> it is given, which <see cref="MinAtarEnvironment"/> shares with its sticky-action
/// draw, as MinAtar's <c>Environment.seed</c> does. <see cref="Act"/> on a terminal game returns 0 and
/// changes nothing, as in MinAtar.
/// </summary>
public abstract class MinAtarGame
{
    /// <summary>The side of the square grid.</summary>
    public const int Size = 10;

    private readonly int _channels;
    private readonly int[] _written;
    private int _writtenCount;
    private bool _writtenValid, _writtenOverflow;
    private NumpyRandomState _random = new(0);

    /// <summary>Declares the game's channels (in MinAtar's index order), their display letters and its minimal action set.</summary>
    protected MinAtarGame(string gameName, string[] channelNames, string channelLetters, MinAtarAction[] minimalActionSet)
    {
        if (channelLetters.Length != channelNames.Length)
            throw new ArgumentException($"{gameName}: {channelNames.Length} channels but {channelLetters.Length} letters.", nameof(channelLetters));
        GameName = gameName;
        ChannelNames = channelNames;
        ChannelLetters = channelLetters;
        _channels = channelNames.Length;
        _written = new int[Size * Size * _channels];
        MinimalActionSet = [.. minimalActionSet.Select(a => (int)a)];
    }

    /// <summary>MinAtar's module name of the game, for example <c>space_invaders</c>.</summary>
    public string GameName { get; }

    /// <summary>The channel names in index order (MinAtar's <c>channels</c> dictionary).</summary>
    public IReadOnlyList<string> ChannelNames { get; }

    /// <summary>One display letter per channel, in index order.</summary>
    public string ChannelLetters { get; }

    /// <summary>The number of channels C of the (10, 10, C) state.</summary>
    public int ChannelCount => _channels;

    /// <summary>The actions (indices into the six) that have a distinct effect, MinAtar's <c>minimal_action_set()</c>.</summary>
    public IReadOnlyList<int> MinimalActionSet { get; }

    /// <summary>Whether the episode has ended.</summary>
    public bool Terminal { get; protected set; }

    /// <summary>The level of the difficulty ramp (<c>difficulty_ramp()</c>), or null for a game without one.</summary>
    public virtual int? DifficultyRamp => null;

    /// <summary>The generator the game draws from; the environment sets it to the one it shares.</summary>
    public NumpyRandomState Random
    {
        get => _random;
        set => _random = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Starts a new episode (MinAtar's <c>reset()</c>).</summary>
    public abstract void Reset();

    /// <summary>Applies one of the six actions and returns the reward (MinAtar's <c>act(a)</c>); 0 when already terminal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Act(int action)
    {
        if ((uint)action > (uint)MinAtarAction.Fire) ThrowBadAction(action);
        return Terminal ? 0 : ActCore((MinAtarAction)action);
    }

    private void ThrowBadAction(int action) =>
        throw new ArgumentOutOfRangeException(nameof(action), action, $"{GameName}: MinAtar actions are 0..5 (n l u r d f).");

    /// <summary>Writes the game's mid-episode state (not its generator, which the environment owns) for a checkpoint.</summary>
    public void SaveState(BinaryWriter writer)
    {
        writer.Tag(GameName);
        writer.Write(Terminal);
        SaveStateCore(writer);
    }

    /// <summary>Restores a state written by <see cref="SaveState"/> of the same game.</summary>
    public void RestoreState(BinaryReader reader)
    {
        reader.ExpectTag(GameName);
        Terminal = reader.ReadBoolean();
        RestoreStateCore(reader);
        _writtenValid = false;
    }

    /// <summary>Writes every field the rules change.</summary>
    protected abstract void SaveStateCore(BinaryWriter writer);

    /// <summary>Reads what <see cref="SaveStateCore"/> wrote.</summary>
    protected abstract void RestoreStateCore(BinaryReader reader);

    /// <summary>Writes a list of integer tuples (Seaquest's objects).</summary>
    protected static void WriteList(BinaryWriter writer, List<int[]> items)
    {
        writer.Write(items.Count);
        foreach (var item in items) writer.WriteSpan(item);
    }

    /// <summary>Reads a list written by <see cref="WriteList"/> into <paramref name="items"/>.</summary>
    protected static void ReadList(BinaryReader reader, List<int[]> items)
    {
        int n = reader.ReadInt32();
        if (n < 0 || n > 10_000) throw new InvalidDataException($"a list of {n} objects");
        items.Clear();
        for (int i = 0; i < n; i++) items.Add(reader.ReadInts(16));
    }

    /// <summary>One step of the game's rules on a game that is not terminal.</summary>
    protected abstract int ActCore(MinAtarAction action);

    /// <summary>
    /// Writes the state (MinAtar's <c>state()</c>) as 0/1 floats in C order of (10, 10, C), index =
    /// (row·10 + col)·C + channel, into <paramref name="destination"/> of length 100·C.
    /// </summary>
    public void WriteState(Span<float> destination)
    {
        CheckDestination(destination);
        destination.Clear();
        WriteStateCore(destination);
        _writtenValid = false;
    }

    /// <summary>
    /// <see cref="WriteState"/> into the buffer that the previous call of this method wrote, which nothing else has
    /// changed since: only the cells that call set are cleared (a few dozen of the 100·C) before the new ones are set,
    /// instead of the whole buffer. After <see cref="WriteState"/>, <see cref="RestoreState"/>, an overflow of the
    /// record or on the first call, the whole buffer is cleared, as <see cref="WriteState"/> does. The environment uses
    /// it for its own observation buffer, which only it writes.
    /// </summary>
    internal void WriteStateOverPrevious(Span<float> destination)
    {
        CheckDestination(destination);
        WritingOverPrevious = _writtenValid;
        if (_writtenValid)
            foreach (int index in _written.AsSpan(0, _writtenCount)) destination[index] = 0f;
        else
            destination.Clear();
        _writtenCount = 0;
        _writtenOverflow = false;
        _writtenValid = false;
        WriteStateCore(destination);
        WritingOverPrevious = false;
        _writtenValid = !_writtenOverflow;
    }

    private void CheckDestination(Span<float> destination)
    {
        if (destination.Length != Size * Size * _channels) ThrowDestination(destination.Length);
    }

    private void ThrowDestination(int length) =>
        throw new ArgumentException($"{GameName}: the state has {Size * Size * _channels} cells, the destination {length}.", "destination");

    /// <summary>
    /// True while <see cref="WriteStateCore"/> writes over the previous state of the same buffer, whose recorded cells have
    /// been cleared: what a game wrote without a record (Breakout's brick rows) is still there, as it last wrote it.
    /// </summary>
    protected bool WritingOverPrevious { get; private set; }

    /// <summary>
    /// Copies a region the game keeps as an image (written whole, without a record) into <paramref name="destination"/>,
    /// unless the state written over already holds it as it is: <paramref name="written"/> says whether it does, and is
    /// cleared by the game whenever it redraws the image.
    /// </summary>
    protected void CopyRegion(ReadOnlySpan<float> image, Span<float> destination, ref bool written)
    {
        if (!WritingOverPrevious || !written) image.CopyTo(destination);
        written = WritingOverPrevious;
    }

    /// <summary>Records a set index for <see cref="WriteStateOverPrevious"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Written(int index)
    {
        if (_writtenCount < _written.Length) _written[_writtenCount++] = index;
        else _writtenOverflow = true;
    }

    /// <summary>Sets the true cells of the state into a cleared <paramref name="state"/>.</summary>
    protected abstract void WriteStateCore(Span<float> state);

    /// <summary>Sets cell (<paramref name="row"/>, <paramref name="col"/>) of <paramref name="channel"/>; a column of −1 is column 9, as Python's negative indices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected void Set(Span<float> state, int row, int col, int channel)
    {
        if (col < 0) col += Size;
        int index = (((row * Size) + col) * _channels) + channel;
        state[index] = 1f;
        Written(index);
    }

    /// <summary>Sets flat cell <paramref name="cell"/> = row·10 + col of <paramref name="channel"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected void SetCell(Span<float> state, int cell, int channel)
    {
        int index = (cell * _channels) + channel;
        state[index] = 1f;
        Written(index);
    }

    /// <summary>Python's floor division ⌊a / b⌋ for b &gt; 0.</summary>
    protected static int FloorDiv(int a, int b) => (int)Math.Floor((double)a / b);
}
