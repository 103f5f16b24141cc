using Bellman.Nn.Optimizers;
using Bellman.Nn.Layers;
using Xunit;
using static Bellman.Nn.Tests.GradCheck;

namespace Bellman.Nn.Tests.Autodiff;

public class GraphTests
{
    /// <summary>
    /// ReLU networks are piecewise linear: a step of 1e-2 in a weight can move a pre-activation across 0
    /// and the difference quotient then mixes two linear pieces. With 1e-3 a crossing needs a pre-activation
    /// within ~1e-3 of zero; the float32 rounding term grows to ≈ 6e-8·|L| / 1e-3 ≈ 6e-5 for |L| ≤ 1, under the 1e-4 floor.
    /// </summary>
    private const double ReluStep = 1e-3;

    private static readonly float[] States = Uniform(7 * 3, -1f, 1f, 77);

    [Fact]
    public void NoGradModeRecordsNothingAndGivesTheSameValues()
    {
        var net = Mlp.Create([3, 17, 2], Activation.Tanh, new Rng(1));
        var g = new Graph();
        var y = net.Forward(g, g.Input(States, new Shape(7, 3))).Data.ToArray();
        Assert.True(g.TapeLength > 0);
        g.Reset();
        Tensor z;
        using (g.NoGrad())
        {
            z = g.Max(net.Forward(g, g.Input(States, new Shape(7, 3))), 1);
            Assert.False(g.IsRecording);
        }
        Assert.True(g.IsRecording);
        Assert.Equal(0, g.TapeLength);
        Assert.False(z.RequiresGrad);
        g.Reset();
        using (g.NoGrad()) Assert.Equal(y, net.Forward(g, g.Input(States, new Shape(7, 3))).Data.ToArray());
        Assert.Throws<InvalidOperationException>(() => g.Backward(g.Sum(z)));
    }

    [Fact]
    public void DetachStopsTheGradient()
    {
        var g = new Graph();
        var x = g.Input([2f], new Shape(1), requiresGrad: true);
        var y = g.Mul(x, g.Detach(g.Square(x))); // d/dx [x · stop(x²)] = x² = 4
        g.Backward(y);
        Assert.Equal(4f, x.Grad[0]);
    }

    [Fact]
    public void GradientsAccumulateOverBackwardCalls()
    {
        var net = Mlp.Create([3, 5, 1], Activation.ReLU, new Rng(2));
        var g = new Graph();
        Tensor Loss()
        {
            g.Reset();
            return g.Mean(g.Square(net.Forward(g, g.Input(States, new Shape(7, 3)))));
        }
        g.Backward(Loss());
        var once = net.Parameters().Select(p => p.Grad.ToArray()).ToArray();
        g.Backward(Loss());
        var ps = net.Parameters();
        for (int i = 0; i < ps.Count; i++)
            for (int j = 0; j < ps[i].Size; j++) Assert.Equal(2 * once[i][j], ps[i].Grad[j], 6);
        // Two backward passes over one tape add up too (intermediate gradients are cleared per pass).
        net.ZeroGrad();
        var loss = Loss();
        g.Backward(loss);
        g.Backward(loss);
        for (int i = 0; i < ps.Count; i++)
            for (int j = 0; j < ps[i].Size; j++) Assert.Equal(2 * once[i][j], ps[i].Grad[j], 6);
        net.ZeroGrad();
        Assert.All(ps, p => Assert.All(p.Grad, v => Assert.Equal(0f, v)));
    }

    [Fact]
    public void MlpParameterGradientsMatchFiniteDifferences()
    {
        var net = Mlp.Create([3, 7, 5, 2], Activation.Tanh, new Rng(3), Activation.Sigmoid);
        var targets = Uniform(14, 0f, 1f, 4);
        GradCheck.Parameters(net.Parameters(), g => g.MseLoss(net.Forward(g, g.Input(States, new Shape(7, 3))), g.Input(targets, new Shape(7, 2))));
    }

    [Fact]
    public void DqnLossGradientsMatchFiniteDifferences()
    {
        var online = Mlp.Create([3, 17, 2], Activation.ReLU, new Rng(5));
        var target = Mlp.Create([3, 17, 2], Activation.ReLU, new Rng(6));
        int[] actions = [0, 1, 1, 0, 1, 0, 0];
        var next = Uniform(21, -1f, 1f, 7);
        GradCheck.Parameters(online.Parameters(), g =>
        {
            Tensor y;
            using (g.NoGrad()) y = g.AddScalar(g.Scale(g.Max(target.Forward(g, g.Input(next, new Shape(7, 3))), 1), 0.99f), 1f);
            return g.HuberLoss(g.Gather(online.Forward(g, g.Input(States, new Shape(7, 3))), actions), y);
        }, ReluStep);
        Assert.All(target.Parameters(), p => Assert.All(p.Grad, v => Assert.Equal(0f, v)));
    }

