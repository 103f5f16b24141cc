using System.Numerics.Tensors;

namespace Bellman.Nn;

public sealed partial class Graph
{
    /// <summary>max(x, 0).</summary>
    public Tensor Relu(Tensor x) => Unary(OpCode.Relu, x);

    /// <summary>tanh(x); dy/dx = 1 − y².</summary>
    public Tensor Tanh(Tensor x) => Unary(OpCode.Tanh, x);

    /// <summary>σ(x) = 1 / (1 + e^−x); dy/dx = y (1 − y).</summary>
    public Tensor Sigmoid(Tensor x) => Unary(OpCode.Sigmoid, x);

    /// <summary>SiLU (sigmoid-weighted linear unit, Elfwing et al. 2018): x·σ(x); dy/dx = σ(x)(1 + x(1 − σ(x))), which is dSiLU(x).</summary>
    public Tensor Silu(Tensor x) => Unary(OpCode.Silu, x);

    /// <summary>dSiLU (Elfwing et al. 2018), the derivative of SiLU used as an activation: σ(x)(1 + x(1 − σ(x))); dy/dx = σ(x)(1 − σ(x))(2 + x(1 − 2σ(x))).</summary>
    public Tensor DSilu(Tensor x) => Unary(OpCode.DSilu, x);

    /// <summary>e^x; dy/dx = y.</summary>
    public Tensor Exp(Tensor x) => Unary(OpCode.Exp, x);

    /// <summary>ln x; dy/dx = 1 / x.</summary>
    public Tensor Log(Tensor x) => Unary(OpCode.Log, x);

    /// <summary>softplus(x) = ln(1 + e^x), computed as max(x, 0) + ln(1 + e^−|x|); dy/dx = σ(x).</summary>
    public Tensor Softplus(Tensor x) => Unary(OpCode.Softplus, x);

    /// <summary>min(max(x, low), high); the gradient passes where low ≤ x ≤ high (as PyTorch).</summary>
    public Tensor Clamp(Tensor x, float low, float high)
    {
        if (!(low <= high)) throw new ArgumentException($"Clamp: low {low} must not exceed high {high}.");
        return Unary(OpCode.Clamp, x, low, high);
    }

    /// <summary>|x|; dy/dx = sign(x) (0 at 0).</summary>
    public Tensor Abs(Tensor x) => Unary(OpCode.Abs, x);

    /// <summary>x²; dy/dx = 2x.</summary>
    public Tensor Square(Tensor x) => Unary(OpCode.Square, x);

    /// <summary>√x; dy/dx = 1 / (2y).</summary>
    public Tensor Sqrt(Tensor x) => Unary(OpCode.Sqrt, x);

    /// <summary>s·x.</summary>
    public Tensor Scale(Tensor x, float s) => Unary(OpCode.Scale, x, s);

    /// <summary>−x.</summary>
    public Tensor Neg(Tensor x) => Unary(OpCode.Scale, x, -1f);

    /// <summary>x + s.</summary>
    public Tensor AddScalar(Tensor x, float s) => Unary(OpCode.AddScalar, x, s);

