using Bellman.Algorithms.Training;
using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Environments;
using Bellman.Environments.Vector;

namespace Bellman.Algorithms.ActorCritic;

/// <summary>
/// Assembles an on-policy run — REINFORCE, batch/online actor-critic or A2C, chosen by the options' type —
/// from an environment id: <c>n_envs</c> synchronous training environments, an evaluation environment,
/// the algorithm and the shared <see cref="OnPolicyLoop"/>. Everything random derives from the seed.
/// </summary>
public sealed class OnPolicyRun : ITrainingRun
{
    /// <summary>Builds the run; <paramref name="registry"/> defaults to <see cref="EnvRegistry.Default"/>.</summary>
    public OnPolicyRun(string envId, IReadOnlyDictionary<string, string> envOptions, OnPolicyOptions options, int seed,
        IMetricsSink? sink = null, RunState? resumeFrom = null, EnvRegistry? registry = null)
    {
        options.Validate();
        registry ??= EnvRegistry.Default;
        Options = options;
        Seed = seed;
        var probe = registry.Make(envId, envOptions);
        Envs = new SyncVectorEnvironment(Enumerable.Range(0, options.NumEnvs).Select(_ => (Func<IEnvironment>)(() => registry.Make(envId, envOptions))).ToArray());
        EvalEnv = registry.Make(envId, envOptions);
        Algorithm = CreateAlgorithm(probe, options, new Rng(Rng.DeriveSeed((ulong)seed, 1)));
        Loop = new OnPolicyLoop(Envs, EvalEnv, Algorithm, new OnPolicySettings
        {
            TotalSteps = options.TotalSteps, NSteps = options.NSteps, EvalFrequency = options.EvalFrequency,
            EvalEpisodes = options.EvalEpisodes, LogInterval = options.LogInterval,
        }, seed, sink, resumeFrom);
    }

    /// <summary>The options.</summary>
    public OnPolicyOptions Options { get; }

    /// <summary>The seed.</summary>
    public int Seed { get; }

    /// <summary>The training environments.</summary>
    public IVectorEnvironment Envs { get; }

    /// <summary>The evaluation environment.</summary>
    public IEnvironment EvalEnv { get; }

    /// <summary>The update rule (and its agent).</summary>
    public IOnPolicyAlgorithm Algorithm { get; }

    /// <summary>The loop.</summary>
    public OnPolicyLoop Loop { get; }

    /// <summary>The agent.</summary>
    public ActorCriticAgent Agent => Algorithm.Agent;

    /// <inheritdoc/>
    IAgent ITrainingRun.Agent => Agent;

    /// <inheritdoc/>
    public RunState State => Loop.State;

    /// <inheritdoc/>
    public RunState Run(CancellationToken cancellation) => Loop.Run(cancellation);

    /// <inheritdoc/>
    public EvaluationRecord Evaluate(long step, CancellationToken cancellation) => Loop.Evaluate(step, cancellation);

    /// <summary>The algorithm that <paramref name="options"/> select, for <paramref name="env"/>'s spaces.</summary>
    public static IOnPolicyAlgorithm CreateAlgorithm(IEnvironment env, OnPolicyOptions options, Rng init)
    {
        if (env.ObservationSpace is not Box box)
            throw new ArgumentException($"Policy-gradient agents need a Box observation space; {env.Name} has {env.ObservationSpace} (tabular environments: use `bellman solve`).");
        return options switch
        {
            A2cOptions a => new A2c(box.FlatSize, env.ActionSpace, a, init),
            ReinforceOptions r => new Reinforce(box.FlatSize, env.ActionSpace, r, init),
            ActorCriticOptions c => new BatchActorCritic(box.FlatSize, env.ActionSpace, c, init),
            _ => throw new ArgumentException($"No on-policy algorithm takes {options.GetType().Name}.", nameof(options)),
        };
    }

    /// <summary>An agent for <paramref name="env"/> built from options (for evaluating a checkpoint).</summary>
    public static ActorCriticAgent CreateAgent(IEnvironment env, OnPolicyOptions options) => CreateAlgorithm(env, options, new Rng(0)).Agent;

    /// <inheritdoc/>
    public void Dispose() => Envs.Dispose();
}
