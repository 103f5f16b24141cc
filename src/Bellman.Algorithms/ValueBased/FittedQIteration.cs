using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Environments;

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
public sealed class FittedQIteration : ITrainingRun
{
    private readonly FqiOptions _options;
    private readonly IEnvironment _env;
    private readonly IEnvironment _evalEnv;
    private readonly int _seed;
    private readonly Rng _collectRng;
    private readonly Rng _replayRng;
    private readonly RunBookkeeping _book;

    /// <summary>Builds the run from the registry.</summary>
    public FittedQIteration(string envId, IReadOnlyDictionary<string, string> envOptions, FqiOptions options, int seed, IMetricsSink? sink = null, RunState? resumeFrom = null, EnvRegistry? registry = null)
    {
        _options = options.Validate();
        registry ??= EnvRegistry.Default;
        _env = registry.Make(envId, envOptions);
        _evalEnv = registry.Make(envId, envOptions);
        Agent = CreateAgent(_env, options, new Rng(Rng.DeriveSeed((ulong)seed, 1)));
        _seed = seed;
        _book = new RunBookkeeping(sink ?? NullMetricsSink.Instance, resumeFrom ?? new RunState(), options.TotalSteps, options.DatasetSize, options.DatasetSize);
        ulong stream = (ulong)seed ^ ((ulong)State.Step << 20);
        _collectRng = new Rng(Rng.DeriveSeed(stream, 11));
        _replayRng = new Rng(Rng.DeriveSeed(stream, 12));
    }

    /// <summary>The agent (Q network, frozen copy, optimizer).</summary>
    public DqnAgent Agent { get; }

    IAgent ITrainingRun.Agent => Agent;

    /// <inheritdoc/>
    public RunState State => _book.State;

    /// <summary>A Q-network agent for <paramref name="env"/> with these options.</summary>
    public static DqnAgent CreateAgent(IEnvironment env, FqiOptions options, Rng init)
    {
        if (env.ActionSpace is not Discrete discrete || env.ObservationSpace is not Box box)
            throw new ArgumentException($"Fitted Q-iteration needs Box observations and Discrete actions; {env.Name} has {env.ObservationSpace} and {env.ActionSpace}.");
        return new DqnAgent(box.FlatSize, discrete.N, options.ToDqnOptions(), init);
    }

    /// <inheritdoc/>
    public RunState Run(CancellationToken cancellation)
    {
        var o = _options;
        int obsSize = _env.ObservationSpace.FlatSize;
        long capacity = o.KeepData ? Math.Min(o.TotalSteps, int.MaxValue / 2) : o.DatasetSize;
        var data = new ReplayBuffer((int)Math.Max(capacity, o.BatchSize), obsSize, 1, discreteActions: true);
        var batch = new ReplayBatch(o.BatchSize, obsSize, 1);
        var td = new float[o.BatchSize];
        var previous = new float[obsSize];
        var action = new float[1];
        long step = State.Step;
        double episodeReturn = 0;
        int episodeLength = 0;
        Func<long, EvaluationRecord> evaluate = at => Evaluate(at, cancellation);
        var obs = _env.Reset(_seed + (int)(step % 1_000_000));
        while (step < o.TotalSteps && !cancellation.IsCancellationRequested)
        {
            // 1. collect N transitions with the current ε-greedy policy.
            long before = step, roundEnd = Math.Min(o.TotalSteps, step + o.DatasetSize);
            while (step < roundEnd)
            {
                obs.CopyTo(previous);
                Agent.Act(previous, 1, action, progress: 0, _collectRng);
                int a = (int)action[0];
                var r = _env.Step(a);
                data.Add(previous, a, r.Reward, _env.Observation, r.Terminated, r.Truncated);
                step++;
                episodeReturn += r.Reward;
                episodeLength++;
                if (r.Terminated || r.Truncated)
                {
                    _book.Episode(step, episodeReturn, episodeLength);
                    episodeReturn = 0;
                    episodeLength = 0;
                    obs = _env.Reset();
                }
                else obs = _env.Observation;
            }
            // 2–3. K times: freeze φ' ← φ, then S gradient steps toward y = r + γ max Q_φ'(s', ·).
            for (int k = 0; k < o.Iterations && !cancellation.IsCancellationRequested; k++)
            {
                Agent.Target.CopyFrom(Agent.Q);
                for (int sIndex = 0; sIndex < o.GradientSteps; sIndex++)
                {
                    data.Sample(_replayRng, batch, o.Gamma);
                    var stats = Agent.Train(batch, td, (double)step / o.TotalSteps);
                    _book.Update(stats.Loss, stats.MeanQ, step);
                }
            }
            // A round always ends on an evaluation (the last one may be shorter than dataset_size).
            _book.Advance(step == o.TotalSteps && step % o.DatasetSize != 0 ? step - o.DatasetSize : before, step, o.CollectEpsilon, evaluate);
        }
        return State;
    }

    /// <inheritdoc/>
    public EvaluationRecord Evaluate(long step, CancellationToken cancellation) =>
        Evaluation.Run(_evalEnv, Agent.Greedy, _options.EvalEpisodes, _seed + 1_000_000, step, cancellation);

    /// <inheritdoc/>
    public void Dispose() { }
}
