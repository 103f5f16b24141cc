using System.Numerics;
using Bellman.Algorithms.Training;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Core.State;
using Bellman.Nn;

namespace Bellman.Algorithms.ActorCritic;

/// <summary>
/// Online actor-critic with eligibility traces, AC(λ), as MinAtar's <c>examples/AC_lambda.py</c> (Young &amp; Tian 2019)
/// runs it: one network with a policy head π_θ(·|s) (softmax) and a value head V̂_θ(s), updated after every step
/// with a single trace over all its parameters. With ε = <c>prob_eps</c> and t the frames so far, at each state s_t
/// after acting a_t:
/// <list type="number">
/// <item>g_t = ∇_θ [V̂(s_t) + ½ log(π(a_t|s_t) + ε)], the gradient of the trace "potential" (critic and actor at once);</item>
/// <item>if s_{t−1} exists: δ = r_{t−1} + γ(1 − term_{t−1})V̂(s_t) − V̂(s_{t−1}) (both with the current θ), the
/// ascent direction d = e·δ + β∇_θ H[π(·|s_t)] with H = −Σ_a log(π(a|s_t) + ε)π(a|s_t), and an RMSprop step on it:
/// m ← ρm + (1 − ρ)d², θ ← θ + α d / √(m / (1 − ρ^{t+1}) + ε_rms);</item>
/// <item>e ← γλe + g_t.</item>
/// </list>
/// When an episode ends, step 2 runs once more at the final observation (with the last action) so that the last
/// transition is learned from, and the trace is cleared. A terminated step does not bootstrap; a truncated one (a
/// time limit) does, from V̂ of its final observation. The rollout is a single transition (n_envs = 1,
/// n_steps = 1): the update for transition t−1 needs s_t and a_t, which the loop has when it hands over transition t.
/// </summary>
public sealed class AcLambdaUpdate : IOnPolicyUpdate, IResumable
{
    private readonly AcLambdaOptions _options;
    private readonly Graph _graph = new();
    private readonly Nn.Parameter[] _parameters;
    private readonly float[][] _traces, _grads, _entropyGrads, _squares;
    private readonly int _actions;
    private readonly float[] _last, _probs, _weights;
    private bool _hasLast, _lastTerminal;
    private float _lastReward;
    private long _frames;

    /// <summary>Creates the agent (policy and value heads; one shared trunk in MinAtar's network) from <paramref name="init"/>.</summary>
    public AcLambdaUpdate(Space observationSpace, Space actionSpace, AcLambdaOptions options, Rng init)
    {
        options.Validate();
        if (actionSpace is not Discrete discrete)
            throw new ArgumentException($"ac-lambda needs a Discrete action space (its policy is a softmax), got {actionSpace}; for Box actions use a2c.", nameof(actionSpace));
        _options = options;
        _actions = discrete.N;
        Agent = new ActorCriticAgent(observationSpace, actionSpace, options, critic: true, splitOptimizers: false, options.LearningRate, init);
        _parameters = [.. Agent.Network.Parameters()];
        float[][] Buffers() => [.. _parameters.Select(p => new float[p.Size])];
        (_traces, _grads, _entropyGrads, _squares) = (Buffers(), Buffers(), Buffers(), Buffers());
        _last = new float[observationSpace.FlatSize];
        _probs = new float[_actions];
        _weights = new float[_actions];
    }

    /// <inheritdoc/>
    public ActorCriticAgent Agent { get; }

    /// <inheritdoc/>
    public IReadOnlyList<MetricDefinition> Metrics { get; } =
        [new("td_error", "delta"), new("entropy", "entropy"), new("v", "V")];

    /// <summary>The eligibility trace of each parameter (in <see cref="ActorCriticNetwork.Parameters"/> order).</summary>
    public IReadOnlyList<float[]> Traces => _traces;

    /// <summary>The running mean of the squared ascent direction of each parameter (RMSprop's m).</summary>
    public IReadOnlyList<float[]> SquareAverages => _squares;

    /// <summary>Frames learned from so far (t of the bias correction).</summary>
    public long Frames => _frames;

