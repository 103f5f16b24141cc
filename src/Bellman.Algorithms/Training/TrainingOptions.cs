using Bellman.Nn.Layers;
using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Networks;

namespace Bellman.Algorithms.Training;

/// <summary>What every algorithm's options record has (keys <c>total_steps</c>, <c>eval_freq</c>).</summary>
public interface ITrainingOptions
{
    /// <summary>Environment steps to train for.</summary>
    long TotalSteps { get; }

    /// <summary>Environment steps between evaluations (0: none).</summary>
    int EvalFrequency { get; }

    /// <summary>Episodes per evaluation.</summary>
    int EvalEpisodes { get; }

    /// <summary>Threads for the learner's matrix products and optimizer steps (<see cref="Bellman.Nn.EngineThreads"/>); results are bit-identical for any value.</summary>
    int Threads => 1;

    /// <summary>Throws an <see cref="OptionException"/> naming the first invalid key.</summary>
    void Validate();
}

/// <summary>
/// The keys that every loop-driven algorithm shares: the budget, the parallel environments, the
/// discount, evaluation and logging, and the network's shape (<c>policy: mlp|cnn</c>, <c>net_arch</c>,
/// the convolutional extractor), as Stable-Baselines3's <c>policy</c> and <c>policy_kwargs</c>.
/// Derived records set their own defaults in their constructors.
/// </summary>
public abstract record TrainingOptions : ITrainingOptions
{
    /// <summary>Total environment steps (summed over the parallel environments).</summary>
    [Option("total_steps", "environment steps to train for")] public long TotalSteps { get; init; } = 50_000;
    /// <summary>Parallel environments.</summary>
    [Option("n_envs", "parallel environments (synchronous)")] public int NumEnvs { get; init; } = 1;
    /// <summary>The discount γ.</summary>
    [Option("gamma", "discount factor")] public double Gamma { get; init; } = 0.99;
    /// <summary>Hidden layer sizes.</summary>
    [Option("net_arch", "hidden layer sizes (after the features extractor)")] public int[] NetArch { get; init; } = [64, 64];
    /// <summary>The features extractor.</summary>
    [Option("policy", "mlp (flattened observations) or cnn (convolutions over image observations)")] public PolicyKind Policy { get; init; } = PolicyKind.Mlp;
    /// <summary>Filters of each convolutional layer (policy = cnn).</summary>
    [Option("cnn_filters", "filters of each convolution (policy = cnn)")] public int[] CnnFilters { get; init; } = [16];
    /// <summary>Kernel size of the convolutions.</summary>
    [Option("cnn_kernel_size", "kernel size of the convolutions (policy = cnn)")] public int CnnKernelSize { get; init; } = 3;
    /// <summary>Stride of the convolutions.</summary>
    [Option("cnn_stride", "stride of the convolutions (policy = cnn)")] public int CnnStride { get; init; } = 1;
    /// <summary>The activation after each convolution (ReLU, as Stable-Baselines3's NatureCNN and MinAtar's DQN; MinAtar's AC(λ) uses SiLU).</summary>
    [Option("cnn_activation", "activation after each convolution (policy = cnn): relu, tanh, sigmoid, silu or dsilu")] public Activation CnnActivation { get; init; } = Activation.ReLU;
    /// <summary>Environment steps between evaluations.</summary>
    [Option("eval_freq", "environment steps between greedy evaluations (0 disables)")] public int EvalFrequency { get; init; } = 5_000;
    /// <summary>Episodes per evaluation.</summary>
    [Option("eval_episodes", "episodes per evaluation")] public int EvalEpisodes { get; init; } = 10;
    /// <summary>
    /// Ends training at the first evaluation whose mean return reaches this value (NaN: never), as
    /// Stable-Baselines3's <c>StopTrainingOnRewardThreshold</c> callback does; needs <c>eval_freq</c> &gt; 0.
    /// </summary>
    [Option("stop_at_return", "end training at the first evaluation whose mean return reaches this (nan: never; needs eval_freq > 0)")] public double StopAtReturn { get; init; } = double.NaN;
    /// <summary>Environment steps between snapshots.</summary>
    [Option("log_interval", "environment steps between progress snapshots")] public int LogInterval { get; init; } = 1_000;
    /// <summary>
    /// Threads the learner's large matrix products and optimizer steps may use while training
    /// (<see cref="Bellman.Nn.EngineThreads.Max"/>, as PyTorch's <c>torch.set_num_threads</c>). Work is split by whole
    /// output elements, so a run's results are bit-identical for any value; environments and acting stay on the
    /// training thread.
    /// </summary>
    [Option("threads", "threads for the learner's matrix products and optimizer steps (bit-identical results for any value)")] public int Threads { get; init; } = 1;

