using System.Globalization;
using System.Text;
using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Core.Spaces;

namespace Bellman.Environments;

/// <summary>How serious a <see cref="CheckFinding"/> is.</summary>
public enum CheckSeverity
{
    /// <summary>Suspicious but possibly intended (for example a deterministic environment).</summary>
    Warning,

    /// <summary>A broken contract: learners will misbehave.</summary>
    Error,
}

/// <summary>One problem found by <see cref="EnvChecker"/>.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Message">What is wrong, where, and how to fix it.</param>
public readonly record struct CheckFinding(CheckSeverity Severity, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{(Severity == CheckSeverity.Error ? "error" : "warning")}: {Message}";
}

/// <summary>The findings of <see cref="EnvChecker.Check"/>.</summary>
public sealed class CheckReport
{
    internal CheckReport(string name, IReadOnlyList<CheckFinding> findings)
    {
        EnvironmentName = name;
        Findings = findings;
    }

    /// <summary>The name of the checked environment.</summary>
    public string EnvironmentName { get; }

    /// <summary>Every finding, errors and warnings, in the order found.</summary>
    public IReadOnlyList<CheckFinding> Findings { get; }

    /// <summary>True when there is no error (warnings allowed).</summary>
    public bool Passed
    {
        get
        {
            foreach (var f in Findings) if (f.Severity == CheckSeverity.Error) return false;
            return true;
        }
    }

    /// <summary>A multi-line summary: the verdict, then one line per finding.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(EnvironmentName).Append(Passed ? ": passed" : ": FAILED");
        int errors = 0;
        foreach (var f in Findings) if (f.Severity == CheckSeverity.Error) errors++;
        sb.Append(CultureInfo.InvariantCulture, $" ({errors} errors, {Findings.Count - errors} warnings)");
        foreach (var f in Findings) sb.AppendLine().Append("  ").Append(f);
        return sb.ToString();
    }
}

/// <summary>
/// Checks that an environment honours the <see cref="IEnvironment"/> contract, like Gymnasium's
/// <c>check_env</c>: well-formed spaces; observations of length FlatSize, inside the observation space and
/// finite after every reset and step; finite rewards; <c>Reset(seed)</c> reproducible (two fresh instances,
/// and one instance reset twice, give identical trajectories under identical actions); different seeds
/// giving different trajectories (a warning if they never do); invalid actions rejected with
/// <see cref="InvalidActionException"/>; stepping before a reset or after an ended episode rejected with
/// <see cref="EpisodeEndedException"/>. Actions are sampled from the action space with a generator seeded
/// by the given seed, so a check is itself reproducible.
/// </summary>
public static class EnvChecker
{
    private const int SeedsToCompare = 4;

