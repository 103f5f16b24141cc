namespace Bellman.Nn;

public sealed partial class Graph
{
    private const float HalfLog2Pi = 0.918938533204672741780329736406f;
    private const float Ln2 = 0.693147180559945309417232121458f;

    /// <summary>
    /// Mean squared error, mean over all N elements of w_r (p − t)², with an optional per-sample weight
    /// w_r (one per row of <paramref name="prediction"/>, e.g. prioritized-replay importance weights).
    /// Gradients flow to the prediction and, if it requires one, to the target.
    /// </summary>
    public Tensor MseLoss(Tensor prediction, Tensor target, Tensor? weights = null)
        => RegressionLoss(OpCode.Mse, prediction, target, weights, 0f);

    /// <summary>
    /// Huber loss (PyTorch's <c>huber_loss</c>; equal to <c>smooth_l1_loss</c> for δ = 1), mean over all
    /// elements of w_r ℓ(p − t) with ℓ(d) = ½d² for |d| &lt; δ and δ(|d| − ½δ) otherwise.
    /// ∂ℓ/∂d = clamp(d, −δ, δ).
    /// </summary>
    public Tensor HuberLoss(Tensor prediction, Tensor target, Tensor? weights = null, float delta = 1f)
    {
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "Huber delta must be positive.");
        return RegressionLoss(OpCode.Huber, prediction, target, weights, delta);
    }

    private Tensor RegressionLoss(OpCode op, Tensor prediction, Tensor target, Tensor? weights, float delta)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        string name = op == OpCode.Mse ? "MseLoss" : "HuberLoss";
        if (prediction.Shape != target.Shape) throw ShapeMismatch(name, prediction, target, "prediction and target must have the same shape");
        int rows = prediction.Shape.Rank == 0 ? 1 : prediction.Shape[0], inner = prediction.Length / rows;
        if (weights is not null && weights.Length != rows)
            throw ShapeMismatch(name, prediction, weights, $"weights need one value per row ({rows})");
        ReadOnlySpan<float> p = prediction.D, t = target.D;
        ReadOnlySpan<float> w = weights is null ? default : weights.D;
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            double rowSum = 0;
            for (int j = r * inner; j < (r + 1) * inner; j++)
            {
                float d = p[j] - t[j];
                if (op == OpCode.Mse) rowSum += d * d;
                else
                {
                    float ad = MathF.Abs(d);
                    rowSum += ad < delta ? 0.5f * d * d : delta * (ad - 0.5f * delta);
                }
            }
            total += weights is null ? rowSum : w[r] * rowSum;
        }
        Tensor y = NewOut(Shape.Scalar);
        y.Data[0] = (float)(total / prediction.Length);
        if (Tracks(prediction, target))
        {
            ref Node n = ref Record(op, y, prediction, target);
            n.Aux = weights;
            n.F0 = delta;
        }
        return y;
    }

    private void RegressionLossBackward(ref Node n)
    {
        Tensor pred = n.A!, target = n.B!;
        Tensor? weights = n.Aux;
        int rows = pred.Shape.Rank == 0 ? 1 : pred.Shape[0], inner = pred.Length / rows;
        float scale = n.Out.Grad[0] / pred.Length, delta = n.F0;
        ReadOnlySpan<float> p = pred.D, t = target.D;
        ReadOnlySpan<float> w = weights is null ? default : weights.D;
        Span<float> dp = pred.RequiresGrad ? GradOf(pred) : default;
        Span<float> dt = target.RequiresGrad ? GradOf(target) : default;
        for (int r = 0; r < rows; r++)
        {
            float s = weights is null ? scale : scale * w[r];
            for (int j = r * inner; j < (r + 1) * inner; j++)
            {
                float d = p[j] - t[j];
                float g = n.Op == OpCode.Mse ? 2f * d * s : Math.Clamp(d, -delta, delta) * s;
                if (pred.RequiresGrad) dp[j] += g;
                if (target.RequiresGrad) dt[j] -= g;
            }
        }
    }

    /// <summary>
    /// Cross-entropy from logits [B, C] and integer class targets: mean over rows of
    /// w_r (logsumexp(x_r) − x_r[target_r]), optional per-sample weights w_r. Backward:
    /// dx_r = w_r (softmax(x_r) − onehot(target_r)) / B.
    /// </summary>
    public Tensor CrossEntropyLoss(Tensor logits, ReadOnlySpan<int> targets, Tensor? weights = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Shape.Rank != 2) throw new ArgumentException($"CrossEntropyLoss: logits must be [batch, classes], got {logits.Shape}.", nameof(logits));
        int rows = logits.Shape[0], classes = logits.Shape[1];
        if (targets.Length != rows) throw new ArgumentException($"CrossEntropyLoss: {targets.Length} targets for logits {logits.Shape}.", nameof(targets));
        if (weights is not null && weights.Length != rows) throw ShapeMismatch("CrossEntropyLoss", logits, weights, $"weights need one value per row ({rows})");
        Tensor y = NewOut(Shape.Scalar);
        bool track = Tracks(logits);
        Tensor logProbs = NewOut(logits.Shape);
        Span<int> tgt = y.EnsureInts(rows);
        ReadOnlySpan<float> w = weights is null ? default : weights.D;
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            int c = targets[r];
            if ((uint)c >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(targets), c, $"CrossEntropyLoss: target {c} at row {r} is outside [0, {classes}).");
            tgt[r] = c;
            Span<float> lp = logProbs.Data.Slice(r * classes, classes);
            LogSoftmaxRow(logits.D.Slice(r * classes, classes), lp);
            total += (weights is null ? 1f : w[r]) * -(double)lp[c];
        }
        y.Data[0] = (float)(total / rows);
        if (track)
        {
            ref Node n = ref Record(OpCode.CrossEntropy, y, logits);
            n.B = weights;
            n.Aux = logProbs;
        }
        return y;
    }

    private void CrossEntropyBackward(ref Node n)
    {
        Tensor logits = n.A!;
        if (!logits.RequiresGrad) return;
        Tensor? weights = n.B;
        int rows = logits.Shape[0], classes = logits.Shape[1];
        ReadOnlySpan<float> lp = n.Aux!.D;
        ReadOnlySpan<int> tgt = n.Out.Ints;
        ReadOnlySpan<float> w = weights is null ? default : weights.D;
        float scale = n.Out.Grad[0] / rows;
        Span<float> dx = GradOf(logits);
        for (int r = 0; r < rows; r++)
        {
            float s = weights is null ? scale : scale * w[r];
            for (int j = 0; j < classes; j++)
            {
                float g = MathF.Exp(lp[r * classes + j]) - (j == tgt[r] ? 1f : 0f);
                dx[r * classes + j] += s * g;
            }
        }
    }

    /// <summary>
    /// log N(x; μ, diag σ²) summed over the last axis, σ = e^logStd:
    /// Σ_j −½ z_j² − logStd_j − ½ ln 2π with z = (x − μ)/σ. x and μ are [B, d]; logStd is [B, d] or [d]
    /// (a state-independent log-std as in PPO). Output [B]. Gradients: ∂/∂x = −z/σ, ∂/∂μ = z/σ,
    /// ∂/∂logStd = z² − 1.
    /// </summary>
    public Tensor GaussianLogProb(Tensor x, Tensor mean, Tensor logStd)
        => GaussianLogProbCore(OpCode.GaussianLogProb, x, mean, logStd);

    /// <summary>
    /// The log-density of a = tanh(u) where u ~ N(μ, diag σ²) (SAC's squashed Gaussian), given the
    /// pre-tanh sample u: log N(u; μ, σ) − Σ_j ln(1 − tanh² u_j), with the correction computed stably as
    /// ln(1 − tanh² u) = 2 (ln 2 − u − softplus(−2u)). Its derivative in u is −2 tanh u, so
    /// ∂/∂u = −z/σ + 2 tanh u. Shapes as <see cref="GaussianLogProb"/>.
    /// </summary>
    public Tensor TanhGaussianLogProb(Tensor preTanh, Tensor mean, Tensor logStd)
        => GaussianLogProbCore(OpCode.TanhGaussianLogProb, preTanh, mean, logStd);

    private Tensor GaussianLogProbCore(OpCode op, Tensor x, Tensor mean, Tensor logStd)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(logStd);
        string name = op == OpCode.GaussianLogProb ? nameof(GaussianLogProb) : nameof(TanhGaussianLogProb);
        if (x.Shape.Rank != 2 || x.Shape != mean.Shape) throw ShapeMismatch(name, x, mean, "x and mean must both be [batch, dim]");
        int rows = x.Shape[0], dim = x.Shape[1];
        bool shared = logStd.Shape.Rank == 1;
        if (shared ? logStd.Length != dim : logStd.Shape != x.Shape)
            throw ShapeMismatch(name, x, logStd, $"logStd must be [{rows}, {dim}] or [{dim}]");
        Tensor y = NewOut(new Shape(rows));
        ReadOnlySpan<float> xs = x.D, mu = mean.D, ls = logStd.D;
        Span<float> ys = y.Data;
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int j = 0; j < dim; j++)
            {
                int k = r * dim + j;
                float logSigma = ls[shared ? j : k];
                float z = (xs[k] - mu[k]) * MathF.Exp(-logSigma);
                sum += -0.5f * z * z - logSigma - HalfLog2Pi;
                if (op == OpCode.TanhGaussianLogProb)
                {
                    float u = xs[k];
                    sum -= 2f * (Ln2 - u - SoftplusScalar(-2f * u));
                }
            }
            ys[r] = (float)sum;
        }
        if (Tracks(x, mean, logStd)) Record(op, y, x, mean, logStd);
        return y;
    }

    private void GaussianLogProbBackward(ref Node n)
    {
        Tensor x = n.A!, mean = n.B!, logStd = n.C!;
        int rows = x.Shape[0], dim = x.Shape[1];
        bool shared = logStd.Shape.Rank == 1, squash = n.Op == OpCode.TanhGaussianLogProb;
        ReadOnlySpan<float> xs = x.D, mu = mean.D, ls = logStd.D, dy = n.Out.Grad;
        Span<float> dx = x.RequiresGrad ? GradOf(x) : default;
        Span<float> dmu = mean.RequiresGrad ? GradOf(mean) : default;
        Span<float> dls = logStd.RequiresGrad ? GradOf(logStd) : default;
        for (int r = 0; r < rows; r++)
        {
            float g = dy[r];
            for (int j = 0; j < dim; j++)
            {
                int k = r * dim + j;
                float invSigma = MathF.Exp(-ls[shared ? j : k]);
                float z = (xs[k] - mu[k]) * invSigma;
                if (x.RequiresGrad) dx[k] += g * (-z * invSigma + (squash ? 2f * MathF.Tanh(xs[k]) : 0f));
                if (mean.RequiresGrad) dmu[k] += g * z * invSigma;
                if (logStd.RequiresGrad) dls[shared ? j : k] += g * (z * z - 1f);
            }
        }
    }
}
