using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bellman.Nn;

/// <summary>Small span helpers shared by the engine, optimizers and trainers.</summary>
public static class Numerics
{
    /// <summary>
    /// Whether any value is NaN or ±infinity. Vectorised: accumulates x − x, which is 0 for finite x and
    /// NaN otherwise, so the loop has no branch.
    /// </summary>
    public static bool HasNonFinite(ReadOnlySpan<float> values)
    {
        ref float r = ref MemoryMarshal.GetReference(values);
        int n = values.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref r, (nuint)i);
                acc += v - v;
            }
            if (!Vector512.EqualsAll(acc, Vector512<float>.Zero)) return true;
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref r, (nuint)i);
                acc += v - v;
            }
            if (!Vector256.EqualsAll(acc, Vector256<float>.Zero)) return true;
        }
        for (; i < n; i++)
        {
            if (!float.IsFinite(Unsafe.Add(ref r, i))) return true;
        }
        return false;
    }

    /// <summary>Whether any parameter's gradient holds a NaN or an infinity.</summary>
    public static bool GradHasNonFinite(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        for (int i = 0; i < parameters.Count; i++)
        {
            if (HasNonFinite(parameters[i].Grad)) return true;
        }
        return false;
    }

    /// <summary>
    /// The index of the largest value (the first one on ties; NaN is never chosen unless all are NaN).
    /// </summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) throw new ArgumentException("ArgMax of an empty span.", nameof(values));
        int best = 0;
        float bestValue = values[0];
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > bestValue || float.IsNaN(bestValue))
            {
                best = i;
                bestValue = values[i];
            }
        }
        return best;
    }

    /// <summary>The row-wise argmax of a row-major matrix with <paramref name="columns"/> columns.</summary>
    public static void ArgMaxRows(ReadOnlySpan<float> matrix, int columns, Span<int> destination)
    {
        if (columns <= 0 || matrix.Length % columns != 0)
            throw new ArgumentException($"ArgMaxRows: {matrix.Length} values do not form rows of {columns} columns.", nameof(columns));
        int rows = matrix.Length / columns;
        if (destination.Length < rows) throw new ArgumentException($"ArgMaxRows: destination has {destination.Length} slots, needs {rows}.", nameof(destination));
        for (int r = 0; r < rows; r++) destination[r] = ArgMax(matrix.Slice(r * columns, columns));
    }
}
