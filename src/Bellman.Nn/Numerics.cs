using System.Buffers;
using System.Numerics.Tensors;

namespace Bellman.Nn;

/// <summary>Small span helpers shared by the engine, optimizers and trainers.</summary>
public static class Numerics
{
    /// <summary>
    /// Whether any value is NaN or ±infinity (<see cref="TensorPrimitives.IsFiniteAll{T}(ReadOnlySpan{T})"/>, which is
    /// false for an empty span: an empty span has no non-finite value).
    /// </summary>
    public static bool HasNonFinite(ReadOnlySpan<float> values) => !values.IsEmpty && !TensorPrimitives.IsFiniteAll(values);

    /// <summary>
    /// The engine's one argmax, <see cref="TensorPrimitives.IndexOfMax(ReadOnlySpan{float})"/>, whose rule is IEEE 754:2019
    /// <c>maximum</c>: the index of the largest value, the first one on ties; a NaN counts as larger than every number,
    /// so the first NaN wins (a diverged Q-network shows as a NaN choice, as with torch.argmax); +0 counts as larger
    /// than −0. Greedy actions, row-wise and axis argmax and the routing of <c>Graph.Max</c>'s gradient all use it.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty.</exception>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) throw new ArgumentException("ArgMax of an empty span.", nameof(values));
        return TensorPrimitives.IndexOfMax(values);
    }

    /// <summary>The row-wise <see cref="ArgMax"/> of a row-major matrix with <paramref name="columns"/> columns.</summary>
    public static void ArgMaxRows(ReadOnlySpan<float> matrix, int columns, Span<int> destination)
    {
        if (columns <= 0 || matrix.Length % columns != 0)
            throw new ArgumentException($"ArgMaxRows: {matrix.Length} values do not form rows of {columns} columns.", nameof(columns));
        int rows = matrix.Length / columns;
        if (destination.Length < rows) throw new ArgumentException($"ArgMaxRows: destination has {destination.Length} slots, needs {rows}.", nameof(destination));
        for (int r = 0; r < rows; r++) destination[r] = TensorPrimitives.IndexOfMax(matrix.Slice(r * columns, columns));
    }

    /// <summary>
    /// <see cref="ArgMax"/> of values[0], values[stride], …, values[(length − 1)·stride] (an axis that is not the last):
    /// the strided values are gathered into a buffer (on the stack up to 256) and passed to the same argmax.
    /// </summary>
    internal static int ArgMaxStrided(ReadOnlySpan<float> values, int length, int stride)
    {
        if (stride == 1) return ArgMax(values[..length]);
        float[]? rented = length > 256 ? ArrayPool<float>.Shared.Rent(length) : null;
        Span<float> buffer = rented is null ? stackalloc float[256] : rented;
        buffer = buffer[..length];
        for (int j = 0; j < length; j++) buffer[j] = values[j * stride];
        int best = ArgMax(buffer);
        if (rented is not null) ArrayPool<float>.Shared.Return(rented);
        return best;
    }
}
