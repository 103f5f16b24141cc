namespace Bellman.Nn;

/// <summary>
/// A float32 array with a <see cref="Nn.Shape"/>, contiguous and row-major. A tensor is either a leaf
/// (a view over a <see cref="Parameter"/>'s Data and Grad, or an input copied into the graph) or the
/// output of an op recorded by a <see cref="Graph"/>. Tensors belong to their graph and are recycled by
/// <see cref="Graph.Reset"/>: do not keep one across a reset.
/// </summary>
public sealed class Tensor
{
    private float[] _ownData = [];
    private float[] _ownGrad = [];

    internal float[] DataArray = [];
    internal float[]? GradArray;
    internal int[] Ints = [];
    internal bool IsLeaf;
    internal bool Touched;
    internal int NodeIndex = -1;

    internal Tensor() { }

    /// <summary>The shape.</summary>
    public Shape Shape { get; private set; }

    /// <summary>The number of elements.</summary>
    public int Length { get; private set; }

    /// <summary>Whether a backward pass computes a gradient for this tensor.</summary>
    public bool RequiresGrad { get; internal set; }

    /// <summary>The values (writable, so that callers can fill inputs; do not modify a tensor an op has consumed).</summary>
    public Span<float> Data => DataArray.AsSpan(0, Length);

    /// <summary>The gradient after a backward pass (empty when the tensor does not require one).</summary>
    public Span<float> Grad => GradArray is null ? default : GradArray.AsSpan(0, Length);

    /// <summary>The single value of a one-element tensor (a loss).</summary>
    public float Item()
    {
        if (Length != 1) throw new InvalidOperationException($"Item() needs a one-element tensor, this one has shape {Shape}.");
        return DataArray[0];
    }

    /// <summary>Whether any value is NaN or infinite.</summary>
    public bool HasNonFinite() => Numerics.HasNonFinite(Data);

    /// <inheritdoc/>
    public override string ToString() => $"Tensor{Shape}{(RequiresGrad ? " requires_grad" : "")}";

    /// <summary>Makes this an op output (or an input) of <paramref name="shape"/> with its own buffers.</summary>
    internal void SetOwned(Shape shape)
    {
        Shape = shape;
        Length = shape.Size;
        if (_ownData.Length < Length) _ownData = new float[Length];
        DataArray = _ownData;
        GradArray = null;
        RequiresGrad = false;
        IsLeaf = false;
        Touched = false;
        NodeIndex = -1;
    }

    /// <summary>Makes this a leaf view over a parameter: gradients accumulate straight into <see cref="Parameter.Grad"/>.</summary>
    internal void SetParameter(Parameter p, bool track)
    {
        Shape = Shape.Of(p.Shape);
        Length = p.Size;
        DataArray = p.Data;
        GradArray = p.Grad;
        RequiresGrad = track && p.RequiresGrad;
        IsLeaf = true;
        Touched = false;
        NodeIndex = -1;
    }

    /// <summary>Makes this a view of <paramref name="source"/>'s values with another shape (own gradient buffer).</summary>
    internal void SetView(Tensor source, Shape shape)
    {
        Shape = shape;
        Length = shape.Size;
        DataArray = source.DataArray;
        GradArray = null;
        RequiresGrad = false;
        IsLeaf = false;
        Touched = false;
        NodeIndex = -1;
    }

    /// <summary>Points <see cref="GradArray"/> at this tensor's own gradient buffer, growing it if needed.</summary>
    internal void UseOwnGrad()
    {
        if (_ownGrad.Length < Length) _ownGrad = new float[Math.Max(Length, _ownData.Length)];
        GradArray = _ownGrad;
    }

    internal Span<int> EnsureInts(int n)
    {
        if (Ints.Length < n) Ints = new int[n];
        return Ints.AsSpan(0, n);
    }

    internal ReadOnlySpan<float> D => DataArray.AsSpan(0, Length);
}