    /// <summary>Whether a best evaluation of <paramref name="bestEvaluation"/> ends training (<see cref="StopAtReturn"/> reached).</summary>
    public bool StopsAt(double bestEvaluation) => Reached(StopAtReturn, bestEvaluation);

    /// <summary>Whether <paramref name="bestEvaluation"/> reaches the threshold <paramref name="stopAtReturn"/> (never when it is NaN).</summary>
    internal static bool Reached(double stopAtReturn, double bestEvaluation) => !double.IsNaN(stopAtReturn) && bestEvaluation >= stopAtReturn;

    /// <summary>The network shape these options describe.</summary>
    public NetworkSpec Network => new(Policy, NetArch, CnnFilters, CnnKernelSize, CnnStride, CnnActivation);

    /// <summary>Throws an <see cref="OptionException"/> naming the first invalid key.</summary>
    public virtual void Validate()
    {
        Require(TotalSteps > 0, "total_steps", TotalSteps, "must be positive");
        Require(NumEnvs > 0, "n_envs", NumEnvs, "must be positive");
        Require(Gamma is >= 0 and <= 1, "gamma", Gamma, "must be in [0, 1]");
        Require(NetArch.All(h => h > 0), "net_arch", NetArch, "needs positive layer sizes");
        Require(CnnFilters.Length > 0 && CnnFilters.All(f => f > 0), "cnn_filters", CnnFilters, "needs at least one positive filter count");
        Require(CnnKernelSize > 0, "cnn_kernel_size", CnnKernelSize, "must be positive");
        Require(CnnStride > 0, "cnn_stride", CnnStride, "must be positive");
        Require(CnnActivation != Activation.None && Enum.IsDefined(CnnActivation), "cnn_activation", CnnActivation, "must be relu, tanh, sigmoid, silu or dsilu");
        Require(EvalFrequency >= 0, "eval_freq", EvalFrequency, "must be non-negative");
        Require(EvalEpisodes > 0, "eval_episodes", EvalEpisodes, "must be positive");
        Require(!double.IsInfinity(StopAtReturn), "stop_at_return", StopAtReturn, "must be a finite return, or nan for none");
        Require(double.IsNaN(StopAtReturn) || EvalFrequency > 0, "stop_at_return", StopAtReturn, "needs evaluations to compare with: set eval_freq > 0");
        Require(LogInterval > 0, "log_interval", LogInterval, "must be positive");
        Require(Threads is >= 1 and <= 256, "threads", Threads, $"must be between 1 and 256 (this machine has {System.Environment.ProcessorCount} processors)");
    }

    /// <summary>Throws an <see cref="OptionException"/> "<paramref name="key"/> = value is invalid: <paramref name="rule"/>" unless <paramref name="ok"/>.</summary>
    protected static void Require(bool ok, string key, object value, string rule)
    {
        if (!ok) throw new OptionException($"{key} = {OptionBinder.FormatValue(value)} is invalid: {rule}.");
    }
}

