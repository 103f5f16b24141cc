using BenchmarkDotNet.Attributes;
using Bellman.Backgammon;
using Bellman.Backgammon.Agents;
using Bellman.Backgammon.TdGammon;
using Bellman.Core.Random;

namespace Bellman.Benchmarks;

/// <summary>
/// TD-Gammon self-play training games per second on one core (40 or 80 hidden units, one output or the
/// five gammon outputs, TD(λ) after every ply), measured after 500 warm-up games so that game lengths are those of a learning network rather than of
/// random weights; games/s = 1e9 / Mean(ns). The goal: at least 300 games/s.
/// </summary>
[MemoryDiagnoser]
public class TdGammonSelfPlayBenchmarks
{
    private const int Games = 50;
    private TdGammonTrainer _trainer = null!;

    /// <summary>Hidden units.</summary>
    [Params(40, 80)]
    public int Hidden { get; set; }

    /// <summary>Outputs: 1 (P(win)) or 5 (gammons and backgammons).</summary>
    [Params(1, 5)]
    public int Outputs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _trainer = new TdGammonTrainer(new TdGammonOptions { Hidden = Hidden, Outputs = Outputs, Seed = 0 });
        for (int g = 0; g < 500; g++) _trainer.PlayGame();
    }

    /// <summary>One operation = one self-play game with its TD(λ) updates.</summary>
    [Benchmark(OperationsPerInvoke = Games)]
    public int SelfPlayGame()
    {
        int plies = 0;
        for (int g = 0; g < Games; g++) plies += _trainer.PlayGame().Plies;
        return plies;
    }
}

/// <summary>
/// Move generation: positions per second (every distinct legal play of one position and roll), over
/// 2,000 (position, roll) pairs taken from games of random play; positions/s = 1e9 / Mean(ns).
/// </summary>
[MemoryDiagnoser]
public class MoveGenerationBenchmarks
{
    private Position[] _positions = null!;
    private (int, int)[] _dice = null!;
    private readonly MoveGenerator _generator = new();
    private readonly List<Play> _plays = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(7UL);
        var positions = new List<Position>();
        var dice = new List<(int, int)>();
        var match = new Match { OnPlay = (_, before, roll, _) => { positions.Add(before); dice.Add(roll); } };
        while (positions.Count < 2000) match.PlayGame(new RandomAgent(rng), new RandomAgent(rng), 0, rng);
        _positions = positions.Take(2000).ToArray();
        _dice = dice.Take(2000).ToArray();
    }

    /// <summary>One operation = all legal plays of one position and roll.</summary>
    [Benchmark(OperationsPerInvoke = 2000)]
    public int Generate()
    {
        int total = 0;
        for (int i = 0; i < _positions.Length; i++)
        {
            _generator.Generate(_positions[i], _dice[i].Item1, _dice[i].Item2, _plays);
            total += _plays.Count;
        }
        return total;
    }
}
