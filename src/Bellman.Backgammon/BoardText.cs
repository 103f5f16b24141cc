using System.Globalization;
using System.Text;

namespace Bellman.Backgammon;

/// <summary>
/// A text drawing of a board from the view of the side on roll (X, moving from 24 down to 1, home board at
/// the bottom right); the opponent is O. Stacks taller than five show their count on the fifth row.
/// </summary>
public static class BoardText
{
    /// <summary>The board as lines of text, with bar, borne-off and pip counts.</summary>
    public static string Draw(in Position position, string me = "X", string them = "O")
    {
        var sb = new StringBuilder();
        sb.AppendLine(" 13 14 15 16 17 18 |   | 19 20 21 22 23 24");
        for (int row = 0; row < 5; row++) AppendRow(sb, position, 13, row);
        sb.AppendLine("                   |BAR|");
        for (int row = 4; row >= 0; row--) AppendRow(sb, position, 12, row);
        sb.AppendLine(" 12 11 10  9  8  7 |   |  6  5  4  3  2  1");
        sb.Append(CultureInfo.InvariantCulture, $" {me}: bar {position.Mine(Position.Bar)}, off {position.MineOff}, pips {position.Pips(1)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"    {them}: bar {position.Theirs(Position.Bar)}, off {position.TheirsOff}, pips {position.Pips(0)}");
        return sb.ToString();
    }

    /// <summary>One row of the top half (points 13..24, <paramref name="firstPoint"/> 13) or the bottom half (12..1).</summary>
    private static void AppendRow(StringBuilder sb, in Position position, int firstPoint, int row)
    {
        for (int c = 0; c < 12; c++)
        {
            int point = firstPoint == 13 ? 13 + c : 12 - c;
            if (c == 6) sb.Append(" |   |");
            int mine = position.Mine(point - 1), theirs = position.Theirs(24 - point);
            int n = Math.Max(mine, theirs);
            char mark = mine > 0 ? 'X' : 'O';
            string cell = n <= row ? "." : row == 4 && n > 5 ? n.ToString(CultureInfo.InvariantCulture) : mark.ToString();
            sb.Append(cell.PadLeft(3));
        }
        sb.AppendLine();
    }
}
