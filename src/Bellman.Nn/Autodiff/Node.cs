namespace Bellman.Nn;

/// <summary>The op that produced a recorded tensor; <see cref="Graph"/> dispatches backward on it.</summary>
internal enum OpCode : byte
{
    // Elementwise unary (A → Out).
    Relu, Tanh, Sigmoid, Silu, DSilu, Exp, Log, Softplus, Clamp, Abs, Square, Sqrt, Scale, AddScalar,
    // Elementwise binary (A, B → Out), same shape or broadcast.
    Add, Sub, Mul, Div, Minimum, Maximum,
    // Linear algebra.
    MatMul, Linear, LinearRelu, Conv2d, Conv2dRelu,
    // Reductions.
    SumAll, SumAxis, MaxAxis,
    // Shape and indexing.
    View, Concat, Gather, Softmax, LogSoftmax, ChannelsFirst,
    // Fused losses and log-densities.
    Mse, Huber, CrossEntropy, GaussianLogProb, TanhGaussianLogProb,
    QuadraticAdvantage,
}

/// <summary>
/// One entry of the tape: the op, its output, up to three inputs and a few scalar attributes.
/// A struct in an array that the graph reuses step after step, so recording allocates nothing.
/// </summary>
internal struct Node
{
    public OpCode Op;
    public Tensor Out;
    public Tensor? A, B, C, Aux;
    public float F0, F1;
    public int I0, I1, I2, I3;
}