    [Fact]
    public void ActorGradientFlowsThroughFrozenCritic()
    {
        // DDPG's actor loss −mean Q(s, μ_θ(s)) with the critic's parameters frozen.
        var actor = Mlp.Create([3, 7, 2], Activation.ReLU, new Rng(8), Activation.Tanh);
        var critic = Mlp.Create([5, 17, 1], Activation.ReLU, new Rng(9));
        critic.SetRequiresGrad(false);
        Tensor ActorLoss(Graph g)
        {
            var s = g.Input(States, new Shape(7, 3));
            return g.Neg(g.Mean(critic.Forward(g, g.Concat(s, actor.Forward(g, s)))));
        }
        GradCheck.Parameters([.. actor.Parameters(), .. critic.Parameters()], ActorLoss, ReluStep);
        Assert.All(critic.Parameters(), p => Assert.All(p.Grad, v => Assert.Equal(0f, v)));
        Assert.Contains(actor.Parameters(), p => p.Grad.Any(v => v != 0f));
        // Input gradients pass through a network whose parameters are all frozen.
        var g = new Graph();
        var x = g.Input(Uniform(5, -1f, 1f, 10), new Shape(1, 5), requiresGrad: true);
        g.Backward(g.Sum(critic.Forward(g, x)));
        Assert.Contains(x.Grad.ToArray(), v => v != 0f);
    }

    [Fact]
    public void ConvNetParameterGradientsMatchFiniteDifferences()
    {
        var rng = new Rng(11);
        var net = new Sequential(new Conv2d(2, 3, 3, rng, stride: 2, padding: 1), new Tanh(), new Flatten(), new Linear(3 * 4 * 4, 2, rng));
        var x = Uniform(2 * 2 * 7 * 7, -1f, 1f, 12);
        GradCheck.Parameters(net.Parameters(), g => g.CrossEntropyLoss(net.Forward(g, g.Input(x, new Shape(2, 2, 7, 7))), [1, 0]));
    }

