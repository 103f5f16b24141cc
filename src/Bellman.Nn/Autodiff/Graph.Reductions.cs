using System.Numerics.Tensors;

namespace Bellman.Nn;

public sealed partial class Graph
{
    /// <summary>The sum of all elements, a scalar.</summary>
    public Tensor Sum(Tensor x) => SumAll(x, 1f);

    /// <summary>The mean of all elements, a scalar.</summary>
    public Tensor Mean(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return SumAll(x, 1f / x.Length);
    }

    private Tensor SumAll(Tensor x, float scale)
    {
        ArgumentNullException.ThrowIfNull(x);
        Tensor y = NewOut(Shape.Scalar);
        y.Data[0] = TensorPrimitives.Sum(x.D) * scale;
        if (Tracks(x)) Record(OpCode.SumAll, y, x).F0 = scale;
        return y;
    }

    private void SumAllBackward(ref Node n)
    {
        Tensor x = n.A!;
        if (!x.RequiresGrad) return;
        Span<float> dx = GradOf(x);
        TensorPrimitives.Add(dx, n.Out.Grad[0] * n.F0, dx);
    }

    /// <summary>The sum over <paramref name="axis"/> (removed, or kept with size 1 when <paramref name="keepDim"/>).</summary>
    public Tensor Sum(Tensor x, int axis, bool keepDim = false) => SumAxis(x, axis, keepDim, mean: false);

    /// <summary>The mean over <paramref name="axis"/> (removed, or kept with size 1 when <paramref name="keepDim"/>).</summary>
    public Tensor Mean(Tensor x, int axis, bool keepDim = false) => SumAxis(x, axis, keepDim, mean: true);

    private Tensor SumAxis(Tensor x, int axis, bool keepDim, bool mean)
    {
        ArgumentNullException.ThrowIfNull(x);
        int a = x.Shape.NormalizeAxis(axis);
        int outer = x.Shape.Outer(a), len = x.Shape[a], inner = x.Shape.Inner(a);
        float scale = mean ? 1f / len : 1f;
        Tensor y = NewOut(x.Shape.Reduce(a, keepDim));
        ReadOnlySpan<float> xs = x.D;
        Span<float> ys = y.Data;
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) ys[o] = TensorPrimitives.Sum(xs.Slice(o * len, len)) * scale;
        }
        else
        {
            ys.Clear();
            for (int o = 0; o < outer; o++)
            {
                Span<float> dst = ys.Slice(o * inner, inner);
                for (int i = 0; i < len; i++) TensorPrimitives.Add(dst, xs.Slice((o * len + i) * inner, inner), dst);
                if (mean) TensorPrimitives.Multiply(dst, scale, dst);
            }
        }
        if (Tracks(x))
        {
            ref Node n = ref Record(OpCode.SumAxis, y, x);
            (n.I0, n.I1, n.I2, n.F0) = (outer, len, inner, scale);
        }
        return y;
    }

    private void SumAxisBackward(ref Node n)
    {
        Tensor x = n.A!;
        if (!x.RequiresGrad) return;
        int outer = n.I0, len = n.I1, inner = n.I2;
        ReadOnlySpan<float> dy = n.Out.Grad;
        Span<float> dx = GradOf(x);
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < len; i++)
            {
                Span<float> d = dx.Slice((o * len + i) * inner, inner);
                TensorPrimitives.MultiplyAdd(dy.Slice(o * inner, inner), n.F0, d, d);
            }
        }
    }

    /// <summary>
    /// The maximum over <paramref name="axis"/> (max_a Q(s, a) for a DQN target), taken at <see cref="Numerics.ArgMax"/>'s
    /// position (the first maximum; NaN propagates), where the gradient flows.
    /// </summary>
    public Tensor Max(Tensor x, int axis, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        int a = x.Shape.NormalizeAxis(axis);
        int outer = x.Shape.Outer(a), len = x.Shape[a], inner = x.Shape.Inner(a);
        Tensor y = NewOut(x.Shape.Reduce(a, keepDim));
        ReadOnlySpan<float> xs = x.D;
        Span<float> ys = y.Data;
        bool track = Tracks(x);
        Span<int> arg = track ? y.EnsureInts(outer * inner) : default;
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int baseIndex = o * len * inner + i;
                int at = baseIndex + Numerics.ArgMaxStrided(xs[baseIndex..], len, inner) * inner;
                ys[o * inner + i] = xs[at];
                if (track) arg[o * inner + i] = at;
            }
        }
        if (track) Record(OpCode.MaxAxis, y, x);
        return y;
    }

    private void MaxAxisBackward(ref Node n)
    {
        Tensor x = n.A!;
        if (!x.RequiresGrad) return;
        ReadOnlySpan<float> dy = n.Out.Grad;
        ReadOnlySpan<int> arg = n.Out.Ints;
        Span<float> dx = GradOf(x);
        for (int k = 0; k < dy.Length; k++) dx[arg[k]] += dy[k];
    }

    /// <summary>
    /// Writes the index of the largest value of each row of <paramref name="x"/> (its last axis) into
    /// <paramref name="destination"/> (greedy actions). Not an op: nothing is recorded.
    /// </summary>
    public static void ArgMax(Tensor x, Span<int> destination)
    {
        ArgumentNullException.ThrowIfNull(x);
        Numerics.ArgMaxRows(x.D, x.Shape.Last, destination);
    }

    /// <summary>
    /// Writes the position along <paramref name="axis"/> of the largest value for every other index, in
    /// row-major order of the reduced shape, by <see cref="Numerics.ArgMax"/>'s rule (the first maximum on ties, the first NaN
    /// if any). Not an op: nothing is recorded.
    /// </summary>
    public static void ArgMax(Tensor x, int axis, Span<int> destination)
    {
        ArgumentNullException.ThrowIfNull(x);
        int a = x.Shape.NormalizeAxis(axis);
        int outer = x.Shape.Outer(a), len = x.Shape[a], inner = x.Shape.Inner(a);
        if (destination.Length < outer * inner)
            throw new ArgumentException($"ArgMax over axis {axis} of {x.Shape} needs {outer * inner} slots, destination has {destination.Length}.", nameof(destination));
        ReadOnlySpan<float> xs = x.D;
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int baseIndex = o * len * inner + i;
                destination[o * inner + i] = Numerics.ArgMaxStrided(xs[baseIndex..], len, inner);
            }
        }
    }
}