    /// <summary>Checks environments made by <paramref name="factory"/> for <paramref name="steps"/> random steps per rollout.</summary>
    public static CheckReport Check(Func<IEnvironment> factory, int seed = 0, int steps = 1000)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        var findings = new Findings();
        string name = "environment";
        try
        {
            var env = Make(factory, findings);
            if (env is null) return findings.Report(name);
            name = env.Name;
            if (!CheckSpaces(env, findings)) return findings.Report(name);
            CheckStepBeforeReset(factory, findings);

            var first = Rollout(env, seed, seed, steps, findings);
            if (first is null) return findings.Report(name);

            CheckDeterminism(factory, env, seed, steps, first, findings);
            CheckSeedsDiffer(factory, seed, Math.Min(steps, 200), first, findings);
            CheckInvalidActions(factory, seed, findings);
            CheckStepAfterEnd(factory, seed, steps, findings);
            CheckRender(env, findings);
        }
        catch (Exception e)
        {
            findings.Error($"{e.GetType().Name} while checking: {e.Message}");
        }
        return findings.Report(name);
    }

    private static IEnvironment? Make(Func<IEnvironment> factory, Findings findings)
    {
        try
        {
            var env = factory();
            if (env is null) findings.Error("The factory returned null.");
            return env;
        }
        catch (Exception e)
        {
            findings.Error($"The factory threw {e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    private static bool CheckSpaces(IEnvironment env, Findings findings)
    {
        bool ok = CheckSpace("observation", env.ObservationSpace, findings);
        ok &= CheckSpace("action", env.ActionSpace, findings);
        if (env.ActionSpace is Box box && !box.IsBounded)
            findings.Warning($"The action space {box} has infinite bounds; learners that squash actions (SAC, TD3, PPO with clipping) need finite bounds.");
        return ok;
    }

    private static bool CheckSpace(string what, Space? space, Findings findings)
    {
        if (space is null)
        {
            findings.Error($"The {what} space is null.");
            return false;
        }
        if (space is not (Discrete or Box))
            findings.Warning($"The {what} space {space} is a {space.GetType().Name}; Bellman's learners handle Discrete and Box.");
        long product = 1;
        foreach (int d in space.Shape) product *= d;
        if (space.FlatSize <= 0 || product != space.FlatSize)
        {
            findings.Error($"The {what} space {space} has FlatSize {space.FlatSize}, but its shape {Space.FormatShape(space.Shape)} has {product} elements.");
            return false;
        }
        return true;
    }

    private static void CheckStepBeforeReset(Func<IEnvironment> factory, Findings findings)
    {
        var env = factory();
        var action = env.ActionSpace.Sample(new Rng(0));
        ExpectThrows<EpisodeEndedException>(() => env.Step(action), "Step before the first Reset", findings, CheckSeverity.Error);
    }

    /// <summary>One rollout: the flags, rewards and observations of every reset and step, validated as they come.</summary>
    private sealed class Trajectory
    {
        public readonly List<float> Observations = [];
        public readonly List<double> Rewards = [];
        public readonly List<(bool Terminated, bool Truncated)> Flags = [];
        public int Episodes;
    }

    /// <summary>
    /// Resets with <paramref name="seed"/>, then takes <paramref name="steps"/> actions sampled with a
    /// generator seeded by <paramref name="actionSeed"/>, resetting (without a seed) when an episode ends.
    /// Null when the environment threw.
    /// </summary>
    private static Trajectory? Rollout(IEnvironment env, int seed, int actionSeed, int steps, Findings? findings)
    {
        var t = new Trajectory();
        var actionRng = new Rng(actionSeed);
        var action = new float[env.ActionSpace.FlatSize];
        int step = 0;
        try
        {
            var obs = env.Reset(seed);
            Validate(env, obs, "Reset", step, t, findings);
            for (step = 1; step <= steps; step++)
            {
                env.ActionSpace.Sample(actionRng, action);
                var r = env.Step(action);
                t.Rewards.Add(r.Reward);
                t.Flags.Add((r.Terminated, r.Truncated));
                if (findings is not null && !double.IsFinite(r.Reward))
                    findings.Once("reward", CheckSeverity.Error, $"Step {step} returned the non-finite reward {r.Reward}.");
                Validate(env, env.Observation, "Step", step, t, findings);
                if (r.NeedsReset)
                {
                    t.Episodes++;
                    Validate(env, env.Reset(), "Reset", step, t, findings);
                }
            }
        }
        catch (Exception e)
        {
            findings?.Error($"{(step == 0 ? "Reset" : $"Step {step}")} threw {e.GetType().Name}: {e.Message}");
            return null;
        }
        return t;
    }

    private static void Validate(IEnvironment env, ReadOnlySpan<float> obs, string call, int step, Trajectory t, Findings? findings)
    {
        foreach (float x in obs) t.Observations.Add(x);
        if (findings is null) return;
        var space = env.ObservationSpace;
        string where = call == "Reset" ? (step == 0 ? "the first Reset" : $"the Reset after step {step}") : $"step {step}";
        if (obs.Length != space.FlatSize)
        {
            findings.Once("length", CheckSeverity.Error, $"The observation after {where} has {obs.Length} elements, but the observation space {space} has FlatSize {space.FlatSize}.");
            return;
        }
        if (call == "Reset" && !obs.SequenceEqual(env.Observation))
            findings.Once("reset-return", CheckSeverity.Error, $"The span returned by Reset differs from Observation after {where}.");
        bool finite = true;
        foreach (float x in obs) finite &= float.IsFinite(x);
        if (!finite)
            findings.Once("finite", CheckSeverity.Error, $"The observation after {where} is not finite: {Format(obs)}.");
        else if (!space.Contains(obs))
            findings.Once("contains", CheckSeverity.Error, $"The observation after {where} is outside the observation space {space}: {Format(obs)}.");
    }

    private static void CheckDeterminism(Func<IEnvironment> factory, IEnvironment env, int seed, int steps, Trajectory first, Findings findings)
    {
        var fresh = Rollout(factory(), seed, seed, steps, null);
        if (fresh is not null && Difference(first, fresh) is string d1)
            findings.Error($"Two fresh environments reset with seed {seed} and given the same actions diverged: {d1}. Draw every random number from the environment's own generator (Environment.Random), which Reset(seed) reseeds.");
        var again = Rollout(env, seed, seed, steps, null);
        if (again is not null && Difference(first, again) is string d2)
            findings.Error($"Resetting the same environment again with seed {seed} and the same actions gave a different trajectory: {d2}. Reset(seed) must reset all episode state and reseed the generator.");
    }

    private static void CheckSeedsDiffer(Func<IEnvironment> factory, int seed, int steps, Trajectory first, Findings findings)
    {
        var firstShort = Rollout(factory(), seed, seed, steps, null);
        if (firstShort is null) return;
        for (int k = 1; k <= SeedsToCompare; k++)
        {
            var other = Rollout(factory(), seed + k, seed, steps, null);
            if (other is null || Difference(firstShort, other) is not null) return;
        }
        findings.Warning($"Seeds {seed} to {seed + SeedsToCompare} all gave the same trajectory under the same actions; fine for a deterministic environment, otherwise Reset ignores its seed.");
    }

    private static void CheckInvalidActions(Func<IEnvironment> factory, int seed, Findings findings)
    {
        var env = factory();
        void Expect(Action step, string what, CheckSeverity severity = CheckSeverity.Error)
        {
            env.Reset(seed);
            ExpectThrows<InvalidActionException>(step, what, findings, severity);
        }
        switch (env.ActionSpace)
        {
            case Discrete d:
                Expect(() => env.Step(d.Start - 1), $"Step({d.Start - 1}) below {d}");
                Expect(() => env.Step(d.Start + d.N), $"Step({d.Start + d.N}) above {d}");
                Expect(() => env.Step([d.Start + 0.5f]), $"Step([{d.Start + 0.5f}]) (not an integer) in {d}");
                Expect(() => env.Step([d.Start, d.Start]), $"Step with 2 floats in {d}");
                break;
            case Box box:
                Expect(() => env.Step(0), $"Step(int) on the Box action space {box}");
                Expect(() => env.Step(new float[box.FlatSize + 1]), $"Step with {box.FlatSize + 1} floats in {box}");
                var nan = new float[box.FlatSize];
                box.Sample(new Rng(seed), nan);
                nan[0] = float.NaN;
                Expect(() => env.Step(nan), $"Step with a NaN element in {box}");
                for (int i = 0; i < box.FlatSize; i++)
                {
                    if (!float.IsFinite(box.High[i])) continue;
                    var outside = new float[box.FlatSize];
                    box.Sample(new Rng(seed), outside);
                    outside[i] = box.High[i] + Math.Max(1f, Math.Abs(box.High[i]));
                    Expect(() => env.Step(outside), $"Step with element {i} = {outside[i]} above the bound of {box} (fine if the environment clips, as Pendulum does)", CheckSeverity.Warning);
                    break;
                }
                break;
        }
    }

    private static void CheckStepAfterEnd(Func<IEnvironment> factory, int seed, int steps, Findings findings)
    {
        var env = factory();
        var rng = new Rng(seed);
        var action = new float[env.ActionSpace.FlatSize];
        env.Reset(seed);
        for (int i = 0; i < steps; i++)
        {
            env.ActionSpace.Sample(rng, action);
            var r = env.Step(action);
            if (!r.NeedsReset) continue;
            env.ActionSpace.Sample(rng, action);
            var severity = r.Terminated ? CheckSeverity.Error : CheckSeverity.Warning;
            string what = r.Terminated ? "Step after a terminated episode" : "Step after a truncated episode (TimeLimit enforces this when the registry adds it)";
            ExpectThrows<EpisodeEndedException>(() => env.Step(action), what, findings, severity);
            return;
        }
        findings.Warning($"No episode ended within {steps} random steps, so stepping after an ended episode was not checked.");
    }

    private static void CheckRender(IEnvironment env, Findings findings)
    {
        try
        {
            env.Reset();
            if (string.IsNullOrEmpty(env.Render())) findings.Warning("Render returned an empty string.");
        }
        catch (Exception e)
        {
            findings.Warning($"Render threw {e.GetType().Name}: {e.Message}");
        }
    }

    private static void ExpectThrows<TException>(Action call, string what, Findings findings, CheckSeverity severity) where TException : Exception
    {
        try
        {
            call();
            findings.Add(severity, $"{what} did not throw; it must throw {typeof(TException).Name}.");
        }
        catch (TException)
        {
        }
        catch (Exception e)
        {
            findings.Add(severity, $"{what} threw {e.GetType().Name} ({e.Message}); it must throw {typeof(TException).Name}.");
        }
    }

    /// <summary>Where two trajectories first differ (bitwise), or null when they are identical.</summary>
    private static string? Difference(Trajectory a, Trajectory b)
    {
        int n = Math.Min(a.Observations.Count, b.Observations.Count);
        for (int i = 0; i < n; i++)
            if (BitConverter.SingleToInt32Bits(a.Observations[i]) != BitConverter.SingleToInt32Bits(b.Observations[i]))
                return $"observation element {i} (of the concatenated observations) is {Fmt(a.Observations[i])} vs {Fmt(b.Observations[i])}";
        if (a.Observations.Count != b.Observations.Count) return $"{a.Observations.Count} vs {b.Observations.Count} observation elements";
        for (int i = 0; i < Math.Min(a.Rewards.Count, b.Rewards.Count); i++)
        {
            if (BitConverter.DoubleToInt64Bits(a.Rewards[i]) != BitConverter.DoubleToInt64Bits(b.Rewards[i]))
                return $"the reward of step {i + 1} is {a.Rewards[i].ToString("R", CultureInfo.InvariantCulture)} vs {b.Rewards[i].ToString("R", CultureInfo.InvariantCulture)}";
            if (a.Flags[i] != b.Flags[i])
                return $"step {i + 1} ended with (terminated, truncated) = {a.Flags[i]} vs {b.Flags[i]}";
        }
        return null;
    }

    private static string Fmt(float x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static string Format(ReadOnlySpan<float> obs)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < obs.Length && i < 16; i++) sb.Append(i > 0 ? ", " : "").Append(Fmt(obs[i]));
        if (obs.Length > 16) sb.Append(", …");
        return sb.Append(']').ToString();
    }

    /// <summary>The findings so far; repeated problems of one kind are reported once, with their count.</summary>
    private sealed class Findings
    {
        private readonly List<CheckFinding> _list = [];
        private readonly Dictionary<string, (int Index, int Count)> _once = [];

        public void Add(CheckSeverity severity, string message) => _list.Add(new CheckFinding(severity, message));

        public void Error(string message) => Add(CheckSeverity.Error, message);

        public void Warning(string message) => Add(CheckSeverity.Warning, message);

        public void Once(string kind, CheckSeverity severity, string message)
        {
            if (_once.TryGetValue(kind, out var seen))
            {
                _once[kind] = (seen.Index, seen.Count + 1);
                return;
            }
            _once[kind] = (_list.Count, 1);
            Add(severity, message);
        }

        public CheckReport Report(string name)
        {
            foreach (var (index, count) in _once.Values)
            {
                if (count > 1)
                    _list[index] = _list[index] with { Message = _list[index].Message + $" (and {count - 1} more times)" };
            }
            return new CheckReport(name, _list.ToArray());
        }
    }
}
