using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Bellman.Backgammon;
using Bellman.Cli.Infrastructure;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>
/// <c>bellman backgammon moves</c>: every distinct legal play of the side on roll for a position (gnubg ID)
/// and a roll, each with its resulting position ID (same orientation: the mover is still the second half)
/// and the play in gnubg's notation.
/// </summary>
public sealed class BackgammonMovesCommand(CliIO io) : Command<BackgammonMovesCommand.Settings>
{
    /// <summary>Settings of <c>backgammon moves</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>The position.</summary>
        [CommandOption("--position <ID>")]
        [Description("gnubg position ID (14 characters); the side on roll is the second half, e.g. 4HPwATDgc/ABMA (the start).")]
        public string? Position { get; init; }

        /// <summary>The dice.</summary>
        [CommandOption("--dice <A,B>")]
        [Description("The roll, e.g. 5,3 or 6,6.")]
        public string? Dice { get; init; }

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("Print {\"plays\": [[{\"id\": ..., \"move\": ...}, ...]]}.")]
        public bool Json { get; init; }
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Position position = ParsePosition(settings.Position);
        var (d1, d2) = ParseDice(settings.Dice);
        var plays = new MoveGenerator().Generate(position, d1, d2);
        if (settings.Json)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                json.WriteStartObject();
                json.WriteStartArray("plays");
                foreach (var play in plays)
                {
                    json.WriteStartObject();
                    json.WriteString("id", PositionId.Encode(play.Result));
                    json.WriteString("move", MoveNotation.Format(position, play));
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            io.Out.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }
        else
        {
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{PositionId.Encode(position)} {d1}-{d2}: {plays.Count} legal play{(plays.Count == 1 ? "" : "s")}"));
            foreach (var play in plays)
                io.Out.WriteLine($"{PositionId.Encode(play.Result)}  {MoveNotation.Format(position, play)}");
        }
        return 0;
    }

    /// <summary>Decodes --position, or a clear error.</summary>
    internal static Position ParsePosition(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) throw new CliException("Give --position <ID>, a gnubg position ID such as 4HPwATDgc/ABMA (the start).");
        if (!PositionId.TryDecode(id.Trim(), out Position position, out string? error)) throw new CliException($"--position: {error}");
        return position;
    }

    /// <summary>Parses --dice "a,b" (each 1..6), or a clear error.</summary>
    internal static (int, int) ParseDice(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new CliException("Give --dice <A,B>, e.g. --dice 5,3.");
        var parts = text.Split([',', '-', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2) throw new CliException($"--dice '{text}' must be two dice, e.g. 5,3.");
        var dice = new int[2];
        for (int i = 0; i < 2; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dice[i]) || dice[i] is < 1 or > 6)
                throw new CliException($"--dice '{text}': '{parts[i]}' is not a die (1..6).");
        }
        return (dice[0], dice[1]);
    }
}
