using System.Runtime.CompilerServices;

namespace Bellman.Backgammon;

/// <summary>Up to four (from, to) steps, inline.</summary>
[InlineArray(8)]
internal struct StepCells
{
    private byte _element;
}

/// <summary>
/// One legal play: the resulting position (same orientation as the position played from: the side that
/// moved is still the second half) and one sequence of single-die steps that reaches it, in the mover's
/// point numbers (25 the bar, 0 off).
/// </summary>
public struct Play
{
    private StepCells _steps;

    /// <summary>The position after the play, the mover still on the second half.</summary>
    public Position Result { get; internal set; }

    /// <summary>How many dice the play uses (0..4).</summary>
    public int StepCount { get; private set; }

    /// <summary>The start point of step <paramref name="k"/> (1..24, 25 the bar).</summary>
    public readonly int From(int k) => _steps[2 * k];

    /// <summary>The end point of step <paramref name="k"/> (1..24, 0 borne off).</summary>
    public readonly int To(int k) => _steps[2 * k + 1];

    internal void SetSteps(ReadOnlySpan<byte> fromTo, int count)
    {
        StepCount = count;
        for (int i = 0; i < 2 * count; i++) _steps[i] = fromTo[i];
    }
}
