using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Bellman.Core.State;
using Bellman.Environments.Vector;
using Bellman.Environments.Wrappers;

namespace Bellman.Environments.Tests.State;

/// <summary>
/// Every registered environment (with its registry wrappers) saves its mid-episode state: stepped k times,
/// written, read into a fresh instance, it goes on exactly as the original for the next steps, through episode
/// ends and unseeded resets (which continue the environment's own generator).
/// </summary>
public sealed class EnvironmentStateTests
{
    public static TheoryData<string> Ids => [.. EnvRegistry.Default.Specs.Select(s => s.Id)];

    [Theory]
    [MemberData(nameof(Ids))]
    public void ARestoredEnvironmentContinuesExactly(string id)
    {
        var original = EnvRegistry.Default.Make(id);
        var actions = new Rng(7UL);
        original.Reset(seed: 11);
        for (int k = 0; k < 37; k++) Step(original, actions);

        var bytes = Save((IResumable)original);
        var restored = EnvRegistry.Default.Make(id);
        using (var reader = new BinaryReader(new MemoryStream(bytes))) ((IResumable)restored).ReadState(reader);
        Assert.Equal(original.Observation.ToArray(), restored.Observation.ToArray());
        Assert.Equal(bytes, Save((IResumable)restored));

        var actionsCopy = new Rng(1UL);
        actionsCopy.SetState(actions.GetState());
        for (int t = 0; t < 200; t++)
        {
            var a = Step(original, actions);
            var b = Step(restored, actionsCopy);
            Assert.True(a == b, $"{id}: step {t} after the restore differs ({a} vs {b})");
            Assert.Equal(original.Observation.ToArray(), restored.Observation.ToArray());
        }
    }

    [Fact]
    public void AStackOfStatefulWrappersContinuesExactly()
    {
        static IEnvironment Make() => new NormalizeReward(new NormalizeObservation(new EpisodeStatistics(EnvRegistry.Default.Make("Pendulum-v1"))));
        var original = Make();
        var rng = new Rng(9UL);
        original.Reset(seed: 2);
        for (int k = 0; k < 150; k++) Step(original, rng);
        var restored = Make();
        using (var reader = new BinaryReader(new MemoryStream(Save((IResumable)original)))) ((IResumable)restored).ReadState(reader);
        var rngCopy = new Rng(1UL);
        rngCopy.SetState(rng.GetState());
        for (int t = 0; t < 300; t++)
        {
            Assert.Equal(Step(original, rng), Step(restored, rngCopy));
            Assert.Equal(original.Observation.ToArray(), restored.Observation.ToArray());
        }
        Assert.Equal(original.Find<EpisodeStatistics>()!.EpisodeCount, restored.Find<EpisodeStatistics>()!.EpisodeCount);
    }

    [Fact]
    public void AVectorEnvironmentRestoresItsRunningReturns()
    {
        using var original = new SyncVectorEnvironment([.. Enumerable.Range(0, 3).Select(_ => (Func<IEnvironment>)(() => EnvRegistry.Default.Make("CartPole-v1")))]);
        using var restored = new SyncVectorEnvironment([.. Enumerable.Range(0, 3).Select(_ => (Func<IEnvironment>)(() => EnvRegistry.Default.Make("CartPole-v1")))]);
        original.Reset(seed: 5);
        var rng = new Rng(3UL);
        int[] actions = new int[3];
        for (int k = 0; k < 30; k++)
        {
            for (int i = 0; i < 3; i++) actions[i] = rng.NextInt(2);
            original.Step(actions);
        }
        using (var reader = new BinaryReader(new MemoryStream(Save(original)))) restored.ReadState(reader);
        for (int k = 0; k < 300; k++)
        {
            for (int i = 0; i < 3; i++) actions[i] = rng.NextInt(2);
            original.Step(actions);
            restored.Step(actions);
            Assert.Equal(original.Observations.ToArray(), restored.Observations.ToArray());
            Assert.Equal(original.EndedThisStep.ToArray(), restored.EndedThisStep.ToArray());
            Assert.Equal(original.FinalReturns.ToArray(), restored.FinalReturns.ToArray());
            Assert.Equal(original.FinalLengths.ToArray(), restored.FinalLengths.ToArray());
        }
    }

    [Fact]
    public void AStateOfAnotherEnvironmentIsRefusedNamingIt()
    {
        var cartPole = EnvRegistry.Default.Make("CartPole-v1");
        cartPole.Reset(seed: 1);
        var pendulum = EnvRegistry.Default.Make("Pendulum-v1");
        using var reader = new BinaryReader(new MemoryStream(Save((IResumable)cartPole)));
        var e = Assert.Throws<InvalidDataException>(() => ((IResumable)pendulum).ReadState(reader));
        Assert.Contains("Pendulum", e.Message);
        Assert.Contains("CartPole", e.Message);
    }

    private static byte[] Save(IResumable component)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, leaveOpen: true)) component.WriteState(writer);
        return memory.ToArray();
    }

    // One step with an action drawn from rng (a reset, unseeded, after an episode end); returns what happened.
    private static (double Reward, bool Terminated, bool Truncated) Step(IEnvironment env, Rng rng)
    {
        StepResult r;
        if (env.ActionSpace is Discrete d) r = env.Step(d.Start + rng.NextInt(d.N));
        else
        {
            var action = new float[env.ActionSpace.FlatSize];
            env.ActionSpace.Sample(rng, action);
            r = env.Step(action);
        }
        if (r.Terminated || r.Truncated) env.Reset();
        return (r.Reward, r.Terminated, r.Truncated);
    }
}