    [Fact]
    public void SameSeedGivesBitIdenticalResults()
    {
        float[] Run()
        {
            var net = Mlp.Create([3, 33, 2], Activation.ReLU, new Rng(12));
            var g = new Graph();
            for (int step = 0; step < 3; step++)
            {
                g.Reset();
                net.ZeroGrad();
                var loss = g.MseLoss(net.Forward(g, g.Input(States, new Shape(7, 3))), g.Zeros(new Shape(7, 2)));
                g.Backward(loss);
                foreach (var p in net.Parameters())
                    for (int i = 0; i < p.Size; i++) p.Data[i] -= 0.1f * p.Grad[i];
            }
            return net.Parameters().SelectMany(p => p.Data.Concat(p.Grad)).ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void BackwardRejectsNonScalarLoss()
    {
        var g = new Graph();
        var x = g.Input([1f, 2f], new Shape(2), requiresGrad: true);
        var ex = Assert.Throws<ArgumentException>(() => g.Backward(g.Square(x)));
        Assert.Contains("[2]", ex.Message);
    }

    [Fact]
    public void HasNonFiniteFindsNaNAndInfinity()
    {
        for (int n = 1; n <= 40; n++)
        {
            var v = new float[n];
            Assert.False(Numerics.HasNonFinite(v));
            v[n - 1] = float.NaN;
            Assert.True(Numerics.HasNonFinite(v));
            v[n - 1] = 0;
            v[n / 2] = float.NegativeInfinity;
            Assert.True(Numerics.HasNonFinite(v));
        }
        var net = Mlp.Create([2, 3, 1], Activation.ReLU, new Rng(1));
        Assert.True(GradientClipping.AllFinite(net.Parameters()));
        net.Parameters()[1].Grad[2] = float.PositiveInfinity;
        Assert.False(GradientClipping.AllFinite(net.Parameters()));
        var g = new Graph();
        Assert.True(g.Log(g.Input([-1f], new Shape(1))).HasNonFinite());
    }

    [Fact]
    public void DqnTrainingStepAllocatesNothingInSteadyState()
    {
        var online = Mlp.Create([4, 64, 64, 2], Activation.ReLU, new Rng(13));
        var target = Mlp.Create([4, 64, 64, 2], Activation.ReLU, new Rng(14));
        var g = new Graph();
        int batch = 32;
        var s = Uniform(batch * 4, -1f, 1f, 15);
        var s2 = Uniform(batch * 4, -1f, 1f, 16);
        var weights = Uniform(batch, 0.5f, 1f, 17);
        var actions = new int[batch];
        for (int i = 0; i < batch; i++) actions[i] = i % 2;
        var greedy = new int[1];
        void Step()
        {
            g.Reset();
            online.ZeroGrad();
            Tensor y;
            using (g.NoGrad()) y = g.AddScalar(g.Scale(g.Max(target.Forward(g, g.Input(s2, new Shape(batch, 4))), 1), 0.99f), 1f);
            var q = g.Gather(online.Forward(g, g.Input(s, new Shape(batch, 4))), actions);
            var loss = g.HuberLoss(q, y, g.Input(weights, new Shape(batch)));
            g.Backward(loss);
            _ = GradientClipping.AllFinite(online.Parameters());
            target.PolyakFrom(online, 0.005f);
            g.Reset();
            using (g.NoGrad()) Graph.ArgMax(online.Forward(g, g.Input(s.AsSpan(0, 4), new Shape(1, 4))), greedy);
        }
        for (int i = 0; i < 3; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}

public class ActorCriticAllocationTests
{
    [Fact]
    public void SacStyleStepAllocatesNothingInSteadyState()
    {
        var rng = new Rng(21);
        int batch = 16, obs = 3, act = 2;
        var trunk = Mlp.Create([obs, 32], Activation.ReLU, rng, Activation.ReLU);
        var meanHead = new Linear(32, act, rng);
        var logStdHead = new Linear(32, act, rng);
        var q1 = Mlp.Create([obs + act, 32, 1], Activation.ReLU, rng);
        var q2 = Mlp.Create([obs + act, 32, 1], Activation.ReLU, rng);
        var logAlpha = new Parameter("log_alpha", 1);
        var s = GradCheck.Uniform(batch * obs, -1f, 1f, 22);
        var eps = GradCheck.Uniform(batch * act, -1f, 1f, 23);
        var g = new Graph();
        void Step()
        {
            g.Reset();
            var x = g.Input(s, new Shape(batch, obs));
            var h = trunk.Forward(g, x);
            var mean = meanHead.Forward(g, h);
            var logStd = g.Clamp(logStdHead.Forward(g, h), -20f, 2f);
            var u = g.Add(mean, g.Mul(g.Exp(logStd), g.Input(eps, new Shape(batch, act))));
            var a = g.Tanh(u);
            var logp = g.TanhGaussianLogProb(u, mean, logStd);
            var sa = g.Concat(x, a);
            var minQ = g.Minimum(q1.Forward(g, sa), q2.Forward(g, sa));
            var alpha = g.Detach(g.Exp(g.Param(logAlpha)));
            var actorLoss = g.Mean(g.Sub(g.Mul(g.Reshape(logp, new Shape(batch, 1)), alpha), minQ));
            g.Backward(actorLoss);
            var alphaLoss = g.Neg(g.Mean(g.Mul(g.Param(logAlpha), g.Detach(g.AddScalar(logp, -act)))));
            g.Backward(alphaLoss);
            var probs = g.Softmax(g.Scale(minQ, 0.1f));
            _ = g.Sum(g.Mul(probs, g.LogSoftmax(minQ)), axis: 1);
        }
        for (int i = 0; i < 3; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0f, logAlpha.Grad[0]);
    }

    [Fact]
    public void ConvStepAllocatesNothingInSteadyState()
    {
        var rng = new Rng(24);
        var net = new Sequential(new Conv2d(2, 4, 3, rng, stride: 1, padding: 1), new ReLU(), new Conv2d(4, 4, 3, rng, stride: 2), new ReLU(), new Flatten(), new Linear(4 * 4 * 4, 3, rng));
        var x = GradCheck.Uniform(8 * 2 * 10 * 10, 0f, 1f, 25);
        int[] labels = [0, 1, 2, 0, 1, 2, 0, 1];
        var g = new Graph();
        void Step()
        {
            g.Reset();
            net.ZeroGrad();
            g.Backward(g.CrossEntropyLoss(net.Forward(g, g.Input(x, new Shape(8, 2, 10, 10))), labels));
        }
        for (int i = 0; i < 3; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
