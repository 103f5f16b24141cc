namespace Bellman.Nn.Layers;

/// <summary>Weight initialisers (PyTorch's formulas), all drawing from an explicit generator.</summary>
public static class Init
{
    /// <summary>Fills with U(−bound, bound).</summary>
    public static void Uniform(Parameter p, float bound, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(random);
        for (int i = 0; i < p.Size; i++) p.Data[i] = (float)((2.0 * random.NextDouble() - 1.0) * bound);
    }

    /// <summary>
    /// PyTorch's default for Linear and Conv2d: kaiming_uniform(a = √5) for weights, whose bound
    /// gain·√(3 / fan_in) with gain = √(2 / (1 + a²)) = √(1/3) equals 1/√fan_in; biases use the same bound.
    /// </summary>
    public static void PyTorchDefault(Parameter p, int fanIn, IRandomSource random)
    {
        if (fanIn <= 0) throw new ArgumentOutOfRangeException(nameof(fanIn), fanIn, "fan_in must be positive.");
        Uniform(p, 1f / MathF.Sqrt(fanIn), random);
    }

    /// <summary>Sets every value to <paramref name="value"/>.</summary>
    public static void Constant(Parameter p, float value)
    {
        ArgumentNullException.ThrowIfNull(p);
        Array.Fill(p.Data, value);
    }

    /// <summary>
    /// Orthogonal initialisation (Saxe et al. 2014; <c>nn.init.orthogonal_</c>, used by SB3's A2C/PPO):
    /// view the parameter as rows = shape[0] by cols = size/rows, draw a standard normal matrix, take the
    /// Q factor of its QR decomposition (of its transpose when rows &lt; cols) with the signs fixed so that
    /// diag(R) &gt; 0, and scale by <paramref name="gain"/>. Rows (or columns) come out orthonormal·gain.
    /// </summary>
    public static void Orthogonal(Parameter p, float gain, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(random);
        if (p.Shape.Length < 2) throw new ArgumentException($"Orthogonal initialisation needs at least 2 dimensions, got {p}.", nameof(p));
        int rows = p.Shape[0], cols = p.Size / rows;
        bool transpose = rows < cols;
        int m = transpose ? cols : rows, n = transpose ? rows : cols; // m ≥ n: orthonormalise n columns of length m
        var a = new double[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = random.NextNormal();
        // Modified Gram–Schmidt on the columns of a (m×n, row-major); yields Q with diag(R) > 0.
        for (int j = 0; j < n; j++)
        {
            for (int k = 0; k < j; k++)
            {
                double dot = 0;
                for (int i = 0; i < m; i++) dot += a[i * n + j] * a[i * n + k];
                for (int i = 0; i < m; i++) a[i * n + j] -= dot * a[i * n + k];
            }
            double norm = 0;
            for (int i = 0; i < m; i++) norm += a[i * n + j] * a[i * n + j];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < m; i++) a[i * n + j] /= norm;
        }
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            p.Data[r * cols + c] = (float)(gain * (transpose ? a[c * n + r] : a[r * n + c]));
    }
}