/// <summary>
/// The keys of the off-policy loop (<see cref="OffPolicyLoop"/>), with Stable-Baselines3's meanings:
/// the loop owns data collection, replay and the update schedule; an agent reads only its own keys
/// and learns what it needs of a batch (its size, its importance weights) from the batch itself.
/// </summary>
public abstract record OffPolicyOptions : TrainingOptions
{
    /// <summary>Replay capacity.</summary>
    [Option("buffer_size", "replay buffer capacity (transitions)")] public int BufferSize { get; init; } = 1_000_000;
    /// <summary>Steps of uniformly random actions before learning starts.</summary>
    [Option("learning_starts", "steps collected (with random actions) before the first gradient step")] public int LearningStarts { get; init; } = 100;
    /// <summary>Minibatch size.</summary>
    [Option("batch_size", "minibatch size")] public int BatchSize { get; init; } = 32;
    /// <summary>Vector steps between training phases.</summary>
    [Option("train_freq", "environment steps between training phases")] public int TrainFrequency { get; init; } = 4;
    /// <summary>Gradient steps per training phase (−1: one per environment step collected).</summary>
    [Option("gradient_steps", "gradient steps per training phase (-1: one per environment step collected)")] public int GradientSteps { get; init; } = 1;
    /// <summary>n of n-step returns.</summary>
    [Option("n_steps", "n-step returns (1 = one-step TD)")] public int NSteps { get; init; } = 1;
    /// <summary>Prioritized replay.</summary>
    [Option("prioritized", "proportional prioritized replay")] public bool Prioritized { get; init; }
    /// <summary>Priority exponent α.</summary>
    [Option("per_alpha", "prioritized replay exponent alpha")] public double PerAlpha { get; init; } = 0.6;
    /// <summary>Initial importance-sampling exponent β (annealed to 1).</summary>
    [Option("per_beta", "initial importance-sampling exponent beta (annealed to 1)")] public double PerBeta { get; init; } = 0.4;
    /// <summary>Priority floor ε.</summary>
    [Option("per_eps", "priority floor added to |TD error|")] public double PerEps { get; init; } = 1e-6;
    /// <summary>False: no buffer; each step's transitions make the batch (online learning).</summary>
    [Option("replay", "use a replay buffer (false: each step's transitions are the batch, one update per step)")] public bool Replay { get; init; } = true;
    /// <summary>
    /// Collect the next <c>train_freq</c> steps on the training thread while a second thread runs the training phase:
    /// each chunk is collected with a copy of the acting networks taken as that phase starts, so acting runs one
    /// training phase behind. The same seed and options give the same bits whether the two parts run on two
    /// processors or one after the other on one; the run differs from the same run without overlap.
    /// </summary>
    [Option("overlap_collection", "collect the next train_freq steps while another thread trains (acting one training phase behind)")] public bool OverlapCollection { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Require(BufferSize > 0, "buffer_size", BufferSize, "must be positive");
        Require(BatchSize > 0, "batch_size", BatchSize, "must be positive");
        Require(!Replay || BatchSize <= BufferSize, "batch_size", BatchSize, $"must not exceed buffer_size ({BufferSize})");
        Require(LearningStarts >= 0, "learning_starts", LearningStarts, "must be non-negative");
        Require(TrainFrequency > 0, "train_freq", TrainFrequency, "must be positive");
        Require(GradientSteps > 0 || GradientSteps == -1, "gradient_steps", GradientSteps, "must be positive or -1");
        Require(NSteps >= 1, "n_steps", NSteps, "must be at least 1");
        Require(PerAlpha >= 0, "per_alpha", PerAlpha, "must be non-negative");
        Require(PerBeta is >= 0 and <= 1, "per_beta", PerBeta, "must be in [0, 1]");
        Require(PerEps > 0, "per_eps", PerEps, "must be positive");
        Require(!OverlapCollection || Replay, "overlap_collection", OverlapCollection, "needs a replay buffer (replay = true): without one every step trains on its own transitions");
    }
}
