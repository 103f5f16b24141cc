using Bellman.Algorithms.Training;
using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Environments;
using Bellman.Environments.Vector;

namespace Bellman.Algorithms.ValueBased;

/// <summary>
/// Assembles a DQN run from an environment id and options: the training environments (a vector of
/// <c>n_envs</c> copies), a separate evaluation environment, the agent, and the shared off-policy loop.
/// Everything random derives from <see cref="Seed"/>.
/// </summary>
public sealed class DqnRun : ITrainingRun
{
    /// <summary>Builds the run; <paramref name="registry"/> defaults to <see cref="EnvRegistry.Default"/>.</summary>
    public DqnRun(string envId, IReadOnlyDictionary<string, string> envOptions, DqnOptions options, int seed,
        IMetricsSink? sink = null, RunState? resumeFrom = null, EnvRegistry? registry = null)
    {
        options.Validate();
        registry ??= EnvRegistry.Default;
        EnvId = envId;
        Options = options;
        Seed = seed;
        var probe = registry.Make(envId, envOptions);
        if (probe.ActionSpace is not Discrete discrete)
            throw new ArgumentException($"DQN needs a Discrete action space; {envId} has {probe.ActionSpace}. Use a continuous-action algorithm for it.");
        if (probe.ObservationSpace is not Box box)
            throw new ArgumentException($"DQN needs a Box observation space; {envId} has {probe.ObservationSpace} (tabular environments: use `bellman train q-learning` or `bellman solve`).");
        Envs = new SyncVectorEnvironment(Enumerable.Range(0, options.NumEnvs).Select(_ => (Func<IEnvironment>)(() => registry.Make(envId, envOptions))).ToArray());
        EvalEnv = registry.Make(envId, envOptions);
        Agent = new DqnAgent(box.FlatSize, discrete.N, options, new Rng(Rng.DeriveSeed((ulong)seed, 1)));
        Loop = new OffPolicyLoop(Envs, EvalEnv, Agent, ToSettings(options), seed, sink, resumeFrom);
    }

    /// <summary>The environment id.</summary>
    public string EnvId { get; }

    /// <summary>The options.</summary>
    public DqnOptions Options { get; }

    /// <summary>The seed.</summary>
    public int Seed { get; }

    /// <summary>The training environments.</summary>
    public IVectorEnvironment Envs { get; }

    /// <summary>The evaluation environment.</summary>
    public IEnvironment EvalEnv { get; }

    /// <summary>The agent.</summary>
    public DqnAgent Agent { get; }

    /// <summary>The loop.</summary>
    public OffPolicyLoop Loop { get; }

    /// <summary>The loop settings that DQN options imply.</summary>
    public static OffPolicySettings ToSettings(DqnOptions o) => new()
    {
        TotalSteps = o.TotalSteps, LearningStarts = o.LearningStarts, TrainFrequency = o.TrainFrequency, GradientSteps = o.GradientSteps,
        BatchSize = o.BatchSize, BufferSize = o.BufferSize, Gamma = o.Gamma, NSteps = o.NSteps, Prioritized = o.Prioritized,
        PerAlpha = o.PerAlpha, PerBeta = o.PerBeta, PerEps = o.PerEps, Replay = o.Replay, EvalFrequency = o.EvalFrequency,
        EvalEpisodes = o.EvalEpisodes,
    };

    /// <inheritdoc/>
    IAgent ITrainingRun.Agent => Agent;

    /// <inheritdoc/>
    public RunState State => Loop.State;

    /// <inheritdoc/>
    public RunState Run(CancellationToken cancellation) => Loop.Run(cancellation);

    /// <inheritdoc/>
    public EvaluationRecord Evaluate(long step, CancellationToken cancellation) => Loop.Evaluate(step, cancellation);

    /// <summary>A DQN agent for an environment, built from options (for evaluating a checkpoint).</summary>
    public static DqnAgent CreateAgent(IEnvironment env, DqnOptions options)
    {
        if (env.ActionSpace is not Discrete discrete || env.ObservationSpace is not Box box)
            throw new ArgumentException($"DQN needs Box observations and Discrete actions; {env.Name} has {env.ObservationSpace} and {env.ActionSpace}.");
        return new DqnAgent(box.FlatSize, discrete.N, options, new Rng(0));
    }

    /// <inheritdoc/>
    public void Dispose() => Envs.Dispose();
}
