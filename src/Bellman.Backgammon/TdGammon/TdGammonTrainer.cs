using System.Runtime.InteropServices;
using Bellman.Core.Random;

namespace Bellman.Backgammon.TdGammon;

/// <summary>
/// TD-Gammon self-play: one network plays both colours, each side greedily choosing the afterstate with the
/// best score for it (white the largest, black the smallest of <see cref="TdGammonNetwork.Score"/>: P(white
/// wins), or white's cubeless equity for a five-output network), all afterstates of a roll evaluated as one
/// batch; after every ply, TD(λ) moves each output y(s_t) toward y(s_{t+1}), and at the end toward the
/// outcome vector (<see cref="TdLambda"/>, <see cref="TdGammonNetwork.Outcome"/>). The state sequence
/// s_0, s_1, ... is the positions before each roll.
/// </summary>
public sealed class TdGammonTrainer
{
    /// <summary>A game longer than this is stopped (it cannot happen in practice; it bounds the loop).</summary>
    public const int MaxPlies = 10_000;

    private readonly MoveGenerator _moves = new();
    private readonly List<Play> _plays = [];
    private readonly AfterstateBatch _batch = new();
    private readonly int[] _index = new int[TesauroEncoding.MaxNonZero];
    private readonly float[] _value = new float[TesauroEncoding.MaxNonZero];
    private readonly float[] _hidden;
    private readonly float[] _v, _next, _delta;
    private readonly Rng _dice;

    /// <summary>A trainer with a fresh network, both seeded from <see cref="TdGammonOptions.Seed"/>.</summary>
    public TdGammonTrainer(TdGammonOptions options)
        : this(options, new TdGammonNetwork(options.Validate().Hidden, new Rng(Rng.DeriveSeed(options.Seed, 1)), options.InitScale, options.Outputs), new Rng(Rng.DeriveSeed(options.Seed, 2)))
    {
    }

    /// <summary>A trainer of an existing network with the given dice generator.</summary>
    public TdGammonTrainer(TdGammonOptions options, TdGammonNetwork network, Rng dice)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(dice);
        options.Validate();
        if (network.Hidden != options.Hidden) throw new ArgumentException($"The network has {network.Hidden} hidden units, the options say {options.Hidden}.");
        if (network.Outputs != options.Outputs) throw new ArgumentException($"The network has {network.Outputs} outputs, the options say {options.Outputs}.");
        Options = options;
        Network = network;
        Td = new TdLambda(network, options.Alpha, options.Lambda);
        _hidden = new float[network.Hidden];
        _v = new float[network.Outputs];
        _next = new float[network.Outputs];
        _delta = new float[network.Outputs];
        _dice = dice;
    }

    /// <summary>The options.</summary>
    public TdGammonOptions Options { get; }

    /// <summary>The network being trained.</summary>
    public TdGammonNetwork Network { get; }

    /// <summary>The traces and the update rule.</summary>
    public TdLambda Td { get; }

    /// <summary>The dice generator (its state goes into checkpoints).</summary>
    public Rng DiceRng => _dice;

    /// <summary>Games trained so far.</summary>
    public long Games { get; set; }

    /// <summary>Seconds spent training so far, as the caller records them (kept across resumes).</summary>
    public double TrainSeconds { get; set; }

    /// <summary>Plays one self-play game, learning after every ply; the winner is 0 for white.</summary>
    public GameOutcome PlayGame()
    {
        Td.Reset();
        int onRoll = _dice.NextInt(2); // 0 white, 1 black
        Position position = Position.Start; // seen by the side on roll
        // s_0: the start with 'onRoll' to move = the afterstate of the other colour.
        ForwardAndTrace(position.Swap(), moverIsWhite: onRoll == 1);
        var (d1, d2) = Dice.RollOpening(_dice);
        for (int ply = 1; ply <= MaxPlies; ply++)
        {
            bool white = onRoll == 0;
            _moves.Generate(position, d1, d2, _plays);
            Position after;
            if (_plays.Count == 0)
            {
                after = position;
                Forward(after, white, _next);
            }
            else
            {
                var values = _batch.Evaluate(Network, CollectionsMarshal.AsSpan(_plays), white);
                int best = white ? AfterstateBatch.ArgMax(values) : AfterstateBatch.ArgMin(values);
                after = _plays[best].Result;
                _batch.Outputs(best).CopyTo(_next);
            }
            int points = Scoring.PointsWonByMover(after);
            if (points > 0)
            {
                TdGammonNetwork.Outcome(white, points, _next);
                UpdateToward(_next);
                Games++;
                return new GameOutcome(onRoll, points, ply);
            }
            UpdateToward(_next);
            ForwardAndTrace(after, white);
            position = after.Swap();
            onRoll ^= 1;
            (d1, d2) = Dice.Roll(_dice);
        }
        Games++;
        return new GameOutcome(-1, 0, MaxPlies);
    }

    /// <summary>TD(λ) step with δ = target − y(s_t).</summary>
    private void UpdateToward(ReadOnlySpan<float> target)
    {
        for (int k = 0; k < _delta.Length; k++) _delta[k] = target[k] - _v[k];
        Td.Update(_delta);
    }

    private void Forward(in Position afterstate, bool moverIsWhite, Span<float> y)
    {
        int n = TesauroEncoding.Encode(afterstate, moverIsWhite, _index, _value);
        Network.Forward(_index.AsSpan(0, n), _value.AsSpan(0, n), _hidden, y);
    }

    /// <summary>y(s_t) into the current values and its gradient into the traces.</summary>
    private void ForwardAndTrace(in Position afterstate, bool moverIsWhite)
    {
        int n = TesauroEncoding.Encode(afterstate, moverIsWhite, _index, _value);
        Network.Forward(_index.AsSpan(0, n), _value.AsSpan(0, n), _hidden, _v);
        Td.Accumulate(_index.AsSpan(0, n), _value.AsSpan(0, n), _hidden, _v);
    }
}