    private Tensor Unary(OpCode op, Tensor x, float f0 = 0, float f1 = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        Tensor y = NewOut(x.Shape);
        ReadOnlySpan<float> xs = x.D;
        Span<float> ys = y.Data;
        switch (op)
        {
            case OpCode.Relu: Simd.Relu(xs, ys); break;
            case OpCode.Tanh: TensorPrimitives.Tanh(xs, ys); break;
            case OpCode.Sigmoid: TensorPrimitives.Sigmoid(xs, ys); break;
            case OpCode.Silu: for (int i = 0; i < xs.Length; i++) ys[i] = xs[i] * SigmoidScalar(xs[i]); break;
            case OpCode.DSilu: for (int i = 0; i < xs.Length; i++) ys[i] = DSiluScalar(xs[i]); break;
            case OpCode.Exp: TensorPrimitives.Exp(xs, ys); break;
            case OpCode.Log: TensorPrimitives.Log(xs, ys); break;
            case OpCode.Softplus: for (int i = 0; i < xs.Length; i++) ys[i] = SoftplusScalar(xs[i]); break;
            case OpCode.Clamp: TensorPrimitives.Max(xs, f0, ys); TensorPrimitives.Min(ys, f1, ys); break;
            case OpCode.Abs: TensorPrimitives.Abs(xs, ys); break;
            case OpCode.Square: TensorPrimitives.Multiply(xs, xs, ys); break;
            case OpCode.Sqrt: TensorPrimitives.Sqrt(xs, ys); break;
            case OpCode.Scale: TensorPrimitives.Multiply(xs, f0, ys); break;
            case OpCode.AddScalar: TensorPrimitives.Add(xs, f0, ys); break;
            default: throw new InvalidOperationException($"{op} is not unary.");
        }
        if (Tracks(x))
        {
            ref Node n = ref Record(op, y, x);
            n.F0 = f0;
            n.F1 = f1;
        }
        return y;
    }

    /// <summary>σ(x) = 1 / (1 + e^−x) in float.</summary>
    internal static float SigmoidScalar(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>dSiLU(x) = σ(x)(1 + x(1 − σ(x))) in float.</summary>
    internal static float DSiluScalar(float x)
    {
        float s = SigmoidScalar(x);
        return s * (1f + x * (1f - s));
    }

    /// <summary>softplus in float with a double-precision tail: max(x, 0) + ln(1 + e^−|x|).</summary>
    internal static float SoftplusScalar(float x)
    {
        double t = Math.Exp(-Math.Abs((double)x));
        double log1p = t < 1e-4 ? t - 0.5 * t * t : Math.Log(1.0 + t);
        return (float)(Math.Max(x, 0.0) + log1p);
    }

    private void UnaryBackward(ref Node n)
    {
        Tensor x = n.A!;
        if (!x.RequiresGrad) return;
        ReadOnlySpan<float> xs = x.D, ys = n.Out.D, dy = n.Out.Grad;
        switch (n.Op)
        {
            case OpCode.Relu:
            {
                Span<float> dxw = GradOf(x, out bool overwrite);
                Simd.ReluBackward(ys, dy, dxw, overwrite);
                return;
            }
            case OpCode.Tanh:
            {
                Span<float> dxw = GradOf(x, out bool overwrite);
                Span<float> s = Scratch(xs.Length);
                TensorPrimitives.Multiply(ys, ys, s);
                TensorPrimitives.Subtract(1f, s, s);
                if (overwrite) TensorPrimitives.Multiply(dy, s, dxw);
                else TensorPrimitives.MultiplyAdd(dy, s, dxw, dxw);
                return;
            }
        }
        Span<float> dx = GradOf(x);
        switch (n.Op)
        {
            case OpCode.Sigmoid:
            {
                Span<float> s = Scratch(xs.Length);
                TensorPrimitives.Multiply(ys, ys, s);
                TensorPrimitives.Subtract(ys, s, s);
                TensorPrimitives.MultiplyAdd(dy, s, dx, dx);
                break;
            }
            case OpCode.Silu:
                for (int i = 0; i < xs.Length; i++) dx[i] += dy[i] * DSiluScalar(xs[i]);
                break;
            case OpCode.DSilu:
                for (int i = 0; i < xs.Length; i++)
                {
                    float s = SigmoidScalar(xs[i]);
                    dx[i] += dy[i] * (s * (1f - s) * (2f + xs[i] * (1f - 2f * s)));
                }
                break;
            case OpCode.Exp:
                TensorPrimitives.MultiplyAdd(dy, ys, dx, dx);
                break;
            case OpCode.Log:
            {
                Span<float> s = Scratch(xs.Length);
                TensorPrimitives.Divide(dy, xs, s);
                TensorPrimitives.Add(dx, s, dx);
                break;
            }
            case OpCode.Softplus:
                for (int i = 0; i < xs.Length; i++) dx[i] += dy[i] / (1f + MathF.Exp(-xs[i]));
                break;
            case OpCode.Clamp:
                for (int i = 0; i < xs.Length; i++)
                {
                    if (xs[i] >= n.F0 && xs[i] <= n.F1) dx[i] += dy[i];
                }
                break;
            case OpCode.Abs:
                for (int i = 0; i < xs.Length; i++) dx[i] += xs[i] > 0 ? dy[i] : xs[i] < 0 ? -dy[i] : 0f;
                break;
            case OpCode.Square:
            {
                Span<float> s = Scratch(xs.Length);
                TensorPrimitives.Multiply(xs, 2f, s);
                TensorPrimitives.MultiplyAdd(dy, s, dx, dx);
                break;
            }
            case OpCode.Sqrt:
            {
                Span<float> s = Scratch(xs.Length);
                TensorPrimitives.Divide(dy, ys, s);
                TensorPrimitives.MultiplyAdd(s, 0.5f, dx, dx);
                break;
            }
            case OpCode.Scale:
                TensorPrimitives.MultiplyAdd(dy, n.F0, dx, dx);
                break;
            case OpCode.AddScalar:
                TensorPrimitives.Add(dx, dy, dx);
                break;
        }
    }

    /// <summary>a + b, with broadcasting (shapes aligned from the right; each dimension equal or 1).</summary>
    public Tensor Add(Tensor a, Tensor b) => Binary(OpCode.Add, a, b);

    /// <summary>a − b, with broadcasting.</summary>
    public Tensor Sub(Tensor a, Tensor b) => Binary(OpCode.Sub, a, b);

    /// <summary>a · b elementwise, with broadcasting.</summary>
    public Tensor Mul(Tensor a, Tensor b) => Binary(OpCode.Mul, a, b);

    /// <summary>a / b elementwise, with broadcasting.</summary>
    public Tensor Div(Tensor a, Tensor b) => Binary(OpCode.Div, a, b);

    /// <summary>min(a, b) elementwise (TD3's twin-critic minimum); at ties the gradient is split in halves.</summary>
    public Tensor Minimum(Tensor a, Tensor b) => Binary(OpCode.Minimum, a, b);

    /// <summary>max(a, b) elementwise; at ties the gradient is split in halves.</summary>
    public Tensor Maximum(Tensor a, Tensor b) => Binary(OpCode.Maximum, a, b);

    /// <summary>Adds a bias vector along the last axis: y[.., j] = x[.., j] + b[j].</summary>
    public Tensor AddBias(Tensor x, Tensor bias)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(bias);
        if (bias.Shape.Rank != 1 || bias.Length != x.Shape.Last) throw ShapeMismatch("AddBias", x, bias, "bias must be a vector as long as the last axis");
        return Binary(OpCode.Add, x, bias);
    }

