namespace Bellman.Nn;

/// <summary>
/// The shape of a <see cref="Tensor"/>: rank 0 (a scalar) to 4 (NCHW images), every dimension positive.
/// A value type so that ops can build shapes without allocating.
/// </summary>
public readonly struct Shape : IEquatable<Shape>
{
    /// <summary>The largest supported rank.</summary>
    public const int MaxRank = 4;

    private readonly int _d0, _d1, _d2, _d3;

    /// <summary>A rank-1 shape [d0].</summary>
    public Shape(int d0) : this(1, d0, 1, 1, 1) { }

    /// <summary>A rank-2 shape [d0, d1] (rows, columns).</summary>
    public Shape(int d0, int d1) : this(2, d0, d1, 1, 1) { }

    /// <summary>A rank-3 shape [d0, d1, d2].</summary>
    public Shape(int d0, int d1, int d2) : this(3, d0, d1, d2, 1) { }

    /// <summary>A rank-4 shape [d0, d1, d2, d3] (N, C, H, W).</summary>
    public Shape(int d0, int d1, int d2, int d3) : this(4, d0, d1, d2, d3) { }

    private Shape(int rank, int d0, int d1, int d2, int d3)
    {
        if (d0 <= 0 || d1 <= 0 || d2 <= 0 || d3 <= 0)
            throw new ArgumentException($"Shape dimensions must be positive, got [{string.Join(", ", new[] { d0, d1, d2, d3 }[..rank])}].");
        Rank = rank;
        (_d0, _d1, _d2, _d3) = (d0, d1, d2, d3);
    }

    /// <summary>The rank-0 shape of a scalar (one element).</summary>
    public static Shape Scalar => default;

    /// <summary>The number of dimensions.</summary>
    public int Rank { get; }

    /// <summary>The number of elements: the product of the dimensions (1 for a scalar).</summary>
    public int Size => Rank == 0 ? 1 : _d0 * _d1 * _d2 * _d3;

    /// <summary>The last dimension (1 for a scalar).</summary>
    public int Last => Rank == 0 ? 1 : this[Rank - 1];

    /// <summary>Dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis]
    {
        get
        {
            int a = NormalizeAxis(axis);
            return a switch { 0 => _d0, 1 => _d1, 2 => _d2, _ => _d3 };
        }
    }

    /// <summary>Builds a shape from a list of dimensions (rank 0 to 4).</summary>
    public static Shape Of(ReadOnlySpan<int> dims) => dims.Length switch
    {
        0 => Scalar,
        1 => new Shape(dims[0]),
        2 => new Shape(dims[0], dims[1]),
        3 => new Shape(dims[0], dims[1], dims[2]),
        4 => new Shape(dims[0], dims[1], dims[2], dims[3]),
        _ => throw new ArgumentException($"Rank {dims.Length} is not supported (at most {MaxRank}): [{string.Join(", ", dims.ToArray())}]."),
    };

    /// <summary>The axis in [0, Rank) that <paramref name="axis"/> denotes (negative axes count from the end).</summary>
    public int NormalizeAxis(int axis)
    {
        int a = axis < 0 ? axis + Rank : axis;
        if (a < 0 || a >= Rank) throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Axis {axis} is out of range for shape {this}.");
        return a;
    }

    /// <summary>This shape without dimension <paramref name="axis"/> (or with it set to 1 when <paramref name="keepDim"/>).</summary>
    public Shape Reduce(int axis, bool keepDim)
    {
        int a = NormalizeAxis(axis);
        Span<int> dims = stackalloc int[MaxRank];
        int r = 0;
        for (int i = 0; i < Rank; i++)
        {
            if (i != a) dims[r++] = this[i];
            else if (keepDim) dims[r++] = 1;
        }
        return Of(dims[..r]);
    }

    /// <summary>This shape with dimension <paramref name="axis"/> replaced by <paramref name="value"/>.</summary>
    public Shape With(int axis, int value)
    {
        int a = NormalizeAxis(axis);
        Span<int> dims = stackalloc int[MaxRank];
        for (int i = 0; i < Rank; i++) dims[i] = i == a ? value : this[i];
        return Of(dims[..Rank]);
    }

    /// <summary>The product of the dimensions before <paramref name="axis"/>.</summary>
    internal int Outer(int axis)
    {
        int p = 1;
        for (int i = 0; i < axis; i++) p *= this[i];
        return p;
    }

    /// <summary>The product of the dimensions after <paramref name="axis"/>.</summary>
    internal int Inner(int axis)
    {
        int p = 1;
        for (int i = axis + 1; i < Rank; i++) p *= this[i];
        return p;
    }

    /// <summary>The dimensions as a new array.</summary>
    public int[] ToArray()
    {
        var dims = new int[Rank];
        for (int i = 0; i < Rank; i++) dims[i] = this[i];
        return dims;
    }

    /// <inheritdoc/>
    public bool Equals(Shape other) => Rank == other.Rank && _d0 == other._d0 && _d1 == other._d1 && _d2 == other._d2 && _d3 == other._d3;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Rank, _d0, _d1, _d2, _d3);

    /// <summary>Shape equality.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>Shape inequality.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>The shape as "[64, 4]" ("[]" for a scalar).</summary>
    public override string ToString() => "[" + string.Join(", ", ToArray()) + "]";
}
