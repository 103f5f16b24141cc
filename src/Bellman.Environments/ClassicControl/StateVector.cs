using System.Globalization;

namespace Bellman.Environments.ClassicControl;

/// <summary>Checks and formatting shared by the classic-control environments' explicit states.</summary>
internal static class StateVector
{
    /// <summary>
    /// Throws an <see cref="ArgumentException"/> unless <paramref name="state"/> has
    /// <paramref name="expectedLength"/> finite elements; the message names the environment and the layout.
    /// </summary>
    public static void Validate(string env, ReadOnlySpan<double> state, int expectedLength, string layout)
    {
        if (state.Length != expectedLength)
            throw new ArgumentException($"{env}: the state has {state.Length} elements, but {expectedLength} are expected ({layout}).", nameof(state));
        for (int i = 0; i < state.Length; i++)
        {
            if (!double.IsFinite(state[i]))
                throw new ArgumentException($"{env}: state element {i} is {state[i].ToString(CultureInfo.InvariantCulture)}; every element of ({layout}) must be finite.", nameof(state));
        }
    }

    /// <summary>Formats a value for <c>Render</c>: four decimals, invariant culture.</summary>
    public static string Format(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