    private Tensor Binary(OpCode op, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Tensor y;
        if (a.Shape == b.Shape)
        {
            y = NewOut(a.Shape);
            ReadOnlySpan<float> x1 = a.D, x2 = b.D;
            Span<float> ys = y.Data;
            switch (op)
            {
                case OpCode.Add: TensorPrimitives.Add(x1, x2, ys); break;
                case OpCode.Sub: TensorPrimitives.Subtract(x1, x2, ys); break;
                case OpCode.Mul: TensorPrimitives.Multiply(x1, x2, ys); break;
                case OpCode.Div: TensorPrimitives.Divide(x1, x2, ys); break;
                case OpCode.Minimum: for (int i = 0; i < ys.Length; i++) ys[i] = MathF.Min(x1[i], x2[i]); break;
                case OpCode.Maximum: for (int i = 0; i < ys.Length; i++) ys[i] = MathF.Max(x1[i], x2[i]); break;
            }
        }
        else if (IsScalarOperand(a, b))
        {
            // Fast path: b holds one value (α·x, x − c).
            y = NewOut(a.Shape);
            ReadOnlySpan<float> x1 = a.D;
            Span<float> ys = y.Data;
            float s = b.DataArray[0];
            switch (op)
            {
                case OpCode.Add: TensorPrimitives.Add(x1, s, ys); break;
                case OpCode.Sub: TensorPrimitives.Subtract(x1, s, ys); break;
                case OpCode.Mul: TensorPrimitives.Multiply(x1, s, ys); break;
                case OpCode.Div: TensorPrimitives.Divide(x1, s, ys); break;
                default: for (int i = 0; i < ys.Length; i++) ys[i] = BinaryValue(op, x1[i], s); break;
            }
        }
        else
        {
            var bc = Broadcast.Create(a.Shape, b.Shape, op);
            y = NewOut(bc.OutShape);
            ReadOnlySpan<float> x1 = a.D, x2 = b.D;
            Span<float> ys = y.Data;
            int k = 0;
            for (int i0 = 0; i0 < bc.N0; i0++)
            for (int i1 = 0; i1 < bc.N1; i1++)
            for (int i2 = 0; i2 < bc.N2; i2++)
            for (int i3 = 0; i3 < bc.N3; i3++, k++)
                ys[k] = BinaryValue(op, x1[bc.IndexA(i0, i1, i2, i3)], x2[bc.IndexB(i0, i1, i2, i3)]);
        }
        if (Tracks(a, b)) Record(op, y, a, b);
        return y;
    }

