namespace Bellman.Nn;

/// <summary>
/// Records the ops of a forward pass on a tape and runs it in reverse to compute gradients.
/// <para>
/// Zero allocation in steady state: every tensor an op returns comes from a pool indexed by the op's
/// position since the last <see cref="Reset"/>, and the tape is an array of structs. Call <see cref="Reset"/>
/// at the start of each step; the same sequence of ops then reuses the same tensors and buffers (a buffer
/// is reallocated only when a shape grows).
/// </para>
/// <para>
/// An op is recorded only when one of its inputs requires a gradient and the graph is not in
/// <see cref="NoGrad"/> mode, as in PyTorch. <see cref="Backward"/> accumulates into
/// <see cref="Parameter.Grad"/> (until the caller zeroes it) and into the gradient of inputs created with
/// <c>requiresGrad: true</c>; parameters with <see cref="Parameter.RequiresGrad"/> false receive nothing
/// but still pass gradients through to the inputs of their ops.
/// </para>
/// <para>A graph is single-threaded; give each thread its own.</para>
/// <example>
/// A DQN loss (PyTorch: <c>F.smooth_l1_loss(q(s).gather(1, a), r + γ (1 − d) q_target(s').max(1))</c>):
/// <code>
/// graph.Reset();
/// online.ZeroGrad();
/// Tensor y;
/// using (graph.NoGrad())
/// {
///     Tensor next = graph.Max(target.Forward(graph, graph.Input(nextStates, new Shape(batch, obsDim))), axis: 1);
///     y = graph.Zeros(new Shape(batch));   // fill y.Data with r + γ (1 − d) next.Data
/// }
/// Tensor q = graph.Gather(online.Forward(graph, graph.Input(states, new Shape(batch, obsDim))), actions);
/// Tensor loss = graph.HuberLoss(q, y, weights);   // weights: optional per-sample tensor
/// graph.Backward(loss);                          // gradients now in online.Parameters()[i].Grad
/// </code>
/// </example>
/// </summary>
public sealed partial class Graph
{
    private readonly List<Tensor> _pool = [];
    private int _cursor;
    private Node[] _tape = new Node[64];
    private int _tapeCount;
    private bool _noGrad;
    private float[] _scratch = new float[256];

    /// <summary>Whether ops are currently recorded (false inside a <see cref="NoGrad"/> scope).</summary>
    public bool IsRecording => !_noGrad;

    /// <summary>The number of ops on the tape since the last <see cref="Reset"/>.</summary>
    public int TapeLength => _tapeCount;

    /// <summary>The number of tensors handed out since the last <see cref="Reset"/>.</summary>
    public int TensorCount => _cursor;

    /// <summary>
    /// Forgets the tape and recycles every tensor handed out so far. Tensors obtained before the reset
    /// must not be used afterwards.
    /// </summary>
    public void Reset()
    {
        for (int i = 0; i < _tapeCount; i++) _tape[i] = default;
        _tapeCount = 0;
        _cursor = 0;
    }

    /// <summary>
    /// Enters no-gradient mode until the returned scope is disposed: ops run but nothing is recorded and
    /// their outputs do not require gradients (for target networks and acting).
    /// </summary>
    public NoGradScope NoGrad()
    {
        bool previous = _noGrad;
        _noGrad = true;
        return new NoGradScope(this, previous);
    }

    /// <summary>Restores the recording mode on dispose; returned by <see cref="NoGrad"/>.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        private readonly Graph _graph;
        private readonly bool _previous;

        internal NoGradScope(Graph graph, bool previous) => (_graph, _previous) = (graph, previous);