    /// <inheritdoc/>
    public bool Update(Rollout ro, in UpdateContext context)
    {
        if (ro.Size != 1) throw new InvalidOperationException($"ac-lambda learns from one transition at a time; the rollout has {ro.Size}.");
        int obs = ro.ObservationSize, action = (int)ro.Actions[0];
        var s = ro.Observations.AsSpan(0, obs);
        float alpha = (float)_options.LearningRateSchedule.ValueAt(context.Progress);
        Step(s, action, _frames, alpha, context.Metrics);
        s.CopyTo(_last);
        (_lastReward, _lastTerminal, _hasLast) = (ro.Rewards[0], ro.Terminated[0], true);
        if (ro.Ended[0])
        {
            // The episode's last transition: learn from it at the final observation, then start the next trace afresh.
            Step(ro.NextObservations.AsSpan(0, obs), action, _frames + 1, alpha, context.Metrics);
            foreach (var e in _traces) Array.Clear(e);
            _hasLast = false;
        }
        _frames++;
        return true;
    }

    /// <summary>MinAtar's <c>train</c> at state <paramref name="s"/> after acting <paramref name="action"/>: steps 1–3 above.</summary>
    private void Step(ReadOnlySpan<float> s, int action, long frame, float alpha, UpdateMetrics metrics)
    {
        var o = _options;
        float eps = (float)o.ProbEps;
        // 1. g = ∇[V̂(s) + ½ log(π(a|s) + ε)]: the potential's gradient with respect to the logits z is
        //    ½ π_a(1[a = j] − π_j) / (π_a + ε), and 1 with respect to V̂.
        float value = Forward(s, out var head, out var v);
        float pa = _probs[action];
        for (int j = 0; j < _actions; j++) _weights[j] = 0.5f * pa * ((j == action ? 1f : 0f) - _probs[j]) / (pa + eps);
        Backward(head, v, valueWeight: 1f, _grads);
        if (_hasLast)
        {
            // 2. ∇H with H = −Σ log(π_k + ε)π_k: ∂H/∂π_k = h_k = −log(π_k + ε) − π_k/(π_k + ε), ∂H/∂z_j = π_j(h_j − Σ_k π_k h_k).
            double entropy = 0, mean = 0;
            for (int k = 0; k < _actions; k++)
            {
                float p = _probs[k];
                entropy -= MathF.Log(p + eps) * p;
                _weights[k] = -MathF.Log(p + eps) - p / (p + eps);
                mean += p * _weights[k];
            }
            for (int j = 0; j < _actions; j++) _weights[j] = _probs[j] * (_weights[j] - (float)mean);
            // A second backward pass over the same tape (Graph.Backward visits only what leads to its loss).
            Backward(head, v, valueWeight: 0f, _entropyGrads);

            float lastValue = Value(_last);
            float delta = (_lastTerminal ? 0f : (float)o.Gamma * value) + _lastReward - lastValue;
            float rho = (float)o.RmsDecay, oneMinusRho = (float)(1 - o.RmsDecay), beta = (float)o.EntCoef;
            float correction = (float)(1 - Math.Pow(o.RmsDecay, frame + 1)), rmsEps = (float)o.RmsEps;
            for (int i = 0; i < _parameters.Length; i++)
                RmsStep(_parameters[i].Data, _traces[i], _entropyGrads[i], _squares[i], delta, beta, rho, oneMinusRho, correction, rmsEps, alpha);
            metrics.Add("td_error", delta);
            metrics.Add("entropy", entropy);
            metrics.Add("v", value);
        }
        // 3. e ← γλe + g.
        float decay = (float)(o.Gamma * o.TraceLambda);
        for (int i = 0; i < _parameters.Length; i++) System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(_traces[i], decay, _grads[i], _traces[i]);
    }