    /// <summary>Whether b is a single value broadcast over all of a (b's rank not above a's, so the output has a's shape).</summary>
    private static bool IsScalarOperand(Tensor a, Tensor b) => b.Length == 1 && b.Shape.Rank <= a.Shape.Rank;

    private static float BinaryValue(OpCode op, float a, float b) => op switch
    {
        OpCode.Add => a + b,
        OpCode.Sub => a - b,
        OpCode.Mul => a * b,
        OpCode.Div => a / b,
        OpCode.Minimum => MathF.Min(a, b),
        _ => MathF.Max(a, b),
    };

    /// <summary>(∂y/∂a, ∂y/∂b) of a binary op at (a, b).</summary>
    private static (float, float) BinaryPartials(OpCode op, float a, float b) => op switch
    {
        OpCode.Add => (1f, 1f),
        OpCode.Sub => (1f, -1f),
        OpCode.Mul => (b, a),
        OpCode.Div => (1f / b, -a / (b * b)),
        OpCode.Minimum => a < b ? (1f, 0f) : a > b ? (0f, 1f) : (0.5f, 0.5f),
        _ => a > b ? (1f, 0f) : a < b ? (0f, 1f) : (0.5f, 0.5f),
    };

    private void BinaryBackward(ref Node n)
    {
        Tensor a = n.A!, b = n.B!;
        ReadOnlySpan<float> x1 = a.D, x2 = b.D, dy = n.Out.Grad;
        Span<float> da = a.RequiresGrad ? GradOf(a) : default;
        Span<float> db = b.RequiresGrad ? GradOf(b) : default;
        if (a.Shape == b.Shape)
        {
            switch (n.Op)
            {
                case OpCode.Add:
                    if (a.RequiresGrad) TensorPrimitives.Add(da, dy, da);
                    if (b.RequiresGrad) TensorPrimitives.Add(db, dy, db);
                    return;
                case OpCode.Sub:
                    if (a.RequiresGrad) TensorPrimitives.Add(da, dy, da);
                    if (b.RequiresGrad) TensorPrimitives.Subtract(db, dy, db);
                    return;
                case OpCode.Mul:
                    if (a.RequiresGrad) TensorPrimitives.MultiplyAdd(dy, x2, da, da);
                    if (b.RequiresGrad) TensorPrimitives.MultiplyAdd(dy, x1, db, db);
                    return;
                case OpCode.Div:
                {
                    Span<float> s = Scratch(dy.Length);
                    TensorPrimitives.Divide(dy, x2, s); // dy / b
                    if (a.RequiresGrad) TensorPrimitives.Add(da, s, da);
                    if (b.RequiresGrad)
                    {
                        TensorPrimitives.Multiply(s, n.Out.D, s); // dy · a / b²
                        TensorPrimitives.Subtract(db, s, db);
                    }
                    return;
                }
                default:
                    for (int i = 0; i < dy.Length; i++)
                    {
                        var (pa, pb) = BinaryPartials(n.Op, x1[i], x2[i]);
                        if (a.RequiresGrad) da[i] += dy[i] * pa;
                        if (b.RequiresGrad) db[i] += dy[i] * pb;
                    }
                    return;
            }
        }
        if (IsScalarOperand(a, b))
        {
            float s = b.DataArray[0];
            double sumB = 0;
            for (int i = 0; i < dy.Length; i++)
            {
                var (pa, pb) = BinaryPartials(n.Op, x1[i], s);
                if (a.RequiresGrad) da[i] += dy[i] * pa;
                sumB += dy[i] * pb;
            }
            if (b.RequiresGrad) db[0] += (float)sumB;
            return;
        }
        var bc = Broadcast.Create(a.Shape, b.Shape, n.Op);
        int k = 0;
        for (int i0 = 0; i0 < bc.N0; i0++)
        for (int i1 = 0; i1 < bc.N1; i1++)
        for (int i2 = 0; i2 < bc.N2; i2++)
        for (int i3 = 0; i3 < bc.N3; i3++, k++)
        {
            int ia = bc.IndexA(i0, i1, i2, i3), ib = bc.IndexB(i0, i1, i2, i3);
            var (pa, pb) = BinaryPartials(n.Op, x1[ia], x2[ib]);
            if (a.RequiresGrad) da[ia] += dy[k] * pa;
            if (b.RequiresGrad) db[ib] += dy[k] * pb;
        }
    }

