using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Bellman.Environments.Wrappers;
using Xunit;

namespace Bellman.Environments.Tests;

public sealed class EnvCheckerTests
{
    [Fact]
    public void GoodEnvironmentPasses()
    {
        var report = EnvChecker.Check(() => new TimeLimit(new CounterEnv(), 50), seed: 3, steps: 500);
        Assert.True(report.Passed, report.ToString());
        Assert.Empty(report.Findings);
    }

    [Fact]
    public void ObservationOutsideTheSpaceIsAnError()
    {
        var report = EnvChecker.Check(() => new Broken(Fault.OutsideSpace));
        Assert.False(report.Passed);
        Assert.Contains(report.Findings, f => f.Severity == CheckSeverity.Error && f.Message.Contains("outside the observation space"));
    }

    [Fact]
    public void NaNObservationAndRewardAreErrors()
    {
        var obs = EnvChecker.Check(() => new Broken(Fault.NaNObservation));
        Assert.Contains(obs.Findings, f => f.Severity == CheckSeverity.Error && f.Message.Contains("not finite"));
        var reward = EnvChecker.Check(() => new Broken(Fault.NaNReward));
        Assert.Contains(reward.Findings, f => f.Severity == CheckSeverity.Error && f.Message.Contains("non-finite reward"));
        Assert.False(reward.Passed);
    }

    [Fact]
    public void ResetThatIgnoresItsSeedIsAnError()
    {
        var report = EnvChecker.Check(() => new Broken(Fault.Nondeterministic));
        Assert.False(report.Passed);
        Assert.Contains(report.Findings, f => f.Severity == CheckSeverity.Error && f.Message.Contains("fresh environments"));
        Assert.Contains(report.Findings, f => f.Severity == CheckSeverity.Error && f.Message.Contains("same environment again"));
    }

    [Fact]
    public void WrongObservationLengthIsAnError()
    {
        var report = EnvChecker.Check(() => new WrongLength());
        Assert.Contains(report.Findings, f => f.Severity == CheckSeverity.Error && f.Message.Contains("FlatSize 2"));
    }

    [Fact]
    public void UncheckedActionsAndUnendedEpisodesAreReported()
    {
        var report = EnvChecker.Check(() => new Lenient(), steps: 100);
        Assert.False(report.Passed);
        Assert.Contains(report.Findings, f => f.Severity == CheckSeverity.Error && f.Message.Contains("Step(3) above Discrete(3)") && f.Message.Contains("did not throw"));
        Assert.Contains(report.Findings, f => f.Severity == CheckSeverity.Error && f.Message.Contains("Step before the first Reset"));
        Assert.Contains(report.Findings, f => f.Severity == CheckSeverity.Error && f.Message.Contains("after a terminated episode"));
    }

    [Fact]
    public void DeterministicEnvironmentAndUnboundedActionsAreWarningsOnly()
    {
        var report = EnvChecker.Check(() => new TimeLimit(new BoxEnvDeterministic(), 20), steps: 200);
        Assert.True(report.Passed, report.ToString());
        Assert.Contains(report.Findings, f => f.Severity == CheckSeverity.Warning && f.Message.Contains("all gave the same trajectory"));
    }

    [Fact]
    public void FactoryThatThrowsIsReported()
    {
        var report = EnvChecker.Check(() => throw new InvalidOperationException("no assets"));
        Assert.False(report.Passed);
        Assert.Contains("no assets", report.Findings[0].Message);
    }

    [Fact]
    public void MalformedSpaceIsAnError()
    {
        var report = EnvChecker.Check(() => new WithSpace(new OddSpace()));
        Assert.False(report.Passed);
        Assert.Contains(report.Findings, f => f.Severity == CheckSeverity.Error && f.Message.Contains("FlatSize 3") && f.Message.Contains("(2, 2)"));
        Assert.Contains(report.Findings, f => f.Severity == CheckSeverity.Warning && f.Message.Contains("OddSpace"));
    }

