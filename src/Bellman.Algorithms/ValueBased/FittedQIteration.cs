using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Core.Environments;
using Bellman.Core.Random;

namespace Bellman.Algorithms.ValueBased;

/// <summary>
/// The lecture's full fitted Q-iteration algorithm, in rounds:
/// <list type="number">
/// <item>collect dataset {(s_i, a_i, s'_i, r_i)} using some policy (N transitions, ε-greedy in the current Q);</item>
/// <item>set y_i ← r(s_i, a_i) + γ max_a' Q_φ(s'_i, a'_i) (from a frozen copy of φ, K times per round);</item>
/// <item>set φ ← argmin_φ ½ Σ_i ‖Q_φ(s_i, a_i) − y_i‖² (S minibatch gradient steps per target set).</item>
/// </list>
/// Targets use the true final observation at a time-limit truncation and no bootstrap at termination.
/// The regression step is DQN's (<see cref="DqnAgent.Train"/>) with the frozen copy as its target network.
/// </summary>
public sealed class FittedQIteration : Algorithm
{
    /// <summary>The catalogue name.</summary>
    public const string AlgorithmName = "fqi";

    private readonly IEnvironment _env;
    private readonly IEnvironment? _evalEnv;
    private readonly RunBookkeeping _book;
    private readonly ReplayBuffer _data;
    private readonly ReplayBatch _batch;
    private readonly float[] _td, _previous, _action = new float[1];
    private Rng? _collectRng, _replayRng, _updateRng;
    private ReadOnlySpan<float> Observation => _env.Observation;
    private double _episodeReturn;
    private int _episodeLength;

    /// <summary>The built-in presets.</summary>
    public static IReadOnlyList<Preset<FqiOptions>> Presets { get; } =
    [
        new("fqi-CartPole-v1", "CartPole-v1", "fitted Q-iteration on CartPole: 5 rounds of 10k transitions, K = 20, S = 100", new FqiOptions()),
    ];

    /// <summary>Fitted Q-iteration on <paramref name="environment"/> (one environment collects; a second evaluates).</summary>
    public FittedQIteration(EnvironmentSource environment, FqiOptions? options = null, int seed = 0)
        : base(AlgorithmName, environment, options ?? new FqiOptions(), seed)
    {
        var o = FqiOptions = (FqiOptions)Options;
        var probe = environment.Probe;
        Agent = new DqnAgent(probe.ObservationSpace, probe.ActionSpace, o.ToDqnOptions(), new Rng(Rng.DeriveSeed((ulong)seed, 1)));
        _env = environment.TrainingFactories(1)[0]();
        _evalEnv = environment.MakeEvaluationEnvironment();
        _book = new RunBookkeeping(new UpdateMetrics(Agent.Metrics), new RunState(), o.DatasetSize, o.EvalEpisodes, o.DatasetSize);
        int obsSize = probe.ObservationSpace.FlatSize;
        long capacity = o.KeepData ? Math.Min(o.TotalSteps, int.MaxValue / 2) : o.DatasetSize;
        _data = new ReplayBuffer((int)Math.Max(capacity, o.BatchSize), obsSize, 1, discreteActions: true);
        _batch = new ReplayBatch(o.BatchSize, obsSize, 1);
        _td = new float[o.BatchSize];
        _previous = new float[obsSize];
    }

    /// <summary>The options.</summary>
    public FqiOptions FqiOptions { get; }

    /// <summary>The agent (Q network, frozen copy, optimizer).</summary>
    public override DqnAgent Agent { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<MetricDefinition> Metrics => Agent.Metrics;

    /// <inheritdoc/>
    public override RunState State
    {
        get => _book.State;
        protected set
        {
            if (_collectRng is not null) throw new InvalidOperationException("The run has started; its counters can no longer be replaced.");
            _book.State = value;
        }
    }

    /// <inheritdoc/>
    public override bool CanEvaluate => _evalEnv is not null;

    /// <inheritdoc/>
    public override RunState Run(long targetStep, IMetricsSink sink, CancellationToken cancellation)
    {
        var o = FqiOptions;
        var metrics = _book.Metrics;
        _book.Sink = sink;
        _book.TargetStep = targetStep;
        _book.StartClock();
        long step = State.Step;
        Func<long, EvaluationRecord>? evaluate = _evalEnv is null ? null : at => Evaluation.Run(_evalEnv, Agent.Greedy, o.EvalEpisodes, Evaluation.SeedFor(Seed), at, cancellation);
        _book.RunPendingEvaluation(evaluate);
        if (_collectRng is null)
        {
            ulong stream = (ulong)Seed ^ ((ulong)step << 20);
            _collectRng = new Rng(Rng.DeriveSeed(stream, 11));
            _replayRng = new Rng(Rng.DeriveSeed(stream, 12));
            _updateRng = new Rng(Rng.DeriveSeed(stream, 13));
            _env.Reset(Seed + (int)(step % 1_000_000));
        }
        while (step < targetStep && !cancellation.IsCancellationRequested)
        {
            // 1. collect N transitions with the current ε-greedy policy.
            long before = step, roundEnd = Math.Min(targetStep, step + o.DatasetSize);
            while (step < roundEnd)
            {
                Observation.CopyTo(_previous);
                Agent.Act(_previous, 1, _action, progress: 0, _collectRng);
                int a = (int)_action[0];
                var r = _env.Step(a);
                _data.Add(_previous, a, r.Reward, _env.Observation, r.Terminated, r.Truncated);
                step++;
                _episodeReturn += r.Reward;
                _episodeLength++;
                if (r.Terminated || r.Truncated)
                {
                    _book.Episode(step, _episodeReturn, _episodeLength);
                    _episodeReturn = 0;
                    _episodeLength = 0;
                    _env.Reset();
                }
            }
            // 2–3. K times: freeze φ' ← φ, then S gradient steps toward y = r + γ max Q_φ'(s', ·).
            for (int k = 0; k < o.Iterations && !cancellation.IsCancellationRequested; k++)
            {
                Agent.Target.CopyFrom(Agent.Q);
                for (int sIndex = 0; sIndex < o.GradientSteps; sIndex++)
                {
                    _data.Sample(_replayRng!, _batch, o.Gamma);
                    Agent.Train(_batch, _td, new UpdateContext((double)step / targetStep, _updateRng!, metrics));
                    _book.Update(step);
                }
            }
            Agent.RecordExploration(0, metrics);
            // A round always ends on an evaluation (the last one may be shorter than dataset_size).
            _book.Advance(step == targetStep && step % o.DatasetSize != 0 ? step - o.DatasetSize : before, step, evaluate);
        }
        return State;
    }

    /// <inheritdoc/>
    public override EvaluationRecord Evaluate(CancellationToken cancellation = default) => _evalEnv is null
        ? throw new InvalidOperationException("No evaluation environment: a single environment instance was given; pass a factory to evaluate.")
        : Evaluation.Run(_evalEnv, Agent.Greedy, FqiOptions.EvalEpisodes, Evaluation.SeedFor(Seed), State.Step, cancellation);
}
