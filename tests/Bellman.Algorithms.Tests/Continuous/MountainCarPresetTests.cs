using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Training;

namespace Bellman.Algorithms.Tests.Continuous;

/// <summary>
/// The rl-baselines3-zoo presets for MountainCarContinuous-v0 (hyperparams/sac.yml, td3.yml, ddpg.yml): each is the
/// catalogue's default for that environment, binds as its keys (written out, read back through the option binder,
/// they give the same options), builds its algorithm on the environment and acts; and each carries the zoo's settings.
/// </summary>
public sealed class MountainCarPresetTests
{
    private const string Env = "MountainCarContinuous-v0";

    public static TheoryData<string> Algorithms => new() { "sac", "td3", "ddpg" };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void ThePresetBindsBuildsAndActs(string name)
    {
        var info = AlgorithmCatalog.Find(name)!;
        var preset = info.DefaultPreset(Env);
        Assert.NotNull(preset);
        preset.Options.Validate();
        var keys = Bellman.Algorithms.Configuration.OptionBinder.Describe(preset.Options).ToDictionary(x => x.Key, x => x.Value);
        var bound = info.Bind(info.Defaults, keys, "test");
        Assert.Equal(keys, Bellman.Algorithms.Configuration.OptionBinder.Describe(bound).ToDictionary(x => x.Key, x => x.Value));
        using var algorithm = info.Create(EnvironmentSource.FromId(Env), bound, 0);
        var action = new float[1];
        algorithm.Predict([-0.5f, 0f], action);
        Assert.InRange(action[0], -1f, 1f);
    }

    [Fact]
    public void SacUsesTheZoosGsdeSettings()
    {
        var o = (SacOptions)AlgorithmCatalog.Find("sac")!.DefaultPreset(Env)!.Options;
        Assert.True(o.UseSde);
        Assert.Equal(-3.67, o.LogStdInit);
        Assert.Equal(-1, o.SdeSampleFreq);
        Assert.Equal((50_000L, 3e-4, 50_000, 512, 32, 32, 0.9999, 0.01, 0), (o.TotalSteps, o.LearningRate, o.BufferSize, o.BatchSize, o.TrainFrequency, o.GradientSteps, o.Gamma, o.Tau, o.LearningStarts));
        Assert.Equal(EntropyCoefficient.Fixed(0.1), o.EntCoef);
        Assert.Equal([64, 64], o.NetArch);
        using var sac = new Sac(Env, o);
        Assert.NotNull(sac.SacAgent.SdeActor);
        Assert.Equal(-3.67f, sac.SacAgent.SdeActor!.LogStd.Data[0]);
    }

    [Theory]
    [InlineData("td3")]
    [InlineData("ddpg")]
    public void Td3AndDdpgUseOrnsteinUhlenbeckNoiseWithSigmaHalf(string name)
    {
        var o = (DeterministicPolicyOptions)AlgorithmCatalog.Find(name)!.DefaultPreset(Env)!.Options;
        Assert.Equal(ActionNoiseKind.OrnsteinUhlenbeck, o.ActionNoise);
        Assert.Equal(0.5, o.NoiseStd);
        Assert.Equal(300_000, o.TotalSteps);
        // The zoo sets nothing else: Stable-Baselines3's defaults.
        Assert.Equal((1e-3, 1_000_000, 100, 256, 0.99, 0.005, 1, 1), (o.LearningRate, o.BufferSize, o.LearningStarts, o.BatchSize, o.Gamma, o.Tau, o.TrainFrequency, o.GradientSteps));
        Assert.Equal([400, 300], o.NetArch);
    }
}
