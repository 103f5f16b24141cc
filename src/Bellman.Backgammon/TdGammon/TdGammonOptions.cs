namespace Bellman.Backgammon.TdGammon;

/// <summary>Options of TD-Gammon self-play training (Tesauro 1992: λ ≈ 0.7, α ≈ 0.1, γ = 1).</summary>
public sealed record TdGammonOptions
{
    /// <summary>Hidden sigmoid units (Tesauro used 40 and 80).</summary>
    public int Hidden { get; init; } = 40;

    /// <summary>
    /// Outputs of the network: 1 (TD-Gammon 1.0, P(white wins)) or 5 (gnubg's parametrisation: P(win),
    /// P(win gammon), P(win backgammon), P(lose gammon), P(lose backgammon); play by cubeless equity).
    /// </summary>
    public int Outputs { get; init; } = 1;

    /// <summary>Step size α.</summary>
    public float Alpha { get; init; } = 0.1f;

    /// <summary>Trace decay λ.</summary>
    public float Lambda { get; init; } = 0.7f;

    /// <summary>Initial weights are uniform in ±InitScale.</summary>
    public float InitScale { get; init; } = 0.1f;

    /// <summary>Seed of the initial weights and of the dice.</summary>
    public ulong Seed { get; init; }

    /// <summary>Throws when an option is out of range, naming it.</summary>
    public TdGammonOptions Validate()
    {
        if (Hidden is < 1 or > 1024) throw new ArgumentException($"hidden must be in 1..1024, got {Hidden}.");
        if (Outputs is not (1 or 5)) throw new ArgumentException($"outputs must be 1 (P(win)) or 5 (win, win gammon, win backgammon, lose gammon, lose backgammon), got {Outputs}.");
        if (!(Alpha > 0f) || !float.IsFinite(Alpha)) throw new ArgumentException($"alpha must be positive, got {Alpha}.");
        if (!(Lambda >= 0f && Lambda <= 1f)) throw new ArgumentException($"lambda must be in [0, 1], got {Lambda}.");
        if (!(InitScale >= 0f) || !float.IsFinite(InitScale)) throw new ArgumentException($"init-scale must be non-negative, got {InitScale}.");
        return this;
    }
}