    /// <summary>Claims shape (2, 2) but a flat size of 3.</summary>
    private sealed class OddSpace : Space
    {
        public override IReadOnlyList<int> Shape => [2, 2];

        public override int FlatSize => 3;

        public override bool Contains(ReadOnlySpan<float> value) => value.Length == 3;

        public override void Sample(Rng rng, Span<float> destination) => destination.Clear();

        public override void Sample(Bellman.Core.Random.NumpyGenerator generator, Span<float> destination) => destination.Clear();
    }

    /// <summary>An environment with the given observation space and Discrete(2) actions.</summary>
    private sealed class WithSpace(Space observationSpace) : Bellman.Core.Environments.Environment(observationSpace, new Discrete(2))
    {
        protected override void ResetCore() => ObservationBuffer.Clear();

        protected override StepResult StepCore(int action) => new(0, false, false);
    }

    private enum Fault { OutsideSpace, NaNObservation, NaNReward, Nondeterministic }

    /// <summary>A CounterEnv-like walk with one deliberate fault.</summary>
    private sealed class Broken(Fault fault) : Bellman.Core.Environments.Environment(new Box(-5f, 5f, 1), new Discrete(2))
    {
        private static int s_calls;
        private int _position;

        protected override void ResetCore()
        {
            _position = fault == Fault.Nondeterministic ? Interlocked.Increment(ref s_calls) % 3 : Random.Integers(3);
            ObservationBuffer[0] = _position;
        }

        protected override StepResult StepCore(int action)
        {
            _position += action == 1 ? 1 : -1;
            ObservationBuffer[0] = fault switch
            {
                Fault.OutsideSpace => _position * 10,
                Fault.NaNObservation when _position == 3 => float.NaN,
                _ => _position,
            };
            double reward = fault == Fault.NaNReward && _position == -1 ? double.NaN : 1.0;
            return new StepResult(reward, Math.Abs(_position) >= 4, false);
        }
    }

    /// <summary>Declares Box(2) observations but writes three floats.</summary>
    private sealed class WrongLength : IEnvironment
    {
        private readonly float[] _obs = new float[3];

        public EnvSpec? Spec { get; set; }

        public Space ObservationSpace { get; } = new Box(-1f, 1f, 2);

        public Space ActionSpace { get; } = new Discrete(2);

        public ReadOnlySpan<float> Observation => _obs;

        public ReadOnlySpan<float> Reset(int? seed = null) => _obs;

        public StepResult Step(int action) => new(0, false, false);

        public StepResult Step(ReadOnlySpan<float> action) => new(0, false, false);

        public string Render() => "wrong length";
    }

    /// <summary>Implements IEnvironment by hand and checks nothing: any action, any order.</summary>
    private sealed class Lenient : IEnvironment
    {
        private readonly float[] _obs = new float[1];

        public EnvSpec? Spec { get; set; }

        public Space ObservationSpace { get; } = new Box(-100f, 100f, 1);

        public Space ActionSpace { get; } = new Discrete(3);

        public ReadOnlySpan<float> Observation => _obs;

        public ReadOnlySpan<float> Reset(int? seed = null)
        {
            _obs[0] = 0;
            return _obs;
        }

        public StepResult Step(int action)
        {
            _obs[0] += 1;
            return new(0, _obs[0] >= 5, false);
        }

        public StepResult Step(ReadOnlySpan<float> action) => Step((int)action[0]);

        public string Render() => "lenient";
    }

    /// <summary>BoxEnv without randomness: every seed gives the same trajectory.</summary>
    private sealed class BoxEnvDeterministic() : Bellman.Core.Environments.Environment(new Box(float.NegativeInfinity, float.PositiveInfinity, 2), new Box(float.NegativeInfinity, float.PositiveInfinity, 1))
    {
        protected override void ResetCore() => ObservationBuffer.Clear();

        protected override StepResult StepCore(ReadOnlySpan<float> action)
        {
            ObservationBuffer[0] = 0.5f * ObservationBuffer[0] + action[0];
            ObservationBuffer[1] += 1;
            return new StepResult(-action[0] * (double)action[0], false, false);
        }
    }
}
