using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Training;

namespace Bellman.Algorithms.ValueBased;

/// <summary>
/// Options of fitted Q-iteration, with the lecture's names: each round collects N transitions with
/// the current ε-greedy policy (ε = 1: uniformly random), then K times sets the targets
/// y_i = r_i + γ max_a' Q_φ(s'_i, a') from a frozen copy of φ and takes S gradient steps of regression.
/// </summary>
public sealed record FqiOptions : ITrainingOptions
{
    /// <summary>Environment steps in total (rounds × N).</summary>
    [Option("total_steps", "environment steps to collect in total (rounds of dataset_size)")] public long TotalSteps { get; init; } = 50_000;
    /// <summary>N: transitions collected per round.</summary>
    [Option("dataset_size", "N: transitions collected per round")] public int DatasetSize { get; init; } = 10_000;
    /// <summary>ε of the collection policy (1 = uniformly random).</summary>
    [Option("collect_eps", "epsilon of the epsilon-greedy collection policy (1 = random)")] public double CollectEpsilon { get; init; } = 0.1;
    /// <summary>Whether to keep the data of earlier rounds.</summary>
    [Option("keep_data", "regress on all data collected so far (false: only the latest round)")] public bool KeepData { get; init; } = true;
    /// <summary>K: target recomputations per round.</summary>
    [Option("iterations", "K: times the targets are recomputed per round")] public int Iterations { get; init; } = 20;
    /// <summary>S: gradient steps per target set.</summary>
    [Option("gradient_steps", "S: gradient steps of regression per target set")] public int GradientSteps { get; init; } = 100;
    /// <summary>Minibatch size of the regression.</summary>
    [Option("batch_size", "minibatch size")] public int BatchSize { get; init; } = 128;
    /// <summary>Learning rate.</summary>
    [Option("learning_rate", "optimizer learning rate")] public double LearningRate { get; init; } = 1e-3;
    /// <summary>γ.</summary>
    [Option("gamma", "discount factor")] public double Gamma { get; init; } = 0.99;
    /// <summary>Hidden sizes.</summary>
    [Option("net_arch", "hidden layer sizes")] public int[] NetArch { get; init; } = [256, 256];
    /// <summary>The regression loss.</summary>
    [Option("loss", "huber or mse")] public TdLoss Loss { get; init; } = TdLoss.Huber;
    /// <summary>Gradient-norm clip.</summary>
    [Option("max_grad_norm", "gradient norm clip (0 disables)")] public double MaxGradNorm { get; init; } = 10;
    /// <summary>Episodes per evaluation.</summary>
    [Option("eval_episodes", "episodes per evaluation (after every round)")] public int EvalEpisodes { get; init; } = 10;

    /// <inheritdoc/>
    public int EvalFrequency => DatasetSize;

    /// <inheritdoc/>
    void ITrainingOptions.Validate() => Validate();

    /// <summary>Throws an <see cref="OptionException"/> naming the first invalid key.</summary>
    public FqiOptions Validate()
    {
        static void Require(bool ok, string key, object value, string rule)
        {
            if (!ok) throw new OptionException($"{key} = {OptionBinder.FormatValue(value)} is invalid: {rule}.");
        }
        Require(TotalSteps > 0, "total_steps", TotalSteps, "must be positive");
        Require(DatasetSize > 0, "dataset_size", DatasetSize, "must be positive");
        Require(CollectEpsilon is >= 0 and <= 1, "collect_eps", CollectEpsilon, "must be in [0, 1]");
        Require(Iterations > 0, "iterations", Iterations, "must be positive");
        Require(GradientSteps > 0, "gradient_steps", GradientSteps, "must be positive");
        Require(BatchSize > 0 && BatchSize <= DatasetSize, "batch_size", BatchSize, $"must be positive and at most dataset_size ({DatasetSize})");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning_rate", LearningRate, "must be a positive number");
        Require(Gamma is >= 0 and <= 1, "gamma", Gamma, "must be in [0, 1]");
        Require(NetArch.Length > 0 && NetArch.All(h => h > 0), "net_arch", NetArch, "needs at least one positive layer size");
        Require(MaxGradNorm >= 0, "max_grad_norm", MaxGradNorm, "must be non-negative");
        Require(EvalEpisodes > 0, "eval_episodes", EvalEpisodes, "must be positive");
        return this;
    }

    /// <summary>The DQN options that give the same network, optimizer and regression step.</summary>
    public DqnOptions ToDqnOptions() => new()
    {
        TotalSteps = TotalSteps, LearningRate = LearningRate, BatchSize = BatchSize, BufferSize = Math.Max(BatchSize, DatasetSize), Gamma = Gamma,
        NetArch = NetArch, Loss = Loss, MaxGradNorm = MaxGradNorm, LearningStarts = 0, ExplorationInitialEps = CollectEpsilon,
        ExplorationFinalEps = CollectEpsilon, EvalEpisodes = EvalEpisodes,
    };
}
