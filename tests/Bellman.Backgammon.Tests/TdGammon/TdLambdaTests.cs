using Bellman.Backgammon.TdGammon;
using Bellman.Core.Random;

namespace Bellman.Backgammon.Tests.TdGammon;

public sealed class TdLambdaTests
{
    private static double Sig(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>
    /// Two TD(λ) steps on a 2-hidden-unit network, against the equations worked out here in doubles:
    /// e₁ = ∇V(x₀); w ← w + α (V(x₁) − V(x₀)) e₁; e₂ = λ e₁ + ∇V(x₁) (new weights); w ← w + α (1 − V(x₁)) e₂.
    /// </summary>
    [Fact]
    public void Two_steps_with_traces_match_the_hand_computed_update()
    {
        var net = new TdGammonNetwork(2, new Rng(0UL));
        // Only inputs 3, 10 and 20 are used; give them and the biases known values.
        float[] w = net.HiddenWeight.Data;
        (w[3 * 2], w[3 * 2 + 1]) = (0.2f, -0.4f);
        (w[10 * 2], w[10 * 2 + 1]) = (0.5f, 0.1f);
        (w[20 * 2], w[20 * 2 + 1]) = (-0.3f, 0.6f);
        (net.HiddenBias.Data[0], net.HiddenBias.Data[1]) = (0.1f, -0.2f);
        (net.OutputWeight.Data[0], net.OutputWeight.Data[1]) = (0.7f, -0.5f);
        net.OutputBias.Data[0] = 0.05f;
        const double alpha = 0.1, lambda = 0.7;
        int[] i0 = [3, 10]; float[] v0 = [1f, 0.5f];
        int[] i1 = [3, 20]; float[] v1 = [1f, 1f];

        // --- the equations in doubles, over the six weights used
        double[] W = [0.2, -0.4, 0.5, 0.1, -0.3, 0.6]; // rows 3, 10, 20
        double[] B = [0.1, -0.2], Vw = [0.7, -0.5];
        double C = 0.05;
        double[] X0 = [1, 0.5, 0], X1 = [1, 0, 1];
        (double y, double[] h) F(double[] x)
        {
            var h = new double[2];
            for (int j = 0; j < 2; j++) h[j] = Sig(B[j] + x[0] * W[j] + x[1] * W[2 + j] + x[2] * W[4 + j]);
            return (Sig(C + Vw[0] * h[0] + Vw[1] * h[1]), h);
        }
        double[] Grad(double[] x)
        {
            var (y, h) = F(x);
            double g = y * (1 - y);
            var d = new double[6 + 2 + 2 + 1];
            for (int j = 0; j < 2; j++)
            {
                double u = g * Vw[j] * h[j] * (1 - h[j]);
                for (int r = 0; r < 3; r++) d[2 * r + j] = x[r] * u;
                d[6 + j] = u;
                d[8 + j] = g * h[j];
            }
            d[10] = g;
            return d;
        }
        void Apply(double[] e, double delta)
        {
            for (int k = 0; k < 6; k++) W[k] += alpha * delta * e[k];
            for (int j = 0; j < 2; j++) { B[j] += alpha * delta * e[6 + j]; Vw[j] += alpha * delta * e[8 + j]; }
            C += alpha * delta * e[10];
        }
        var e1 = Grad(X0);
        double y0 = F(X0).y, y1 = F(X1).y;
        Apply(e1, y1 - y0);
        var g1 = Grad(X1);
        var e2 = e1.Select((x, k) => lambda * x + g1[k]).ToArray();
        double y1b = F(X1).y;
        Apply(e2, 1 - y1b);

        // --- the implementation
        var td = new TdLambda(net, (float)alpha, (float)lambda);
        var hidden = new float[2];
        td.Reset();
        float a0 = net.Forward(i0, v0, hidden);
        td.Accumulate(i0, v0, hidden, a0);
        float a1 = net.Forward(i1, v1, hidden);
        Assert.Equal(y0, a0, 6);
        Assert.Equal(y1, a1, 6);
        td.Update(a1 - a0);
        float b1 = net.Forward(i1, v1, hidden);
        td.Accumulate(i1, v1, hidden, b1);
        Assert.Equal(e2[0], td.Trace(0)[3 * 2], 6);   // the trace of W[3,0] carries λ e₁ + ∇V(x₁)
        Assert.Equal(e2[2], td.Trace(0)[10 * 2], 6);  // input 10 appears only at step 1: λ e₁ alone
        td.Update(1 - b1);

        int[] rows = [3, 10, 20];
        for (int r = 0; r < 3; r++)
            for (int j = 0; j < 2; j++) Assert.Equal(W[2 * r + j], w[rows[r] * 2 + j], 6);
        for (int j = 0; j < 2; j++)
        {
            Assert.Equal(B[j], net.HiddenBias.Data[j], 6);
            Assert.Equal(Vw[j], net.OutputWeight.Data[j], 6);
        }
        Assert.Equal(C, net.OutputBias.Data[0], 6);
        Assert.NotEqual(0.5f, w[10 * 2]); // the update did move a weight that only the earlier state used
    }
}
