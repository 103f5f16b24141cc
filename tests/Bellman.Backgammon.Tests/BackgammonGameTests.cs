using Bellman.Core.Random;

namespace Bellman.Backgammon.Tests;

public sealed class BackgammonGameTests
{
    private static (int Winner, int Points, int Plies, string Last) PlayRandom(ulong seed)
    {
        var game = new BackgammonGame();
        var rng = new Rng(seed);
        game.Reset(rng, starter: 1);
        Assert.Equal(1, game.PlayerOnRoll);
        Assert.NotEqual(game.Dice.Die1, game.Dice.Die2);
        double reward = 0;
        while (!game.IsOver)
        {
            int n = game.LegalPlays.Length;
            var r = game.Step(n == 0 ? 0 : rng.NextInt(n));
            reward = r.Reward;
            Assert.Equal(game.IsOver, r.Terminated);
        }
        Assert.Equal(game.Points, reward);
        Assert.Equal(15, game.Position.MineOff);
        Assert.Throws<InvalidOperationException>(() => game.Step(0));
        return (game.Winner, game.Points, game.Ply, PositionId.Encode(game.Position));
    }

    [Fact]
    public void A_random_game_ends_with_the_winner_bearing_off_and_the_same_seed_replays_it()
    {
        var a = PlayRandom(5);
        Assert.InRange(a.Winner, 0, 1);
        Assert.InRange(a.Points, 1, 3);
        Assert.Equal(a, PlayRandom(5));
        Assert.NotEqual(a, PlayRandom(6));
    }

    [Fact]
    public void An_index_outside_the_legal_plays_is_an_error()
    {
        var game = new BackgammonGame();
        game.Reset(new Rng(1UL), 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => game.Step(game.LegalPlays.Length));
    }
}
