using Bellman.Backgammon.Agents;
using Bellman.Backgammon.Gnubg;
using Bellman.Core.Random;

namespace Bellman.Backgammon.Tests;

/// <summary>A fact that is skipped, with the reason printed, when GNU Backgammon is not installed.</summary>
public sealed class GnubgFactAttribute : FactAttribute
{
    public GnubgFactAttribute()
    {
        if (GnubgPlayer.Locate() is null) Skip = "GNU Backgammon is not installed (apt-get install gnubg, or set BELLMAN_GNUBG); skipping the gnubg interop test.";
    }
}

public sealed class GnubgTests
{
    [GnubgFact]
    public void Gnubg_expert_picks_the_reference_choice_and_it_is_among_our_legal_plays()
    {
        using var gnubg = GnubgPlayer.Start(GnubgLevel.Parse("expert"));
        var generator = new MoveGenerator();
        foreach (var c in ReferenceData.Cases.Where(c => c.ExpertChoice is not null).Take(12))
        {
            var position = PositionId.Decode(c.PositionId);
            var plays = generator.Generate(position, c.Dice[0], c.Dice[1]);
            int k = gnubg.Choose(position, c.Dice[0], c.Dice[1], plays.ToArray());
            Assert.Equal(c.ExpertChoice, PositionId.Encode(plays[k].Result));
        }
    }

    [GnubgFact]
    public void Gnubg_beginner_beats_the_random_player()
    {
        using var gnubg = GnubgPlayer.Start(GnubgLevel.Parse("beginner"));
        var result = new Match().Play(gnubg, new RandomAgent(new Rng(1UL)), 4, new Rng(2UL));
        Assert.Equal(4, result.Wins);
    }

    [Fact]
    public void Levels_parse_by_gnubgs_names_and_a_misspelt_one_is_a_clear_error()
    {
        Assert.Equal(2, GnubgLevel.Parse("World Class").Plies);
        Assert.Equal(0.06, GnubgLevel.Parse("beginner").Noise);
        var e = Assert.Throws<ArgumentException>(() => GnubgLevel.Parse("exprt"));
        Assert.Contains("'expert'", e.Message);
    }
}

public sealed class GnubgRatingTests
{
    [GnubgFact]
    public void Gnubg_rates_a_random_players_moves_far_worse_than_its_own()
    {
        using var gnubg = GnubgPlayer.Start(GnubgLevel.Parse("expert"));
        var recorder = new GameRecorder();
        var match = new Match { OnPlay = recorder.OnPlay, OnGameEnd = recorder.OnGameEnd };
        match.Play(gnubg, new RandomAgent(new Rng(3UL)), 2, new Rng(4UL));
        Assert.Equal(2, recorder.Games.Count);
        var expert = GnubgRating.Zero;
        var random = GnubgRating.Zero;
        foreach (var (first, turns, _) in recorder.Games)
        {
            var (p0, p1) = gnubg.Rate(first, turns, plies: 0);
            int moves = p0.TotalMoves + p1.TotalMoves;
            Assert.InRange(moves, turns.Count(t => t.Move.Length > 0), turns.Count);
            expert += p0;
            random += p1;
        }
        Console.WriteLine($"gnubg expert: {expert.UnforcedMoves} unforced moves, {expert.MilliEmg:0.0} mEMG (PR {expert.Pr:0.0}); random: {random.UnforcedMoves}, {random.MilliEmg:0.0} mEMG (PR {random.Pr:0.0})");
        Assert.True(random.UnforcedMoves > 10);
        // gnubg judges its own 0-ply choices with its own 0-ply evaluation: no error at all.
        Assert.Equal(0.0, expert.ErrorSkill, 6);
        Assert.True(random.MilliEmg > 50, $"random {random.MilliEmg} mEMG");
    }
}
