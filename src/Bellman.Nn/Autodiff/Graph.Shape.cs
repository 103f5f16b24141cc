using System.Numerics.Tensors;

namespace Bellman.Nn;

public sealed partial class Graph
{
    /// <summary>The same values with another shape of the same size (no copy).</summary>
    public Tensor Reshape(Tensor x, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (shape.Size != x.Length) throw new ArgumentException($"Reshape: shape {x.Shape} ({x.Length} elements) cannot become {shape} ({shape.Size} elements).", nameof(shape));
        Tensor y = Next();
        y.SetView(x, shape);
        if (Tracks(x)) Record(OpCode.View, y, x);
        return y;
    }

    /// <summary>[N, d1, d2, ...] → [N, d1·d2·...] (as <c>nn.Flatten</c>).</summary>
    public Tensor Flatten(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Shape.Rank < 1) throw new ArgumentException($"Flatten needs a batch axis, got shape {x.Shape}.", nameof(x));
        return Reshape(x, new Shape(x.Shape[0], x.Length / x.Shape[0]));
    }

    private void ViewBackward(ref Node n)
    {
        Tensor x = n.A!;
        if (!x.RequiresGrad) return;
        Span<float> dx = GradOf(x, out bool overwrite);
        if (overwrite) n.Out.Grad.CopyTo(dx);
        else TensorPrimitives.Add(dx, n.Out.Grad, dx);
    }

    /// <summary>Concatenates along the last (feature) axis: [.., n1] and [.., n2] → [.., n1 + n2] (critic input [s, a]).</summary>
    public Tensor Concat(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Shape.Rank == 0 || a.Shape.Rank != b.Shape.Rank) throw ShapeMismatch("Concat", a, b, "same rank ≥ 1 required");
        for (int i = 0; i < a.Shape.Rank - 1; i++)
        {
            if (a.Shape[i] != b.Shape[i]) throw ShapeMismatch("Concat", a, b, "all axes but the last must agree");
        }
        int na = a.Shape.Last, nb = b.Shape.Last, rows = a.Length / na, width = na + nb;
        Tensor y = NewOut(a.Shape.With(-1, width));
        ReadOnlySpan<float> xa = a.D, xb = b.D;
        Span<float> ys = y.Data;
        for (int r = 0; r < rows; r++)
        {
            xa.Slice(r * na, na).CopyTo(ys.Slice(r * width, na));
            xb.Slice(r * nb, nb).CopyTo(ys.Slice(r * width + na, nb));
        }
        if (Tracks(a, b)) Record(OpCode.Concat, y, a, b);
        return y;
    }

    private void ConcatBackward(ref Node n)
    {
        Tensor a = n.A!, b = n.B!;
        int na = a.Shape.Last, nb = b.Shape.Last, rows = a.Length / na, width = na + nb;
        ReadOnlySpan<float> dy = n.Out.Grad;
        Span<float> da = a.RequiresGrad ? GradOf(a) : default, db = b.RequiresGrad ? GradOf(b) : default;
        for (int r = 0; r < rows; r++)
        {
            if (a.RequiresGrad)
            {
                Span<float> d = da.Slice(r * na, na);
                TensorPrimitives.Add(d, dy.Slice(r * width, na), d);
            }
            if (b.RequiresGrad)
            {
                Span<float> d = db.Slice(r * nb, nb);
                TensorPrimitives.Add(d, dy.Slice(r * width + na, nb), d);
            }
        }
    }

    /// <summary>
    /// Picks one entry of each row along the last axis: y[r] = x[r, index[r]] (Q(s, a) out of Q(s, ·)).
    /// The indices are copied, so the caller may reuse its span.
    /// </summary>
    public Tensor Gather(Tensor x, ReadOnlySpan<int> index)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Shape.Rank < 1) throw new ArgumentException($"Gather needs at least one axis, got shape {x.Shape}.", nameof(x));
        int width = x.Shape.Last, rows = x.Length / width;
        if (index.Length != rows) throw new ArgumentException($"Gather: {index.Length} indices for shape {x.Shape} ({rows} rows).", nameof(index));
        Tensor y = NewOut(x.Shape.Rank == 1 ? Shape.Scalar : x.Shape.Reduce(-1, keepDim: false));
        Span<int> idx = y.EnsureInts(rows);
        ReadOnlySpan<float> xs = x.D;
        Span<float> ys = y.Data;
        for (int r = 0; r < rows; r++)
        {
            int j = index[r];
            if ((uint)j >= (uint)width) throw new ArgumentOutOfRangeException(nameof(index), j, $"Gather: index {j} at row {r} is outside [0, {width}) for shape {x.Shape}.");
            idx[r] = j;
            ys[r] = xs[r * width + j];
        }
        if (Tracks(x)) Record(OpCode.Gather, y, x);
        return y;
    }

    private void GatherBackward(ref Node n)
    {
        Tensor x = n.A!;
        if (!x.RequiresGrad) return;
        int width = x.Shape.Last;
        ReadOnlySpan<float> dy = n.Out.Grad;
        ReadOnlySpan<int> idx = n.Out.Ints;
        Span<float> dx = GradOf(x);
        for (int r = 0; r < dy.Length; r++) dx[r * width + idx[r]] += dy[r];
    }

    /// <summary>Softmax over the last axis, stabilised by subtracting the row maximum. Backward: dx = y ⊙ (dy − ⟨dy, y⟩).</summary>
    public Tensor Softmax(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Tensor y = NewOut(x.Shape);
        int width = x.Shape.Last, rows = x.Length / width;
        for (int r = 0; r < rows; r++) SoftmaxRow(x.D.Slice(r * width, width), y.Data.Slice(r * width, width));
        if (Tracks(x)) Record(OpCode.Softmax, y, x);
        return y;
    }

    /// <summary>log-softmax over the last axis: x − max − ln Σ e^(x − max). Backward: dx = dy − softmax(x) Σ dy.</summary>
    public Tensor LogSoftmax(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Tensor y = NewOut(x.Shape);
        int width = x.Shape.Last, rows = x.Length / width;
        for (int r = 0; r < rows; r++) LogSoftmaxRow(x.D.Slice(r * width, width), y.Data.Slice(r * width, width));
        if (Tracks(x)) Record(OpCode.LogSoftmax, y, x);
        return y;
    }

    internal static void SoftmaxRow(ReadOnlySpan<float> x, Span<float> y)
    {
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Exp(y, y);
        float sum = TensorPrimitives.Sum(y);
        TensorPrimitives.Divide(y, sum, y);
    }

    /// <summary>Writes the log-softmax of a row and returns its log-sum-exp.</summary>
    internal static float LogSoftmaxRow(ReadOnlySpan<float> x, Span<float> y)
    {
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        double sum = 0;
        for (int j = 0; j < y.Length; j++) sum += Math.Exp(y[j]);
        float logSum = (float)Math.Log(sum);
        TensorPrimitives.Subtract(y, logSum, y);
        return max + logSum;
    }

    private void SoftmaxBackward(ref Node n)
    {
        Tensor x = n.A!;
        if (!x.RequiresGrad) return;
        int width = x.Shape.Last, rows = x.Length / width;
        ReadOnlySpan<float> ys = n.Out.D, dy = n.Out.Grad;
        Span<float> dx = GradOf(x);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> yr = ys.Slice(r * width, width), dyr = dy.Slice(r * width, width);
            float dot = TensorPrimitives.Dot(dyr, yr);
            for (int j = 0; j < width; j++) dx[r * width + j] += yr[j] * (dyr[j] - dot);
        }
    }

    private void LogSoftmaxBackward(ref Node n)
    {
        Tensor x = n.A!;
        if (!x.RequiresGrad) return;
        int width = x.Shape.Last, rows = x.Length / width;
        ReadOnlySpan<float> ys = n.Out.D, dy = n.Out.Grad;
        Span<float> dx = GradOf(x);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> dyr = dy.Slice(r * width, width);
            float total = TensorPrimitives.Sum(dyr);
            for (int j = 0; j < width; j++) dx[r * width + j] += dyr[j] - MathF.Exp(ys[r * width + j]) * total;
        }
    }
}
