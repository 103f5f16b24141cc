namespace Bellman.Cli.Infrastructure;

/// <summary>Parses repeated <c>key=value</c> arguments.</summary>
public static class KeyValues
{
    /// <summary>
    /// Parses <paramref name="items"/> into a dictionary; <paramref name="flag"/> names the option in errors.
    /// A key given twice is an error unless <paramref name="lastWins"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> items, string flag, bool lastWins = false)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string item in items)
        {
            int eq = item.IndexOf('=');
            if (eq <= 0) throw new CliException($"{flag} '{item}' is not of the form key=value.");
            string key = item[..eq].Trim(), value = item[(eq + 1)..].Trim();
            if (lastWins) result[key] = value;
            else if (!result.TryAdd(key, value)) throw new CliException($"{flag} '{key}' is given twice.");
        }
        return result;
    }
}
