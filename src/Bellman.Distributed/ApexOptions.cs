using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.ValueBased;

namespace Bellman.Distributed;

/// <summary>
/// Options of an Ape-X run (Horgan et al. 2018, "Distributed Prioritized Experience Replay"): the actors'
/// side (ε_i = ε^(1 + α_ε · i / (N − 1)), K environments, n-step transitions, batches, parameter syncs), the
/// replay shards (capacity, α, and Reverb's rate limiter: a minimum size and a sample-to-insert ratio)
/// and the learner's DQN update (double Q, Huber, Adam, PER weights with β annealed to 1, a target network
/// copied every <see cref="TargetUpdateInterval"/> updates). Keys are set with <c>--set key=value</c>.
/// </summary>
public sealed record ApexOptions
{
    /// <summary>Environment steps over all actors after which the run stops.</summary>
    [Option("total_steps", "environment steps over all actors")] public long TotalSteps { get; init; } = 100_000;
    /// <summary>Environments per actor K.</summary>
    [Option("envs_per_actor", "environments per actor process")] public int EnvsPerActor { get; init; } = 4;
    /// <summary>n of the n-step returns.</summary>
    [Option("n_steps", "n-step returns")] public int NSteps { get; init; } = 3;
    /// <summary>γ.</summary>
    [Option("gamma", "discount factor")] public double Gamma { get; init; } = 0.99;
    /// <summary>Transitions per batch an actor sends.</summary>
    [Option("actor_batch", "transitions per batch an actor sends")] public int ActorBatch { get; init; } = 64;
    /// <summary>Actor vector steps between parameter fetches.</summary>
    [Option("sync_interval", "actor steps between parameter fetches")] public int SyncInterval { get; init; } = 100;
    /// <summary>ε of actor 0.</summary>
    [Option("epsilon_base", "epsilon of actor 0 (Ape-X: 0.4)")] public double EpsilonBase { get; init; } = 0.4;
    /// <summary>The spread of the actors' ε exponents.</summary>
    [Option("epsilon_alpha", "spread of the actors' epsilon exponents (Ape-X: 7)")] public double EpsilonAlpha { get; init; } = 7;
    /// <summary>Replay shards (grains).</summary>
    [Option("shards", "replay shards (grains)")] public int Shards { get; init; } = 2;
    /// <summary>Transitions held over all shards.</summary>
    [Option("buffer_size", "replay capacity over all shards")] public int BufferSize { get; init; } = 100_000;
    /// <summary>Priority exponent α.</summary>
    [Option("per_alpha", "priority exponent alpha")] public double PerAlpha { get; init; } = 0.6;
    /// <summary>Initial importance exponent β (annealed to 1).</summary>
    [Option("per_beta", "initial importance-sampling exponent beta (annealed to 1)")] public double PerBeta { get; init; } = 0.4;
    /// <summary>Priority floor ε.</summary>
    [Option("per_eps", "priority floor added to |TD error|")] public double PerEps { get; init; } = 1e-6;
    /// <summary>Transitions held before the learner samples.</summary>
    [Option("min_replay", "transitions held before the learner samples")] public int MinReplay { get; init; } = 2_000;
    /// <summary>Rows sampled per transition inserted (0: no ratio, only the minimum size).</summary>
    [Option("samples_per_insert", "rows sampled per transition inserted (0: unlimited)")] public double SamplesPerInsert { get; init; } = 8;
    /// <summary>The limiter's error buffer in sampled rows.</summary>
    [Option("rate_error_buffer", "how far (in sampled rows) the sample-to-insert ratio may drift")] public double RateErrorBuffer { get; init; } = 20_000;
    /// <summary>Learner batch size.</summary>
    [Option("batch_size", "learner minibatch size")] public int BatchSize { get; init; } = 64;
    /// <summary>Adam's learning rate.</summary>
    [Option("learning_rate", "learner learning rate (Adam)")] public double LearningRate { get; init; } = 1e-3;
    /// <summary>Learner updates between target-network copies.</summary>
    [Option("target_update_interval", "learner updates between target copies")] public int TargetUpdateInterval { get; init; } = 250;
    /// <summary>Learner updates between parameter publications.</summary>
    [Option("publish_interval", "learner updates between parameter publications")] public int PublishInterval { get; init; } = 25;
    /// <summary>Hidden layers.</summary>
    [Option("net_arch", "hidden layer sizes")] public int[] NetArch { get; init; } = [128, 128];
    /// <summary>Dueling heads.</summary>
    [Option("dueling", "dueling heads")] public bool Dueling { get; init; }
    /// <summary>Double Q-learning targets.</summary>
    [Option("double_q", "double Q-learning targets")] public bool DoubleQ { get; init; } = true;
    /// <summary>Gradient-norm clip.</summary>
    [Option("max_grad_norm", "gradient norm clip (0 disables)")] public double MaxGradNorm { get; init; } = 10;
    /// <summary>Environment steps between greedy evaluations.</summary>
    [Option("eval_freq", "environment steps between greedy evaluations (0 disables)")] public int EvalFrequency { get; init; } = 10_000;
    /// <summary>Episodes per evaluation.</summary>
    [Option("eval_episodes", "episodes per evaluation")] public int EvalEpisodes { get; init; } = 10;
    /// <summary>Environment steps between snapshots.</summary>
    [Option("log_interval", "environment steps between progress snapshots")] public int LogInterval { get; init; } = 2_000;
    /// <summary>
    /// Lock-step mode: the actors' inserts, the learner's updates and the parameter fetches happen in one fixed order
    /// (actor i's batch, then every update the rate limiter allows, then the next actor's batch), so that a run is
    /// reproducible bit for bit and resumes exactly. Null: on with one actor, off with several.
    /// </summary>
    [Option("lockstep", "fixed order of inserts, updates and fetches: reproducible, resumable exactly (null: on with one actor)")] public bool? Lockstep { get; init; }
    /// <summary>Stop early once an evaluation reaches this mean (NaN: never).</summary>
    [Option("stop_at_return", "stop once a greedy evaluation reaches this mean (nan: never)")] public double StopAtReturn { get; init; } = double.NaN;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad key.</summary>
    public void Validate()
    {
        Require(TotalSteps > 0, "total_steps", TotalSteps, "must be positive");
        Require(EnvsPerActor > 0, "envs_per_actor", EnvsPerActor, "must be positive");
        Require(NSteps is > 0 and <= 100, "n_steps", NSteps, "must be in 1..100");
        Require(Gamma is >= 0 and <= 1, "gamma", Gamma, "must be in [0, 1]");
        Require(ActorBatch is > 0 and <= 4096, "actor_batch", ActorBatch, "must be in 1..4096");
        Require(SyncInterval > 0, "sync_interval", SyncInterval, "must be positive");
        Require(EpsilonBase is >= 0 and <= 1, "epsilon_base", EpsilonBase, "must be in [0, 1]");
        Require(EpsilonAlpha >= 0, "epsilon_alpha", EpsilonAlpha, "must be non-negative");
        Require(Shards is > 0 and <= 1024, "shards", Shards, "must be in 1..1024");
        Require(BufferSize >= Shards, "buffer_size", BufferSize, "must be at least the number of shards");
        Require(PerAlpha >= 0, "per_alpha", PerAlpha, "must be non-negative");
        Require(PerBeta is >= 0 and <= 1, "per_beta", PerBeta, "must be in [0, 1]");
        Require(PerEps > 0, "per_eps", PerEps, "must be positive");
        Require(MinReplay > 0 && MinReplay <= BufferSize, "min_replay", MinReplay, "must be in 1..buffer_size");
        Require(SamplesPerInsert >= 0 && double.IsFinite(SamplesPerInsert), "samples_per_insert", SamplesPerInsert, "must be a non-negative number");
        Require(Lockstep != true || SamplesPerInsert > 0, "samples_per_insert", SamplesPerInsert,
            "must be positive with lockstep=true (the ratio fixes how many updates each batch is due)");
        Require(RateErrorBuffer >= BatchSize, "rate_error_buffer", RateErrorBuffer, "must be at least batch_size");
        Require(BatchSize > 0, "batch_size", BatchSize, "must be positive");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning_rate", LearningRate, "must be a positive number");
        Require(TargetUpdateInterval > 0, "target_update_interval", TargetUpdateInterval, "must be positive");
        Require(PublishInterval > 0, "publish_interval", PublishInterval, "must be positive");
        Require(NetArch.Length > 0 && NetArch.All(h => h > 0), "net_arch", NetArch, "needs at least one positive layer size");
        Require(MaxGradNorm >= 0, "max_grad_norm", MaxGradNorm, "must be non-negative");
        Require(EvalFrequency >= 0, "eval_freq", EvalFrequency, "must be non-negative");
        Require(EvalEpisodes > 0, "eval_episodes", EvalEpisodes, "must be positive");
        Require(LogInterval > 0, "log_interval", LogInterval, "must be positive");
    }

