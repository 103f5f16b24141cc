using Bellman.Backgammon.Agents;
using Bellman.Backgammon.TdGammon;
using Bellman.Core.Random;

namespace Bellman.Backgammon.Tests.TdGammon;

/// <summary>The five-output (gammon and backgammon) TD-Gammon network: TD(λ) on the outcome vector, equity play, checkpoints.</summary>
public sealed class FiveOutputTests
{
    private static double Sig(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>
    /// Two TD(λ) steps on a 2-hidden-unit, 5-output network, against the equations worked out here in
    /// doubles with one trace vector per output: e_k ← λ e_k + ∇y_k; w ← w + α Σ_k δ_k e_k, the first δ
    /// toward the next state's outputs, the second toward the outcome vector of a white gammon [1, 1, 0, 0, 0].
    /// </summary>
    [Fact]
    public void Two_steps_with_per_output_traces_match_the_hand_computed_update()
    {
        const int K = 5, H = 2;
        var net = new TdGammonNetwork(H, new Rng(0UL), outputs: K);
        float[] w = net.HiddenWeight.Data;
        (w[3 * 2], w[3 * 2 + 1]) = (0.2f, -0.4f);
        (w[10 * 2], w[10 * 2 + 1]) = (0.5f, 0.1f);
        (w[20 * 2], w[20 * 2 + 1]) = (-0.3f, 0.6f);
        (net.HiddenBias.Data[0], net.HiddenBias.Data[1]) = (0.1f, -0.2f);
        float[] vInit = [0.7f, -0.5f, 0.3f, 0.9f, -0.8f, 0.2f, 0.4f, -0.6f, -0.1f, 0.5f];
        float[] cInit = [0.05f, -0.3f, -1.2f, 0.2f, -0.9f];
        vInit.CopyTo(net.OutputWeight.Data, 0);
        cInit.CopyTo(net.OutputBias.Data, 0);
        const double alpha = 0.1, lambda = 0.7;
        int[] i0 = [3, 10]; float[] v0 = [1f, 0.5f];
        int[] i1 = [3, 20]; float[] v1 = [1f, 1f];

        // --- the equations in doubles; parameters packed as W (rows 3, 10, 20) | b | v | c
        double[] W = [0.2, -0.4, 0.5, 0.1, -0.3, 0.6];
        double[] B = [0.1, -0.2];
        double[] V = vInit.Select(x => (double)x).ToArray();
        double[] C = cInit.Select(x => (double)x).ToArray();
        double[] X0 = [1, 0.5, 0], X1 = [1, 0, 1];
        const int P = 6 + H + K * H + K;
        (double[] y, double[] h) F(double[] x)
        {
            var h = new double[H];
            for (int j = 0; j < H; j++) h[j] = Sig(B[j] + x[0] * W[j] + x[1] * W[2 + j] + x[2] * W[4 + j]);
            var y = new double[K];
            for (int k = 0; k < K; k++) y[k] = Sig(C[k] + V[k * H] * h[0] + V[k * H + 1] * h[1]);
            return (y, h);
        }
        double[][] Grad(double[] x) // one gradient vector per output
        {
            var (y, h) = F(x);
            var d = new double[K][];
            for (int k = 0; k < K; k++)
            {
                d[k] = new double[P];
                double g = y[k] * (1 - y[k]);
                for (int j = 0; j < H; j++)
                {
                    double u = g * V[k * H + j] * h[j] * (1 - h[j]);
                    for (int r = 0; r < 3; r++) d[k][2 * r + j] = x[r] * u;
                    d[k][6 + j] = u;
                    d[k][8 + k * H + j] = g * h[j];
                }
                d[k][8 + K * H + k] = g;
            }
            return d;
        }
        void Apply(double[][] e, double[] delta)
        {
            var step = new double[P];
            for (int k = 0; k < K; k++) for (int p = 0; p < P; p++) step[p] += alpha * delta[k] * e[k][p];
            for (int p = 0; p < 6; p++) W[p] += step[p];
            for (int j = 0; j < H; j++) B[j] += step[6 + j];
            for (int p = 0; p < K * H; p++) V[p] += step[8 + p];
            for (int k = 0; k < K; k++) C[k] += step[8 + K * H + k];
        }
        var e1 = Grad(X0);
        var y0 = F(X0).y;
        var y1 = F(X1).y;
        Apply(e1, y1.Zip(y0, (a, b) => a - b).ToArray());
        var g1 = Grad(X1);
        var e2 = e1.Select((ek, k) => ek.Select((x, p) => lambda * x + g1[k][p]).ToArray()).ToArray();
        var y1b = F(X1).y;
        double[] z = [1, 1, 0, 0, 0];
        Apply(e2, z.Zip(y1b, (a, b) => a - b).ToArray());

        // --- the implementation
        var td = new TdLambda(net, (float)alpha, (float)lambda);
        var hidden = new float[H];
        var a0 = new float[K];
        var a1 = new float[K];
        td.Reset();
        net.Forward(i0, v0, hidden, a0);
        td.Accumulate(i0, v0, hidden, a0);
        net.Forward(i1, v1, hidden, a1);
        for (int k = 0; k < K; k++)
        {
            Assert.Equal(y0[k], a0[k], 1e-6);
            Assert.Equal(y1[k], a1[k], 1e-6);
        }
        td.Update(a1.Select((x, k) => x - a0[k]).ToArray());
        var b1 = new float[K];
        net.Forward(i1, v1, hidden, b1);
        td.Accumulate(i1, v1, hidden, b1);
        for (int k = 0; k < K; k++)
        {
            Assert.Equal(e2[k][0], td.Trace(0, k)[3 * 2], 1e-6);  // W[3,0]: λ e₁ + ∇y_k(x₁)
            Assert.Equal(e2[k][2], td.Trace(0, k)[10 * 2], 1e-6); // W[10,0]: λ e₁ only
            Assert.Equal(e2[k][8 + K * H + k], td.Trace(3, k)[0], 1e-6);
        }
        var zf = new float[K];
        TdGammonNetwork.Outcome(whiteWon: true, points: 2, zf);
        Assert.Equal([1f, 1f, 0f, 0f, 0f], zf);
        td.Update(zf.Select((x, k) => x - b1[k]).ToArray());

        int[] rows = [3, 10, 20];
        for (int r = 0; r < 3; r++)
            for (int j = 0; j < H; j++) Assert.Equal(W[2 * r + j], w[rows[r] * 2 + j], 1e-6);
        for (int j = 0; j < H; j++) Assert.Equal(B[j], net.HiddenBias.Data[j], 1e-6);
        for (int p = 0; p < K * H; p++) Assert.Equal(V[p], net.OutputWeight.Data[p], 1e-6);
        for (int k = 0; k < K; k++) Assert.Equal(C[k], net.OutputBias.Data[k], 1e-6);
    }

    [Theory]
    [InlineData(true, 1, new float[] { 1, 0, 0, 0, 0 })]
    [InlineData(true, 3, new float[] { 1, 1, 1, 0, 0 })]
    [InlineData(false, 1, new float[] { 0, 0, 0, 0, 0 })]
    [InlineData(false, 2, new float[] { 0, 0, 0, 1, 0 })]
    [InlineData(false, 3, new float[] { 0, 0, 0, 1, 1 })]
    public void The_outcome_vector_is_cumulative_and_its_equity_is_the_points(bool whiteWon, int points, float[] expected)
    {
        var z = new float[5];
        TdGammonNetwork.Outcome(whiteWon, points, z);
        Assert.Equal(expected, z);
        Assert.Equal(whiteWon ? points : -points, TdGammonNetwork.Equity(z));
    }

    [Fact]
    public void Equity_weighs_gammons_and_backgammons()
    {
        // 2·0.6 − 1 + 0.2 − 0.1 + 0.05 − 0.02 = 0.33
        Assert.Equal(0.33f, TdGammonNetwork.Score([0.6f, 0.2f, 0.05f, 0.1f, 0.02f]), 5);
        Assert.Equal(0.6f, TdGammonNetwork.Score([0.6f]));
    }

    [Fact]
    public void Same_seed_gives_bit_identical_weights_and_a_resumed_run_continues_bit_for_bit()
    {
        var options = new TdGammonOptions { Hidden = 8, Outputs = 5, Seed = 5 };
        var straight = new TdGammonTrainer(options);
        for (int g = 0; g < 30; g++) straight.PlayGame();
        var again = new TdGammonTrainer(options);
        for (int g = 0; g < 30; g++) again.PlayGame();
        for (int k = 0; k < 4; k++) Assert.Equal(straight.Network.Parameters[k].Data, again.Network.Parameters[k].Data);

        string dir = Path.Combine(Path.GetTempPath(), "bellman-td5-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var first = new TdGammonTrainer(options);
            for (int g = 0; g < 20; g++) first.PlayGame();
            TdGammonCheckpoint.Save(Path.Combine(dir, "checkpoint"), first);
            var (loaded, meta) = TdGammonCheckpoint.Load(Path.Combine(dir, "checkpoint"));
            Assert.Equal(5, meta.Outputs);
            Assert.Equal(5, loaded.Outputs);
            Assert.Equal([5, 8], loaded.OutputWeight.Shape);
            for (int k = 0; k < 4; k++) Assert.Equal(first.Network.Parameters[k].Data, loaded.Parameters[k].Data);
            var resumed = TdGammonCheckpoint.Resume(Path.Combine(dir, "checkpoint"));
            Assert.Equal(5, resumed.Options.Outputs);
            for (int g = 0; g < 10; g++) resumed.PlayGame();
            for (int k = 0; k < 4; k++) Assert.Equal(straight.Network.Parameters[k].Data, resumed.Network.Parameters[k].Data);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>3,000 self-play games of the five-output network beat the random player in at least 85% of 300 games and win gammons.</summary>
    [Fact]
    public void A_short_five_output_run_beats_the_random_player_and_wins_gammons()
    {
        var trainer = new TdGammonTrainer(new TdGammonOptions { Hidden = 40, Outputs = 5, Seed = 0 });
        var agent = new TdGammonAgent(trainer.Network);
        for (int g = 0; g < 3000; g++) trainer.PlayGame();
        var after = new Match().Play(agent, new RandomAgent(new Rng(11UL)), 300, new Rng(12UL));
        Assert.True(after.WinRate >= 0.85, $"win rate against random after 3000 games: {after.WinRate:P1}");
        Assert.True(after.PointsPerGame > 1.0, $"points per game {after.PointsPerGame:F2}");
    }
}