    /// <summary>Broadcasting of two shapes padded on the left to rank 4; strides are 0 along broadcast axes.</summary>
    private readonly struct Broadcast
    {
        public readonly Shape OutShape;
        public readonly int N0, N1, N2, N3;
        private readonly int _a0, _a1, _a2, _a3, _b0, _b1, _b2, _b3;

        private Broadcast(Shape outShape, Span<int> n, Span<int> sa, Span<int> sb)
        {
            OutShape = outShape;
            (N0, N1, N2, N3) = (n[0], n[1], n[2], n[3]);
            (_a0, _a1, _a2, _a3) = (sa[0], sa[1], sa[2], sa[3]);
            (_b0, _b1, _b2, _b3) = (sb[0], sb[1], sb[2], sb[3]);
        }

        public int IndexA(int i0, int i1, int i2, int i3) => i0 * _a0 + i1 * _a1 + i2 * _a2 + i3 * _a3;

        public int IndexB(int i0, int i1, int i2, int i3) => i0 * _b0 + i1 * _b1 + i2 * _b2 + i3 * _b3;

        public static Broadcast Create(Shape a, Shape b, OpCode op)
        {
            int rank = Math.Max(a.Rank, b.Rank);
            Span<int> da = stackalloc int[4], db = stackalloc int[4], n = stackalloc int[4];
            Span<int> sa = stackalloc int[4], sb = stackalloc int[4];
            for (int i = 0; i < 4; i++)
            {
                int ai = i - (4 - a.Rank), bi = i - (4 - b.Rank);
                da[i] = ai >= 0 ? a[ai] : 1;
                db[i] = bi >= 0 ? b[bi] : 1;
                if (da[i] != db[i] && da[i] != 1 && db[i] != 1)
                    throw new ArgumentException($"{op}: shapes {a} and {b} cannot be broadcast together (dimensions must be equal or 1, aligned from the right).");
                n[i] = Math.Max(da[i], db[i]);
            }
            int strideA = 1, strideB = 1;
            for (int i = 3; i >= 0; i--)
            {
                sa[i] = da[i] == 1 ? 0 : strideA;
                sb[i] = db[i] == 1 ? 0 : strideB;
                strideA *= da[i];
                strideB *= db[i];
            }
            Shape outShape = Shape.Of(n[(4 - rank)..]);
            return new Broadcast(outShape, n, sa, sb);
        }
    }
}
