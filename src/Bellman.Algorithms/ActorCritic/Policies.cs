using Bellman.Core.Random;
using Bellman.Nn;

namespace Bellman.Algorithms.ActorCritic;

/// <summary>
/// The action distribution π_θ(a|s) a policy network parameterises: the network outputs a "head" per
/// state (logits or a mean); the distribution turns it into log π(a|s), an entropy, samples and a
/// deterministic (greedy) action.
/// </summary>
public interface IPolicyDistribution
{
    /// <summary>Floats the network outputs per state.</summary>
    int HeadSize { get; }

    /// <summary>Floats per action (1 for a discrete action index).</summary>
    int ActionSize { get; }

    /// <summary>Draws a ~ π(·|s) from one state's head.</summary>
    void Sample(ReadOnlySpan<float> head, Span<float> action, Rng rng);

    /// <summary>The deterministic action: argmax for logits, the mean for a Gaussian.</summary>
    void Greedy(ReadOnlySpan<float> head, Span<float> action);

    /// <summary>log π(a_i|s_i) for a batch of heads [B, HeadSize] and actions [B·ActionSize]; output [B].</summary>
    Tensor LogProb(Graph graph, Tensor heads, ReadOnlySpan<float> actions);

    /// <summary>The mean entropy H[π(·|s_i)] over the batch (a scalar tensor).</summary>
    Tensor MeanEntropy(Graph graph, Tensor heads);
}

/// <summary>
/// π(a|s) = softmax(logits(s))_a over a Discrete action space: log π = logits_a − logsumexp(logits),
/// H = −Σ_a π_a log π_a; sampling by inverting the cumulative distribution with one uniform draw.
/// </summary>
public sealed class CategoricalDistribution(int actionCount) : IPolicyDistribution
{
    private int[] _indices = [];

    /// <inheritdoc/>
    public int HeadSize { get; } = actionCount > 0 ? actionCount : throw new ArgumentOutOfRangeException(nameof(actionCount), actionCount, "A categorical policy needs at least one action.");

    /// <inheritdoc/>
    public int ActionSize => 1;

    /// <inheritdoc/>
    public void Sample(ReadOnlySpan<float> head, Span<float> action, Rng rng) => action[0] = SampleIndex(head, rng.NextDouble());

    /// <inheritdoc/>
    public void Greedy(ReadOnlySpan<float> head, Span<float> action) => action[0] = Bellman.Nn.Numerics.ArgMax(head);

    /// <summary>The index k with F(k−1) ≤ u &lt; F(k), F the cumulative softmax of <paramref name="logits"/>.</summary>
    public static int SampleIndex(ReadOnlySpan<float> logits, double u)
    {
        float max = System.Numerics.Tensors.TensorPrimitives.Max(logits);
        double total = 0;
        foreach (float x in logits) total += Math.Exp(x - max);
        double target = u * total, cumulative = 0;
        for (int k = 0; k < logits.Length; k++)
        {
            cumulative += Math.Exp(logits[k] - max);
            if (target < cumulative) return k;
        }
        return logits.Length - 1;
    }

    /// <summary>log softmax(logits)_a, the scalar reference of <see cref="LogProb(Graph, Tensor, ReadOnlySpan{float})"/>.</summary>
    public static double LogProb(ReadOnlySpan<float> logits, int action)
    {
        double max = System.Numerics.Tensors.TensorPrimitives.Max(logits), total = 0;
        foreach (float x in logits) total += Math.Exp(x - max);
        return logits[action] - max - Math.Log(total);
    }

    /// <inheritdoc/>
    public Tensor LogProb(Graph graph, Tensor heads, ReadOnlySpan<float> actions)
    {
        if (_indices.Length < actions.Length) _indices = new int[actions.Length];
        for (int i = 0; i < actions.Length; i++) _indices[i] = (int)actions[i];
        return graph.Gather(graph.LogSoftmax(heads), _indices.AsSpan(0, actions.Length));
    }

    /// <inheritdoc/>
    public Tensor MeanEntropy(Graph graph, Tensor heads)
    {
        var logp = graph.LogSoftmax(heads);
        var plogp = graph.Mul(graph.Softmax(heads), logp);
        return graph.Neg(graph.Mean(graph.Sum(plogp, axis: 1)));
    }
}

/// <summary>
/// A diagonal Gaussian π(a|s) = N(μ_θ(s), diag σ²) with a state-independent log σ (a learned vector, as
/// in A2C/PPO): log π = Σ_j −½((a_j − μ_j)/σ_j)² − log σ_j − ½ ln 2π, H = Σ_j log σ_j + ½ ln(2πe).
/// Samples a = μ + σ ε are unbounded; the loop clips them to the Box when stepping.
/// </summary>
public sealed class DiagonalGaussianDistribution : IPolicyDistribution
{
    private static readonly float HalfLog2PiE = (float)(0.5 * Math.Log(2 * Math.PI * Math.E));

    /// <summary>Creates it around the network's log-std parameter [d].</summary>
    public DiagonalGaussianDistribution(Parameter logStd)
    {
        LogStd = logStd;
        HeadSize = logStd.Size;
    }

    /// <summary>The learned log σ, shape [d].</summary>
    public Parameter LogStd { get; }

    /// <inheritdoc/>
    public int HeadSize { get; }

    /// <inheritdoc/>
    public int ActionSize => HeadSize;

    /// <inheritdoc/>
    public void Sample(ReadOnlySpan<float> head, Span<float> action, Rng rng)
    {
        for (int j = 0; j < HeadSize; j++) action[j] = head[j] + MathF.Exp(LogStd.Data[j]) * (float)rng.NextNormal();
    }

    /// <inheritdoc/>
    public void Greedy(ReadOnlySpan<float> head, Span<float> action) => head[..HeadSize].CopyTo(action);

    /// <inheritdoc/>
    public Tensor LogProb(Graph graph, Tensor heads, ReadOnlySpan<float> actions) =>
        graph.GaussianLogProb(graph.Input(actions, heads.Shape), heads, graph.Param(LogStd));

    /// <inheritdoc/>
    public Tensor MeanEntropy(Graph graph, Tensor heads) => graph.AddScalar(graph.Sum(graph.Param(LogStd)), HeadSize * HalfLog2PiE);
}