    /// <summary>ε_i = ε^(1 + α_ε · i / (N − 1)) of actor <paramref name="index"/> of <paramref name="actors"/> (ε itself for one actor).</summary>
    public static double ActorEpsilon(int index, int actors, double epsilonBase, double epsilonAlpha) =>
        actors <= 1 ? epsilonBase : Math.Pow(epsilonBase, 1 + epsilonAlpha * index / (actors - 1));

    /// <summary>The DQN options of the learner's update rule (and of the actors' local network).</summary>
    public DqnOptions ToDqnOptions() => new()
    {
        TotalSteps = TotalSteps, Gamma = Gamma, NetArch = NetArch, Dueling = Dueling, DoubleQ = DoubleQ, LearningRate = LearningRate,
        BatchSize = BatchSize, BufferSize = BufferSize, NSteps = NSteps, Prioritized = true, PerAlpha = PerAlpha, PerBeta = PerBeta, PerEps = PerEps,
        TargetUpdateInterval = TargetUpdateInterval, Tau = 1.0, MaxGradNorm = MaxGradNorm, Loss = TdLoss.Huber, EvalFrequency = EvalFrequency,
        EvalEpisodes = EvalEpisodes, LogInterval = LogInterval, LearningStarts = MinReplay,
    };

    private static void Require(bool ok, string key, object value, string rule)
    {
        if (!ok) throw new ArgumentException($"{key} = {OptionBinder.FormatValue(value)} {rule}.");
    }
}
