using Bellman.Core.Random;

namespace Bellman.Algorithms.Continuous;

/// <summary>The exploration noise a deterministic actor adds to μθ(s) in the scaled action space.</summary>
public enum ActionNoiseKind
{
    /// <summary>No noise (Stable-Baselines3's default for TD3 and DDPG).</summary>
    None,
    /// <summary>Independent Gaussian noise N(0, σ²) at every step.</summary>
    Normal,
    /// <summary>Temporally correlated Ornstein–Uhlenbeck noise, reset at episode ends.</summary>
    OrnsteinUhlenbeck,
}

/// <summary>
/// Exploration noise for <c>envs</c> parallel environments, each with its own state where the process
/// has one. Draws come from the generator the caller passes (the loop's action generator).
/// </summary>
public abstract class ActionNoise
{
    /// <summary>Writes the next noise vector of environment <paramref name="env"/> into <paramref name="destination"/>.</summary>
    public abstract void Sample(int env, Rng rng, Span<float> destination);

    /// <summary>Resets the state of environment <paramref name="env"/> (at the end of its episode).</summary>
    public virtual void Reset(int env) { }

    /// <summary>Writes the process's state (nothing for a memoryless noise) for a checkpoint.</summary>
    public virtual void WriteState(BinaryWriter writer) { }

    /// <summary>Reads what <see cref="WriteState"/> wrote.</summary>
    public virtual void ReadState(BinaryReader reader) { }

    /// <summary>The noise of <paramref name="kind"/> with scale <paramref name="sigma"/> for <paramref name="envs"/> environments of <paramref name="size"/> dimensions.</summary>
    public static ActionNoise? Create(ActionNoiseKind kind, int envs, int size, double sigma, double theta, double dt) => kind switch
    {
        ActionNoiseKind.None => null,
        ActionNoiseKind.Normal => new GaussianActionNoise(sigma),
        _ => new OrnsteinUhlenbeckNoise(envs, size, sigma, theta, dt),
    };
}

/// <summary>ε ~ N(0, σ²) per dimension, independent over steps (SB3's <c>NormalActionNoise</c> with mean 0).</summary>
/// <param name="sigma">The standard deviation σ.</param>
public sealed class GaussianActionNoise(double sigma) : ActionNoise
{
    /// <summary>σ.</summary>
    public double Sigma { get; } = sigma;

    /// <inheritdoc/>
    public override void Sample(int env, Rng rng, Span<float> destination)
    {
        for (int j = 0; j < destination.Length; j++) destination[j] = (float)(Sigma * rng.NextNormal());
    }
}

/// <summary>
/// The Ornstein–Uhlenbeck process of SB3's <c>OrnsteinUhlenbeckActionNoise</c> with mean μ = 0:
/// x ← x + θ (μ − x) dt + σ √dt · N(0, 1), starting at 0 and reset to 0 when an episode ends. Its
/// stationary standard deviation is σ / √(2θ − θ² dt) (about σ/√(2θ) for small dt) and its
/// lag-one autocorrelation 1 − θ dt.
/// </summary>
public sealed class OrnsteinUhlenbeckNoise : ActionNoise
{
    private readonly float[] _state;
    private readonly int _size;

    /// <summary>The process for <paramref name="envs"/> environments of <paramref name="size"/> dimensions (SB3: θ = 0.15, dt = 0.01).</summary>
    public OrnsteinUhlenbeckNoise(int envs, int size, double sigma, double theta = 0.15, double dt = 1e-2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(envs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (!(sigma >= 0) || !(theta >= 0) || !(dt > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), $"OU noise needs sigma ≥ 0, theta ≥ 0 and dt > 0 (got {sigma}, {theta}, {dt}).");
        _state = new float[envs * size];
        _size = size;
        Sigma = sigma;
        Theta = theta;
        Dt = dt;
    }

    /// <summary>σ.</summary>
    public double Sigma { get; }

    /// <summary>θ, the pull towards the mean.</summary>
    public double Theta { get; }

    /// <summary>The time step dt.</summary>
    public double Dt { get; }

    /// <summary>The current state of environment <paramref name="env"/>.</summary>
    public ReadOnlySpan<float> State(int env) => _state.AsSpan(env * _size, _size);

    /// <inheritdoc/>
    public override void Sample(int env, Rng rng, Span<float> destination)
    {
        var x = _state.AsSpan(env * _size, _size);
        double sqrtDt = Math.Sqrt(Dt);
        for (int j = 0; j < _size; j++)
        {
            x[j] = (float)(x[j] + Theta * (0.0 - x[j]) * Dt + Sigma * sqrtDt * rng.NextNormal());
            destination[j] = x[j];
        }
    }

    /// <inheritdoc/>
    public override void Reset(int env) => _state.AsSpan(env * _size, _size).Clear();

    /// <inheritdoc/>
    public override void WriteState(BinaryWriter writer) => Bellman.Core.State.StateIO.WriteSpan(writer, _state);

    /// <inheritdoc/>
    public override void ReadState(BinaryReader reader) => Bellman.Core.State.StateIO.ReadInto(reader, _state);
}
