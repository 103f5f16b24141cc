namespace Bellman.Nn;

/// <summary>
/// A trainable array: its values, its accumulated gradient and a stable name ("0.weight", "0.bias").
/// Modules own parameters; optimizers update <see cref="Data"/> from <see cref="Grad"/>; checkpoints
/// save them by name. Both arrays are contiguous row-major float32 of <see cref="Shape"/>.
/// </summary>
public sealed class Parameter
{
    /// <summary>Creates a zero-initialised parameter.</summary>
    public Parameter(string name, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        int size = 1;
        foreach (int d in shape)
        {
            if (d <= 0) throw new ArgumentException($"Parameter '{name}' has a non-positive dimension in shape [{string.Join(", ", shape)}].", nameof(shape));
            size *= d;
        }
        Name = name;
        Shape = (int[])shape.Clone();
        Data = new float[size];
        Grad = new float[size];
    }

    /// <summary>The stable name, unique within a module tree.</summary>
    public string Name { get; internal set; }

    /// <summary>The shape.</summary>
    public int[] Shape { get; }

    /// <summary>The number of elements.</summary>
    public int Size => Data.Length;

    /// <summary>The values.</summary>
    public float[] Data { get; }

    /// <summary>The gradient accumulated by backward passes since the last <see cref="ZeroGrad"/>.</summary>
    public float[] Grad { get; }

    /// <summary>Whether backward passes accumulate into <see cref="Grad"/> (false for frozen parameters).</summary>
    public bool RequiresGrad { get; set; } = true;

    /// <summary>Sets the gradient to zero.</summary>
    public void ZeroGrad() => Array.Clear(Grad);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} [{string.Join(", ", Shape)}]";
}
