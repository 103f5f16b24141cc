using System.Globalization;
using System.Text;

namespace Bellman.Backgammon;

/// <summary>
/// Writes games in the Jellyfish <c>.mat</c> text format, which GNU Backgammon imports (<c>import mat
/// FILE</c>, then <c>analyse match</c>) so a person can review them. A money session is written as a
/// "0 point match"; the left column is player 0, the right player 1; each turn is the roll as two
/// digits and the play in gnubg's notation, or the roll alone when nothing could be played.
/// </summary>
public sealed class MatFile
{
    private readonly StringBuilder _text = new();
    private readonly string[] _names;
    private readonly int[] _score = new int[2];
    private readonly List<(int Player, string Turn)> _turns = [];
    private int _games;

    /// <summary>A file for two players.</summary>
    public MatFile(string player0, string player1)
    {
        _names = [Sanitize(player0), Sanitize(player1)];
        _text.Append(" 0 point match\n");
    }

    /// <summary>Records a turn of the current game: the roll and the play (null when none was legal).</summary>
    public void AddTurn(int player, in Position before, (int, int) dice, Play? play)
    {
        string roll = string.Create(CultureInfo.InvariantCulture, $"{Math.Max(dice.Item1, dice.Item2)}{Math.Min(dice.Item1, dice.Item2)}:");
        _turns.Add((player, play is Play p ? $"{roll} {MoveNotation.Format(before, p)}" : roll));
    }

    /// <summary>Closes the current game won by <paramref name="winner"/> with <paramref name="points"/>.</summary>
    public void EndGame(int winner, int points)
    {
        _games++;
        _text.Append(CultureInfo.InvariantCulture, $"\n Game {_games}\n");
        _text.Append(CultureInfo.InvariantCulture, $" {$"{_names[0]} : {_score[0]}",-30} {_names[1]} : {_score[1]}\n");
        int line = 0;
        int k = 0;
        while (k < _turns.Count)
        {
            line++;
            string left = "", right = "";
            if (_turns[k].Player == 0)
            {
                left = _turns[k++].Turn;
                if (k < _turns.Count && _turns[k].Player == 1) right = _turns[k++].Turn;
            }
            else
            {
                right = _turns[k++].Turn;
            }
            _text.Append(string.Create(CultureInfo.InvariantCulture, $"{line,3}) {left,-30} {right}").TrimEnd()).Append('\n');
        }
        string gap = winner == 0 ? "" : new string(' ', 31);
        _text.Append(CultureInfo.InvariantCulture, $"      {gap}Wins {points} point{(points == 1 ? "" : "s")}\n");
        _score[winner] += points;
        _turns.Clear();
    }

    /// <summary>The file's text so far.</summary>
    public override string ToString() => _text.ToString();

    private static string Sanitize(string name)
    {
        var sb = new StringBuilder();
        foreach (char c in name) sb.Append(char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        return sb.Length == 0 ? "player" : sb.ToString();
    }
}