    /// <summary>
    /// d = eδ + βh; m ← ρm + (1 − ρ)d²; θ ← θ + αd / √(m / c + ε), element by element (vectors, then the tail: the same
    /// float operations, so the same bits at any vector width).
    /// </summary>
    private static void RmsStep(float[] theta, float[] e, float[] h, float[] m, float delta, float beta, float rho, float oneMinusRho,
        float correction, float eps, float alpha)
    {
        int k = 0, n = theta.Length, w = Vector<float>.Count;
        var (vDelta, vBeta, vRho, vOne, vC, vEps, vAlpha) = (new Vector<float>(delta), new Vector<float>(beta), new Vector<float>(rho),
            new Vector<float>(oneMinusRho), new Vector<float>(correction), new Vector<float>(eps), new Vector<float>(alpha));
        for (; k + w <= n; k += w)
        {
            var d = new Vector<float>(e, k) * vDelta + vBeta * new Vector<float>(h, k);
            var mk = vRho * new Vector<float>(m, k) + vOne * d * d;
            mk.CopyTo(m, k);
            (new Vector<float>(theta, k) + vAlpha * d / Vector.SquareRoot(mk / vC + vEps)).CopyTo(theta, k);
        }
        for (; k < n; k++)
        {
            float d = e[k] * delta + beta * h[k];
            m[k] = rho * m[k] + oneMinusRho * d * d;
            theta[k] += alpha * d / MathF.Sqrt(m[k] / correction + eps);
        }
    }

    /// <summary>One forward pass at <paramref name="s"/> that keeps its graph for the backward passes; fills π and returns V̂(s).</summary>
    private float Forward(ReadOnlySpan<float> s, out Tensor head, out Tensor value)
    {
        var g = _graph;
        g.Reset();
        (head, var v) = Agent.Network.Evaluate(g, g.Input(s, Agent.BatchShape(1)));
        value = v!;
        ReadOnlySpan<float> z = head.Data;
        float max = float.NegativeInfinity;
        for (int j = 0; j < _actions; j++) max = MathF.Max(max, z[j]);
        float sum = 0;
        for (int j = 0; j < _actions; j++) sum += _probs[j] = MathF.Exp(z[j] - max);
        for (int j = 0; j < _actions; j++) _probs[j] /= sum;
        return value.Data[0];
    }

    /// <summary>
    /// The parameter gradient of Σ_j w_j z_j + <paramref name="valueWeight"/>·V̂ (w = the head weights computed by the
    /// caller): the chain rule from a gradient already known at the heads. Written into <paramref name="destination"/>.
    /// </summary>
    private void Backward(Tensor head, Tensor value, float valueWeight, float[][] destination)
    {
        var g = _graph;
        foreach (var p in _parameters) Array.Clear(p.Grad);
        var surrogate = g.Sum(g.Mul(head, g.Input(_weights, head.Shape)));
        if (valueWeight != 0f) surrogate = g.Add(surrogate, g.Scale(value, valueWeight));
        g.Backward(surrogate);
        for (int i = 0; i < _parameters.Length; i++) _parameters[i].Grad.CopyTo(destination[i], 0);
    }

    private float Value(ReadOnlySpan<float> s)
    {
        Span<float> v = stackalloc float[1];
        Agent.Values(s, 1, v);
        return v[0];
    }

    /// <inheritdoc/>
    public void WriteState(BinaryWriter writer)
    {
        writer.Tag("ac-lambda");
        writer.Write(_frames);
        writer.Write(_hasLast);
        writer.Write(_lastTerminal);
        writer.Write(_lastReward);
        writer.WriteSpan(_last);
        foreach (var e in _traces) writer.WriteSpan(e);
        foreach (var m in _squares) writer.WriteSpan(m);
    }

    /// <inheritdoc/>
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag("ac-lambda");
        long frames = reader.ReadInt64();
        if (frames < 0) throw new InvalidDataException($"ac-lambda: {frames} frames");
        _frames = frames;
        _hasLast = reader.ReadBoolean();
        _lastTerminal = reader.ReadBoolean();
        _lastReward = reader.ReadSingle();
        reader.ReadInto(_last);
        foreach (var e in _traces) reader.ReadInto(e);
        foreach (var m in _squares) reader.ReadInto(m);
    }
}