        /// <summary>Leaves the scope.</summary>
        public void Dispose() => _graph._noGrad = _previous;
    }

    /// <summary>A leaf tensor over a parameter: it reads <see cref="Parameter.Data"/> and accumulates into <see cref="Parameter.Grad"/>.</summary>
    public Tensor Param(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        Tensor t = Next();
        t.SetParameter(parameter, !_noGrad);
        return t;
    }

    /// <summary>
    /// A leaf tensor holding a copy of <paramref name="data"/>. With <paramref name="requiresGrad"/> its
    /// gradient starts at zero and accumulates over backward passes until the next <see cref="Reset"/>.
    /// </summary>
    public Tensor Input(ReadOnlySpan<float> data, Shape shape, bool requiresGrad = false)
    {
        if (data.Length != shape.Size) throw new ArgumentException($"Input: {data.Length} values do not fill shape {shape} ({shape.Size} elements).", nameof(data));
        Tensor t = Next();
        t.SetOwned(shape);
        data.CopyTo(t.Data);
        t.IsLeaf = true;
        if (requiresGrad && !_noGrad)
        {
            t.RequiresGrad = true;
            t.UseOwnGrad();
            t.Grad.Clear();
        }
        return t;
    }

    /// <summary>A constant tensor of zeros that the caller may fill through <see cref="Tensor.Data"/>.</summary>
    public Tensor Zeros(Shape shape)
    {
        Tensor t = Next();
        t.SetOwned(shape);
        t.Data.Clear();
        t.IsLeaf = true;
        return t;
    }

    /// <summary>A tensor sharing <paramref name="x"/>'s values through which no gradient flows.</summary>
    public Tensor Detach(Tensor x)
    {
        Tensor t = Next();
        t.SetView(x, x.Shape);
        t.IsLeaf = true;
        return t;
    }

    /// <summary>
    /// Runs the tape backwards from a one-element <paramref name="loss"/> (seeded with gradient 1),
    /// accumulating into the gradients of parameters and inputs that require them. Only ops recorded
    /// before the loss are visited, and ops whose output received no gradient are skipped. May be called
    /// several times on one tape (for example for two losses sharing a trunk); gradients add up.
    /// </summary>
    public void Backward(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (loss.Length != 1) throw new ArgumentException($"Backward needs a one-element loss, got shape {loss.Shape}.", nameof(loss));
        if (!loss.RequiresGrad) throw new InvalidOperationException("Backward: the loss does not require a gradient (was it computed in NoGrad mode, or from inputs and frozen parameters only?).");
        if (loss.IsLeaf)
        {
            loss.Grad[0] += 1;
            return;
        }
        int end = loss.NodeIndex;
        if (end < 0 || end >= _tapeCount || !ReferenceEquals(_tape[end].Out, loss))
            throw new InvalidOperationException("Backward: the loss is not on this graph's tape (was it computed on another graph, or before a Reset?).");
        for (int i = 0; i <= end; i++) _tape[i].Out.Touched = false;
        GradOf(loss)[0] += 1;
        for (int i = end; i >= 0; i--)
        {
            ref Node node = ref _tape[i];
            if (node.Out.Touched) BackwardNode(ref node);
        }
    }

    /// <summary>The pooled tensor for the next op position.</summary>
    private Tensor Next()
    {
        if (_cursor == _pool.Count) _pool.Add(new Tensor());
        return _pool[_cursor++];
    }

    /// <summary>A fresh op output of <paramref name="shape"/>.</summary>
    private Tensor NewOut(Shape shape)
    {
        Tensor t = Next();
        t.SetOwned(shape);
        return t;
    }

    private bool Tracks(Tensor a) => !_noGrad && a.RequiresGrad;

    private bool Tracks(Tensor a, Tensor? b, Tensor? c = null)
        => !_noGrad && (a.RequiresGrad || (b?.RequiresGrad ?? false) || (c?.RequiresGrad ?? false));

    /// <summary>Appends a node producing <paramref name="output"/> and marks the output as requiring a gradient.</summary>
    private ref Node Record(OpCode op, Tensor output, Tensor a, Tensor? b = null, Tensor? c = null)
    {
        if (_tapeCount == _tape.Length) Array.Resize(ref _tape, _tape.Length * 2);
        output.RequiresGrad = true;
        output.NodeIndex = _tapeCount;
        output.UseOwnGrad();
        ref Node node = ref _tape[_tapeCount++];
        node = default;
        node.Op = op;
        node.Out = output;
        node.A = a;
        node.B = b;
        node.C = c;
        return ref node;
    }

    /// <summary>
    /// The gradient buffer to accumulate into. An op output's buffer is cleared the first time it is
    /// touched in a backward pass; a leaf's buffer (parameter or input) is never cleared here.
    /// </summary>
    private static Span<float> GradOf(Tensor t)
    {
        if (!t.IsLeaf && !t.Touched)
        {
            t.Grad.Clear();
            t.Touched = true;
        }
        return t.Grad;
    }

    /// <summary>
    /// The gradient buffer of <paramref name="t"/> for an op that can either write or accumulate:
    /// <paramref name="overwrite"/> is true when the buffer holds nothing of this pass yet (an op output
    /// touched for the first time), so the op may store its result instead of clearing and adding.
    /// </summary>
    private static Span<float> GradOf(Tensor t, out bool overwrite)
    {
        overwrite = !t.IsLeaf && !t.Touched;
        t.Touched = true;
        return t.Grad;
    }

    /// <summary>The masked output gradient of a fused Conv2d + ReLU (the conv kernels use <see cref="Scratch"/> meanwhile).</summary>
    private float[] _maskScratch = [];

    private Span<float> Scratch(int n)
    {
        if (_scratch.Length < n) _scratch = new float[Math.Max(n, 2 * _scratch.Length)];
        return _scratch.AsSpan(0, n);
    }


    private void BackwardNode(ref Node n)
    {
        switch (n.Op)
        {
            case OpCode.Relu: case OpCode.Tanh: case OpCode.Sigmoid: case OpCode.Silu: case OpCode.DSilu: case OpCode.Exp: case OpCode.Log:
            case OpCode.Softplus: case OpCode.Clamp: case OpCode.Abs: case OpCode.Square: case OpCode.Sqrt:
            case OpCode.Scale: case OpCode.AddScalar:
                UnaryBackward(ref n);
                break;
            case OpCode.Add: case OpCode.Sub: case OpCode.Mul: case OpCode.Div: case OpCode.Minimum: case OpCode.Maximum:
                BinaryBackward(ref n);
                break;
            case OpCode.MatMul: MatMulBackward(ref n); break;
            case OpCode.Linear: case OpCode.LinearRelu: LinearBackward(ref n); break;
            case OpCode.Conv2d: case OpCode.Conv2dRelu: Conv2dBackward(ref n); break;
            case OpCode.SumAll: SumAllBackward(ref n); break;
            case OpCode.SumAxis: SumAxisBackward(ref n); break;
            case OpCode.MaxAxis: MaxAxisBackward(ref n); break;
            case OpCode.View: ViewBackward(ref n); break;
            case OpCode.Concat: ConcatBackward(ref n); break;
            case OpCode.ChannelsFirst: ChannelsFirstBackward(ref n); break;
            case OpCode.Gather: GatherBackward(ref n); break;
            case OpCode.Softmax: SoftmaxBackward(ref n); break;
            case OpCode.LogSoftmax: LogSoftmaxBackward(ref n); break;
            case OpCode.Mse: case OpCode.Huber: RegressionLossBackward(ref n); break;
            case OpCode.CrossEntropy: CrossEntropyBackward(ref n); break;
            case OpCode.GaussianLogProb: case OpCode.TanhGaussianLogProb: GaussianLogProbBackward(ref n); break;
            case OpCode.QuadraticAdvantage: QuadraticAdvantageBackward(ref n); break;
            default: throw new InvalidOperationException($"No backward for op {n.Op}.");
        }
    }

    private static ArgumentException ShapeMismatch(string op, Tensor a, Tensor b, string expectation)
        => new($"{op}: shapes {a.Shape} and {b.Shape} do not match ({expectation}).");
}
