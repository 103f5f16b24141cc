using System.Globalization;
using System.Text;

namespace Bellman.Backgammon;

/// <summary>
/// Plays written as GNU Backgammon writes them: <c>24/23 13/9</c>, <c>bar/22*</c>, <c>6/off</c>,
/// <c>6/2(4)</c>, <c>24/20*/16</c>. Points are the mover's (25 "bar", 0 "off"). The steps are sorted by
/// start point, then end point, both descending; a step that starts where an earlier one ended continues
/// that checker (the intermediate point is written only when a blot was hit there, with <c>*</c>);
/// identical checker paths are written once with their count in parentheses; a landing point that held an
/// opposing blot before the play gets <c>*</c> the first time it is written.
/// </summary>
public static class MoveNotation
{
    /// <summary>The gnubg text of <paramref name="play"/> made from <paramref name="before"/>; empty when the play has no steps.</summary>
    public static string Format(in Position before, in Play play)
    {
        int n = play.StepCount;
        Span<int> from = stackalloc int[4];
        Span<int> to = stackalloc int[4];
        for (int k = 0; k < n; k++) (from[k], to[k]) = (play.From(k), play.To(k));
        // Insertion sort: descending start point, then descending end point.
        for (int a = 1; a < n; a++)
        {
            for (int b = a; b > 0 && (from[b] > from[b - 1] || (from[b] == from[b - 1] && to[b] > to[b - 1])); b--)
            {
                (from[b], from[b - 1]) = (from[b - 1], from[b]);
                (to[b], to[b - 1]) = (to[b - 1], to[b]);
            }
        }

        // Each checker's path: start, hit intermediate points, end.
        Span<int> path = stackalloc int[16];
        Span<int> length = stackalloc int[4];
        Span<bool> alive = stackalloc bool[4];
        for (int k = 0; k < n; k++)
        {
            path[4 * k] = from[k];
            path[4 * k + 1] = to[k];
            length[k] = 2;
            alive[k] = true;
        }
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                if (!alive[i] || !alive[j] || path[4 * i + length[i] - 1] != path[4 * j]) continue;
                int via = path[4 * i + length[i] - 1];
                if (HadBlot(before, via)) length[i]++;
                path[4 * i + length[i] - 1] = path[4 * j + 1];
                alive[j] = false;
            }
        }

        Span<int> count = stackalloc int[4];
        for (int i = 0; i < n; i++) count[i] = alive[i] ? 1 : 0;
        for (int i = 0; i < n; i++)
        {
            if (!alive[i]) continue;
            for (int j = i + 1; j < n; j++)
            {
                if (alive[j] && length[j] == length[i] && path.Slice(4 * i, length[i]).SequenceEqual(path.Slice(4 * j, length[j])))
                {
                    count[i]++;
                    alive[j] = false;
                }
            }
        }

        var sb = new StringBuilder();
        int marked = 0; // bit p: a '*' was already written at point p
        for (int i = 0; i < n; i++)
        {
            if (!alive[i]) continue;
            if (sb.Length > 0) sb.Append(' ');
            AppendPoint(sb, path[4 * i]);
            for (int k = 1; k < length[i] - 1; k++)
            {
                sb.Append('/');
                AppendPoint(sb, path[4 * i + k]);
                sb.Append('*');
                marked |= 1 << path[4 * i + k];
            }
            int end = path[4 * i + length[i] - 1];
            sb.Append('/');
            AppendPoint(sb, end);
            if (end != 0 && HadBlot(before, end) && (marked & (1 << end)) == 0)
            {
                sb.Append('*');
                marked |= 1 << end;
            }
            if (count[i] > 1) sb.Append('(').Append(count[i].ToString(CultureInfo.InvariantCulture)).Append(')');
        }
        return sb.ToString();
    }

    /// <summary>Whether the opponent had a checker on the mover's point <paramref name="point"/> (1..24) before the play.</summary>
    private static bool HadBlot(in Position before, int point) => point is >= 1 and <= 24 && before.Theirs(24 - point) > 0;

    private static void AppendPoint(StringBuilder sb, int point)
    {
        if (point == 25) sb.Append("bar");
        else if (point == 0) sb.Append("off");
        else sb.Append(point.ToString(CultureInfo.InvariantCulture));
    }
}
