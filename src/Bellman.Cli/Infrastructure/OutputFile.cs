using Bellman.Nn.Serialization;

namespace Bellman.Cli.Infrastructure;

/// <summary>
/// Every file the CLI writes goes through here: the target is checked first (a folder, or a folder path
/// that runs through a file, is a clear error), the content goes to a temporary name in the same folder
/// and is renamed at the end, and a failed write leaves neither a partial file nor a stray temporary.
/// </summary>
public static class OutputFile
{
    /// <summary>The full path of <paramref name="path"/> once it is known to name a file that can be written.</summary>
    public static string Check(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new CliException("The output file name is empty.");
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new CliException($"'{path}' is a folder; give a file name, e.g. {Path.Combine(path, "out" + DefaultExtension(path))}.");
        for (string? dir = Path.GetDirectoryName(full); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(dir)) break;
            if (File.Exists(dir)) throw new CliException($"Cannot write '{path}': '{dir}' is a file, not a folder.");
        }
        return full;
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/> atomically.</summary>
    public static void WriteText(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Writes the file through <paramref name="write"/> atomically; an IO failure names the file.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Check(path);
        try
        {
            AtomicFile.Write(full, write);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot write '{path}': {e.Message}");
        }
    }

    private static string DefaultExtension(string path) => Path.GetExtension(path) is { Length: > 0 } ext ? ext : ".png";
}
