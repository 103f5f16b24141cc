using Bellman.Backgammon.Agents;
using Bellman.Backgammon.TdGammon;
using Bellman.Core.Random;

namespace Bellman.Backgammon.Tests.TdGammon;

public sealed class TdGammonTrainerTests
{
    [Fact]
    public void Same_seed_gives_bit_identical_weights()
    {
        float[][] Train()
        {
            var t = new TdGammonTrainer(new TdGammonOptions { Hidden = 10, Seed = 42 });
            for (int g = 0; g < 20; g++) t.PlayGame();
            return t.Network.Parameters.Select(p => p.Data.ToArray()).ToArray();
        }
        var a = Train();
        var b = Train();
        for (int k = 0; k < a.Length; k++) Assert.Equal(a[k], b[k]);
        var other = new TdGammonTrainer(new TdGammonOptions { Hidden = 10, Seed = 43 });
        other.PlayGame();
        Assert.NotEqual(a[0], other.Network.HiddenWeight.Data);
    }

    [Fact]
    public void A_saved_and_resumed_run_continues_bit_for_bit()
    {
        var options = new TdGammonOptions { Hidden = 6, Seed = 9 };
        var straight = new TdGammonTrainer(options);
        for (int g = 0; g < 30; g++) straight.PlayGame();

        string dir = Path.Combine(Path.GetTempPath(), "bellman-td-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var first = new TdGammonTrainer(options);
            for (int g = 0; g < 20; g++) first.PlayGame();
            TdGammonCheckpoint.Save(Path.Combine(dir, "checkpoint"), first);
            var resumed = TdGammonCheckpoint.Resume(Path.Combine(dir, "checkpoint"));
            Assert.Equal(20, resumed.Games);
            for (int g = 0; g < 10; g++) resumed.PlayGame();
            for (int k = 0; k < straight.Network.Parameters.Count; k++)
                Assert.Equal(straight.Network.Parameters[k].Data, resumed.Network.Parameters[k].Data);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// 3,000 self-play games (a few seconds) take the network from random-like play to beating the random
    /// player in at least 85% of 300 games (it reaches 99-100% in trial runs).
    /// </summary>
    [Fact]
    public void A_short_self_play_run_beats_the_random_player_by_a_wide_margin()
    {
        var trainer = new TdGammonTrainer(new TdGammonOptions { Hidden = 40, Seed = 0 });
        var agent = new TdGammonAgent(trainer.Network);
        var before = new Match().Play(agent, new RandomAgent(new Rng(11UL)), 300, new Rng(12UL));
        for (int g = 0; g < 3000; g++) trainer.PlayGame();
        var after = new Match().Play(agent, new RandomAgent(new Rng(11UL)), 300, new Rng(12UL));
        Assert.True(after.WinRate >= 0.85, $"win rate against random after 3000 games: {after.WinRate:P1} (before: {before.WinRate:P1})");
        Assert.True(after.WinRate > before.WinRate + 0.2, $"before {before.WinRate:P1}, after {after.WinRate:P1}");
        Assert.True(after.PointsPerGame > 1.0, $"points per game {after.PointsPerGame:F2}");
    }
}
