namespace Bellman.Environments.ToyText;

/// <summary>Terminal colour codes as Gymnasium's <c>utils.colorize</c> writes them.</summary>
internal static class Ansi
{
    public const int Red = 31, Green = 32, Yellow = 33, Blue = 34, Magenta = 35;

    /// <summary>
    /// <c>ESC[{code}{;1}m text ESC[0m</c>, where a highlight adds 10 to the colour code (background colour)
    /// and bold appends <c>;1</c>.
    /// </summary>
    public static string Colorize(string text, int color, bool bold = false, bool highlight = false) =>
        $"\u001b[{(highlight ? color + 10 : color)}{(bold ? ";1" : "")}m{text}\u001b[0m";
}
