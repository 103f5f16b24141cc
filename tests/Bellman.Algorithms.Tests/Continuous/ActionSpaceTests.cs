using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Random;
using Bellman.Core.Spaces;

namespace Bellman.Algorithms.Tests.Continuous;

/// <summary>SB3's action scaling, exploration noise and the errors for action spaces that do not fit.</summary>
public sealed class ActionSpaceTests
{
    [Fact]
    public void ScalingMapsTheBoxBoundsToMinusOneAndOneAndBack()
    {
        var scaler = new ActionScaler(new Box([-2f, 0f], [2f, 10f]), "td3");
        float[] env = [-2f, 10f, 1f, 2.5f, 2f, 0f];
        var scaled = new float[6];
        scaler.Scale(env, scaled);
        Assert.Equal([-1f, 1f, 0.5f, -0.5f, 1f, -1f], scaled);
        var back = new float[6];
        scaler.Unscale(scaled, back);
        Assert.Equal(env, back);
    }

    [Fact]
    public void GaussianNoiseHasTheRequestedStandardDeviation()
    {
        var noise = new GaussianActionNoise(0.3);
        var rng = new Rng(7);
        var x = new float[1];
        double sum = 0, sumSq = 0;
        const int n = 20_000;
        for (int t = 0; t < n; t++)
        {
            noise.Sample(0, rng, x);
            sum += x[0]; sumSq += x[0] * x[0];
        }
        double mean = sum / n, std = Math.Sqrt(sumSq / n - mean * mean);
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(std, 0.29, 0.31);
    }

    [Fact]
    public void OrnsteinUhlenbeckNoiseFollowsItsRecursionAndStationaryStatistics()
    {
        const double sigma = 0.5, theta = 0.15, dt = 0.01;
        var noise = new OrnsteinUhlenbeckNoise(2, 1, sigma, theta, dt);
        var rng = new Rng(3);
        var copy = new Rng(3);
        var x = new float[1];
        // The recursion x ← x + θ(0 − x)dt + σ√dt z, from 0, with the same draws.
        double expected = 0;
        for (int t = 0; t < 5; t++)
        {
            noise.Sample(0, rng, x);
            expected = (float)(expected + theta * -expected * dt + sigma * Math.Sqrt(dt) * copy.NextNormal());
            Assert.Equal((float)expected, x[0]);
        }
        // Each environment has its own state; a reset returns it to 0.
        Assert.Equal(0f, noise.State(1)[0]);
        noise.Reset(0);
        Assert.Equal(0f, noise.State(0)[0]);
        // Long run: stationary variance σ² dt / (1 − (1 − θ dt)²) = σ² / (2θ − θ² dt) and lag-1 autocorrelation 1 − θ dt.
        const int n = 400_000;
        var xs = new double[n];
        for (int t = 0; t < n; t++) { noise.Sample(0, rng, x); xs[t] = x[0]; }
        double mean = xs.Average(), variance = xs.Select(v => (v - mean) * (v - mean)).Average();
        double lag1 = Enumerable.Range(1, n - 1).Sum(t => (xs[t] - mean) * (xs[t - 1] - mean)) / (n - 1) / variance;
        double stationary = sigma * sigma / (2 * theta - theta * theta * dt);
        Assert.InRange(variance / stationary, 0.85, 1.15);
        Assert.InRange(lag1, 1 - theta * dt - 0.002, 1 - theta * dt + 0.002);
        Assert.InRange(mean, -0.1, 0.1);
    }

    [Fact]
    public void AContinuousAlgorithmOnADiscreteEnvironmentNamesTheAlgorithmsThatFit()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new Td3("CartPole-v1"));
        Assert.Contains("td3 needs a Box", e.Message);
        Assert.Contains("dqn", e.Message);
        Assert.Contains("sac needs a Box", Assert.ThrowsAny<ArgumentException>(() => new Sac("CartPole-v1")).Message);
        Assert.Contains("ddpg needs a Box", Assert.ThrowsAny<ArgumentException>(() => new Ddpg("CartPole-v1")).Message);
        var dqn = Assert.ThrowsAny<ArgumentException>(() => new Dqn("Pendulum-v1"));
        Assert.Contains("ddpg, td3 or sac", dqn.Message);
    }

    [Fact]
    public void AnUnboundedActionSpaceIsAnErrorForTheAlgorithmsThatSquash()
    {
        var unbounded = new Box(float.NegativeInfinity, float.PositiveInfinity, 1);
        var obs = new Box(-1f, 1f, 3);
        var e = Assert.ThrowsAny<ArgumentException>(() => new SacAgent(obs, unbounded, new SacOptions(), new Rng(1)));
        Assert.Contains("finite action bounds", e.Message);
        Assert.Contains("td3 needs finite", Assert.ThrowsAny<ArgumentException>(() => new Td3Agent(obs, unbounded, new Td3Options(), new Rng(1), "td3")).Message);
    }

    [Fact]
    public void EntCoefParsesAutoAnInitialValueOrANumber()
    {
        var info = AlgorithmCatalog.Find("sac")!;
        SacOptions Bind(string v) => (SacOptions)info.Bind(info.Defaults, new Dictionary<string, string> { ["ent_coef"] = v }, "--set");
        Assert.Equal(EntropyCoefficient.Auto, Bind("auto").EntCoef);
        Assert.Equal(new EntropyCoefficient(true, 0.1), Bind("auto_0.1").EntCoef);
        Assert.Equal(EntropyCoefficient.Fixed(0.05), Bind("0.05").EntCoef);
        var e = Assert.ThrowsAny<ArgumentException>(() => Bind("automatic"));
        Assert.Contains("ent_coef", e.Message);
        Assert.Contains(info.Options, o => o is { Key: "ent_coef", Default: "auto" });
        Assert.Equal("auto_0.1", new EntropyCoefficient(true, 0.1).ToString());
    }
}
