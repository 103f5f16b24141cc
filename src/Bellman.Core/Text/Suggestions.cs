namespace Bellman.Core.Text;

/// <summary>Finds the valid names closest to a misspelt one, for error messages ("did you mean ...").</summary>
public static class Suggestions
{
    /// <summary>
    /// The candidates closest to <paramref name="input"/> by case-insensitive edit distance, best first;
    /// candidates that contain the input (or are contained in it) rank as close.
    /// </summary>
    public static IReadOnlyList<string> Closest(string input, IEnumerable<string> candidates, int max = 3)
    {
        string needle = input.ToLowerInvariant();
        return candidates
            .Select(c => (Name: c, Score: Score(needle, c.ToLowerInvariant())))
            .OrderBy(x => x.Score).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Take(max)
            .Select(x => x.Name)
            .ToList();
    }

    /// <summary>"did you mean 'a', 'b' or 'c'?" for an error message, or an empty string when there are no candidates.</summary>
    public static string DidYouMean(string input, IEnumerable<string> candidates, int max = 3)
    {
        var closest = Closest(input, candidates, max);
        if (closest.Count == 0) return "";
        var quoted = closest.Select(c => $"'{c}'").ToList();
        string list = quoted.Count == 1 ? quoted[0] : string.Join(", ", quoted.Take(quoted.Count - 1)) + " or " + quoted[^1];
        return $"did you mean {list}?";
    }

    /// <summary>The Levenshtein distance between two strings.</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static int Score(string needle, string candidate)
    {
        int distance = EditDistance(needle, candidate);
        if (needle.Length > 0 && (candidate.Contains(needle, StringComparison.Ordinal) || needle.Contains(candidate, StringComparison.Ordinal)))
            distance = Math.Min(distance, Math.Abs(candidate.Length - needle.Length) / 4);
        return distance;
    }
}
