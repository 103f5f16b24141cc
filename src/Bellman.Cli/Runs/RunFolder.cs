using Bellman.Cli.Infrastructure;

namespace Bellman.Cli.Runs;

/// <summary>The layout of a run folder.</summary>
public sealed class RunFolder
{
    /// <summary>Wraps an existing or new folder.</summary>
    public RunFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>config.yaml: the resolved configuration.</summary>
    public string Config => System.IO.Path.Combine(Path, "config.yaml");

    /// <summary>summary.json.</summary>
    public string Summary => System.IO.Path.Combine(Path, "summary.json");

    /// <summary>The learning-curve PNG.</summary>
    public string Plot => System.IO.Path.Combine(Path, "learning_curve.png");

    /// <summary>The latest checkpoint's prefix.</summary>
    public string Latest => System.IO.Path.Combine(Path, "checkpoints", "latest");

    /// <summary>The best checkpoint's prefix.</summary>
    public string Best => System.IO.Path.Combine(Path, "checkpoints", "best");

    /// <summary>
    /// Checks that <paramref name="file"/> lies in this run folder with no symbolic link on the way (the file
    /// itself, or a folder such as <c>checkpoints/</c>): a run folder is data a user may have downloaded, and
    /// may only reference its own files. Returns the full path.
    /// </summary>
    public string RequireInside(string file)
    {
        string full = System.IO.Path.GetFullPath(file);
        string relative = System.IO.Path.GetRelativePath(Path, full);
        if (relative == ".." || relative.StartsWith(".." + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal) || System.IO.Path.IsPathRooted(relative))
            throw new CliException($"'{file}' is outside the run folder '{Path}'.");
        string current = Path;
        foreach (string part in relative.Split(System.IO.Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = System.IO.Path.Combine(current, part);
            if (new FileInfo(current).LinkTarget is string target)
                throw new CliException($"'{current}' is a symbolic link (to '{target}'); a run folder may only use its own files.");
        }
        return full;
    }

    /// <summary>A new folder under <c>runs/</c> named after the algorithm, environment and seed (suffixed -2, -3, … when taken).</summary>
    public static RunFolder CreateDefault(string algorithm, string envId, int seed)
    {
        string baseName = System.IO.Path.Combine("runs", $"{algorithm}-{envId}-s{seed}");
        string name = baseName;
        for (int i = 2; Directory.Exists(name); i++) name = $"{baseName}-{i}";
        Directory.CreateDirectory(name);
        return new RunFolder(name);
    }

    /// <summary>
    /// A new run's folder: <paramref name="output"/>, refused when it already holds a run (<paramref name="taken"/> ends
    /// that message: what else to do), or the default one under <c>runs/</c>. A folder that cannot be made is a
    /// one-line error.
    /// </summary>
    public static RunFolder CreateNew(string? output, string algorithm, string envId, int seed, string taken = "choose another --out")
    {
        try
        {
            if (output is null) return CreateDefault(algorithm, envId, seed);
            if (File.Exists(System.IO.Path.Combine(output, "config.yaml"))) throw new CliException($"'{output}' already holds a run; {taken}.");
            Directory.CreateDirectory(output);
            return new RunFolder(output);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot create the run folder '{output ?? "runs/"}': {e.Message} Choose a writable --out.");
        }
    }

    /// <summary>Writes text atomically (temporary file, then rename).</summary>
    public static void WriteAtomic(string path, string text) => OutputFile.WriteText(path, text);
}
