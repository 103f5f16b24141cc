namespace Bellman.Cli.Tests.Commands;

/// <summary>What every failing command must look like: one line that starts with "error: ", exit code 2, no stack trace.</summary>
internal static class CleanErrors
{
    /// <summary>Whether <paramref name="r"/> either succeeded or failed cleanly; otherwise why not.</summary>
    public static string? Problem(CliRunner.Result r)
    {
        if (r.ExitCode == 0) return null;
        string error = r.Error.TrimEnd();
        if (r.ExitCode != 2) return $"exit code {r.ExitCode} (2 is a user error; 70 an unexpected exception): {error}";
        if (!error.StartsWith("error: ", StringComparison.Ordinal)) return $"the message does not start with 'error: ': {error}";
        if (error.Contains('\n')) return $"the message has more than one line: {error}";
        if (error.Contains("   at ", StringComparison.Ordinal) || error.Contains("Exception", StringComparison.Ordinal)) return $"the message shows .NET internals: {error}";
        return null;
    }

    /// <summary>Asserts that <paramref name="r"/> failed cleanly and that its message contains each of <paramref name="expected"/>.</summary>
    public static void AssertFailed(CliRunner.Result r, params string[] expected)
    {
        Assert.NotEqual(0, r.ExitCode);
        Assert.Null(Problem(r));
        foreach (string e in expected) Assert.Contains(e, r.Error);
    }

    /// <summary>A fresh temporary folder.</summary>
    public static string TempFolder(string name) =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"bellman-{name}-{Guid.NewGuid():N}")).FullName;
}

/// <summary>One small DQN run on CartPole (8 hidden units, 200 steps), shared by the tests that tamper with a run's files.</summary>
public sealed class TinyRun : IDisposable
{
    /// <summary>Trains the run.</summary>
    public TinyRun()
    {
        Root = CleanErrors.TempFolder("tiny-run");
        Folder = Path.Combine(Root, "run");
        var r = CliRunner.Run("train", "dqn", "--steps", "200", "--set", "learning_starts=50", "--set", "eval_freq=0", "--set", "net_arch=[8]",
            "--set", "buffer_size=500", "--no-tensorboard", "--out", Folder);
        if (r.ExitCode != 0) throw new InvalidOperationException("the tiny run failed: " + r.Error);
    }

    /// <summary>A temporary folder holding the run.</summary>
    public string Root { get; }

    /// <summary>The run folder.</summary>
    public string Folder { get; }

    /// <summary>A copy of the run folder under a new name, to tamper with.</summary>
    public string Copy(string name)
    {
        string target = Path.Combine(Root, name);
        foreach (string file in Directory.GetFiles(Folder, "*", SearchOption.AllDirectories))
        {
            string to = Path.Combine(target, Path.GetRelativePath(Folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
