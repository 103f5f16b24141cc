using Bellman.Nn.Serialization;

namespace Bellman.Nn.Optimizers;

/// <summary>
/// A first-order optimizer over a fixed list of <see cref="Parameter"/>s. <see cref="Step"/> updates each
/// <see cref="Parameter.Data"/> in place from its <see cref="Parameter.Grad"/>, skipping parameters whose
/// <see cref="Parameter.RequiresGrad"/> is false (as PyTorch skips parameters whose grad is None). Every
/// state buffer is allocated once, in the constructor; a step allocates nothing.
/// </summary>
public abstract class Optimizer
{
    private readonly long[] _parameterSteps;
    private double _learningRate;

    /// <summary>Validates the parameters (non-empty, distinct, uniquely named) and the learning rate.</summary>
    protected Optimizer(IReadOnlyList<Parameter> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0) throw new ArgumentException("An optimizer needs at least one parameter.", nameof(parameters));
        var names = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < parameters.Count; i++)
        {
            Parameter p = parameters[i] ?? throw new ArgumentException($"Parameter {i} is null.", nameof(parameters));
            if (!seen.Add(p)) throw new ArgumentException($"Parameter '{p.Name}' appears twice in the optimizer's list.", nameof(parameters));
            if (!names.Add(p.Name)) throw new ArgumentException($"Two parameters are named '{p.Name}'; optimizer state is saved by name, so names must be unique.", nameof(parameters));
        }
        Parameters = parameters.ToArray();
        _parameterSteps = new long[parameters.Count];
        LearningRate = learningRate;
    }

    /// <summary>The optimized parameters, in a fixed order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The learning rate used by the next <see cref="Step"/>; set it to follow a schedule.</summary>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!double.IsFinite(value) || value < 0) throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "The learning rate must be finite and non-negative.");
            _learningRate = value;
        }
    }

    /// <summary>The number of completed <see cref="Step"/> calls.</summary>
    public long StepCount { get; private set; }

    /// <summary>The algorithm's name as stored in state dicts ("Sgd", "Adam", "AdamW", "RMSprop").</summary>
    public abstract string Algorithm { get; }

    /// <summary>
    /// The smallest number of elements (over the parameters being updated) for which <see cref="Step"/> splits its
    /// work over <see cref="EngineThreads.Max"/> threads.
    /// </summary>
    public const int ParallelThreshold = 32_768;

    /// <summary>
    /// Applies one update to every parameter that requires a gradient. With <see cref="EngineThreads.Max"/> above 1 and
    /// at least <see cref="ParallelThreshold"/> elements, the elements (all parameters end to end) are cut into one
    /// contiguous range per thread; every update rule is element-wise, so the result is bit-identical.
    /// </summary>
    public void Step()
    {
        long total = 0;
        for (int i = 0; i < Parameters.Count; i++)
        {
            Parameter p = Parameters[i];
            if (!p.RequiresGrad) continue;
            _parameterSteps[i]++;
            total += p.Size;
        }
        if (EngineThreads.Max > 1 && total >= ParallelThreshold) StepParallel(total, EngineThreads.Max);
        else UpdateShare(0, total);
        StepCount++;
    }

    /// <summary>The split step; a separate method so that the closure is allocated only here.</summary>
    private void StepParallel(long total, int threads) =>
        EngineThreads.For(threads, w => UpdateShare(Boundary(total, w, threads), Boundary(total, w + 1, threads)));

    /// <summary>The start of share <paramref name="w"/> of <paramref name="workers"/>, on a 64-element (cache-line) boundary.</summary>
    private static long Boundary(long total, int w, int workers) => w == workers ? total : total * w / workers & ~63L;

    /// <summary>Updates the elements [<paramref name="start"/>, <paramref name="end"/>) of the parameters that require a gradient, laid end to end.</summary>
    private void UpdateShare(long start, long end)
    {
        long offset = 0;
        for (int i = 0; i < Parameters.Count && offset < end; i++)
        {
            Parameter p = Parameters[i];
            if (!p.RequiresGrad) continue;
            long lo = Math.Max(start, offset), hi = Math.Min(end, offset + p.Size);
            if (lo < hi) Update(i, p, _parameterSteps[i], (int)(lo - offset), (int)(hi - lo));
            offset += p.Size;
        }
    }

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        for (int i = 0; i < Parameters.Count; i++) Parameters[i].ZeroGrad();
    }

    /// <summary>
    /// Updates elements [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of parameter
    /// <paramref name="index"/> (and of its buffers); <paramref name="step"/> counts this parameter's updates, 1 on its
    /// first. Called once per parameter on one thread, or for disjoint ranges of it from several threads at once.
    /// </summary>
    protected abstract void Update(int index, Parameter parameter, long step, int start, int count);

    /// <summary>The hyperparameters other than the learning rate, by name (saved and checked on load).</summary>
    protected abstract IEnumerable<KeyValuePair<string, double>> Hyperparameters();

    /// <summary>The per-parameter state buffers, in a fixed order: (kind such as "exp_avg", parameter index, array).</summary>
    protected abstract IEnumerable<(string Kind, int Index, float[] Buffer)> Buffers();

    /// <summary>
    /// A snapshot of the state: per-parameter buffers named "&lt;kind&gt;.&lt;parameter name&gt;" (such as
    /// "exp_avg.0.weight"), copied, and the scalars (step counts, learning rate, hyperparameters).
    /// </summary>
    public OptimizerState StateDict()
    {
        var tensors = new List<NamedTensor>();
        foreach (var (kind, index, buffer) in Buffers())
        {
            Parameter p = Parameters[index];
            tensors.Add(new NamedTensor($"{kind}.{p.Name}", (int[])p.Shape.Clone(), (float[])buffer.Clone()));
        }
        var steps = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < Parameters.Count; i++) steps[Parameters[i].Name] = _parameterSteps[i];
        var hyper = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, value) in Hyperparameters()) hyper[key] = value;
        return new OptimizerState(new OptimizerScalars(Algorithm, StepCount, LearningRate, hyper, steps), tensors);
    }

    /// <summary>
    /// Restores a state from <see cref="StateDict"/>: the buffers (copied into the existing arrays), the step
    /// counts and the learning rate. The algorithm and the other hyperparameters must equal this optimizer's.
    /// Everything is checked before anything changes; a mismatch throws an <see cref="ArgumentException"/>
    /// that names the buffer, parameter or hyperparameter.
    /// </summary>
    public void LoadStateDict(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        OptimizerScalars s = state.Scalars ?? throw new ArgumentException("The optimizer state has no scalars.", nameof(state));
        if (s.Algorithm != Algorithm) throw new ArgumentException($"The state is for optimizer '{s.Algorithm}', this optimizer is '{Algorithm}'.", nameof(state));
        if (s.StepCount < 0) throw new ArgumentException($"The state has a negative step count {s.StepCount}.", nameof(state));
        if (!double.IsFinite(s.LearningRate) || s.LearningRate < 0) throw new ArgumentException($"The state has an invalid learning rate {s.LearningRate}.", nameof(state));

        var errors = new List<string>();
        var savedHyper = s.Hyperparameters ?? new Dictionary<string, double>();
        var ownHyper = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, value) in Hyperparameters())
        {
            ownHyper[key] = value;
            if (!savedHyper.TryGetValue(key, out double saved)) errors.Add($"hyperparameter '{key}' is missing from the state");
            else if (!saved.Equals(value)) errors.Add($"hyperparameter '{key}': state has {saved:R}, optimizer has {value:R}");
        }
        foreach (string key in savedHyper.Keys)
            if (!ownHyper.ContainsKey(key)) errors.Add($"unexpected hyperparameter '{key}' in the state");

        var steps = new long[Parameters.Count];
        var savedSteps = s.ParameterSteps ?? new Dictionary<string, long>();
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Parameters.Count; i++)
        {
            byName[Parameters[i].Name] = i;
            if (!savedSteps.TryGetValue(Parameters[i].Name, out steps[i])) errors.Add($"step count of parameter '{Parameters[i].Name}' is missing from the state");
            else if (steps[i] < 0) errors.Add($"step count of parameter '{Parameters[i].Name}' is negative ({steps[i]})");
        }
        foreach (string key in savedSteps.Keys)
            if (!byName.ContainsKey(key)) errors.Add($"step count for unknown parameter '{key}' in the state");

        var given = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (NamedTensor t in state.Buffers ?? [])
        {
            if (t is null) { errors.Add("a null buffer in the state"); continue; }
            if (!given.TryAdd(t.Name, t)) errors.Add($"buffer '{t.Name}' appears twice in the state");
        }
        var copies = new List<(NamedTensor From, float[] To)>();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (kind, index, buffer) in Buffers())
        {
            Parameter p = Parameters[index];
            string name = $"{kind}.{p.Name}";
            expected.Add(name);
            if (!given.TryGetValue(name, out NamedTensor? t)) { errors.Add($"buffer '{name}' is missing from the state"); continue; }
            if (t.Shape is null || t.Data is null || !t.Shape.AsSpan().SequenceEqual(p.Shape) || t.Data.Length != buffer.Length)
            {
                errors.Add($"buffer '{name}': state has shape [{string.Join(", ", t.Shape ?? [])}] with {t.Data?.Length ?? 0} values, parameter has [{string.Join(", ", p.Shape)}]");
                continue;
            }
            copies.Add((t, buffer));
        }
        foreach (string name in given.Keys)
            if (!expected.Contains(name)) errors.Add($"unexpected buffer '{name}' in the state");

        if (errors.Count > 0)
            throw new ArgumentException($"Cannot load {s.Algorithm} state into this {Algorithm} optimizer: {string.Join("; ", errors)}.", nameof(state));

        foreach (var (from, to) in copies) from.Data.AsSpan().CopyTo(to);
        steps.AsSpan().CopyTo(_parameterSteps);
        StepCount = s.StepCount;
        LearningRate = s.LearningRate;
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and within [<paramref name="min"/>, <paramref name="max"/>] (or below max when <paramref name="maxExclusive"/>).</summary>
    private protected static double Check(double value, string name, double min, double max, bool maxExclusive = false)
    {
        bool ok = double.IsFinite(value) && value >= min && (maxExclusive ? value < max : value <= max);
        if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{min}, {max}{(maxExclusive ? ")" : "]")}.");
        return value;
    }

    /// <summary>One zero-filled buffer per parameter.</summary>
    private protected float[][] NewBuffers()
    {
        var buffers = new float[Parameters.Count][];
        for (int i = 0; i < buffers.Length; i++) buffers[i] = new float[Parameters[i].Size];
        return buffers;
    }
}

/// <summary>An optimizer's full state: the per-parameter buffers and the scalars.</summary>
/// <param name="Scalars">Step counts, learning rate and hyperparameters (small, JSON-serialisable).</param>
/// <param name="Buffers">Per-parameter buffers named "&lt;kind&gt;.&lt;parameter name&gt;".</param>
public sealed record OptimizerState(OptimizerScalars Scalars, IReadOnlyList<NamedTensor> Buffers);

/// <summary>An optimizer's scalar state, JSON-serialisable with System.Text.Json.</summary>
/// <param name="Algorithm">The optimizer ("Sgd", "Adam", "AdamW", "RMSprop").</param>
/// <param name="StepCount">The number of completed steps.</param>
/// <param name="LearningRate">The current learning rate.</param>
/// <param name="Hyperparameters">The other hyperparameters by name ("beta1", "eps", "momentum", ...; flags as 0 or 1).</param>
/// <param name="ParameterSteps">Each parameter's own update count by parameter name (frozen steps are not counted).</param>
public sealed record OptimizerScalars(
    string Algorithm,
    long StepCount,
    double LearningRate,
    IReadOnlyDictionary<string, double> Hyperparameters,
    IReadOnlyDictionary<string, long> ParameterSteps);
