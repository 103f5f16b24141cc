using System.Text.Json;

namespace Bellman.Backgammon.Tests;

/// <summary>The gnubg 1.07 reference cases copied from the project's reference folder (Data/legal_moves.json).</summary>
public static class ReferenceData
{
    public sealed record Result(string Id, string Move);

    public sealed record Case(string Name, string Category, string PositionId, int[][] Board, int[] Dice, int DiceUsed, IReadOnlyList<Result> Results, string? ExpertChoice);

    private static readonly Lazy<IReadOnlyList<Case>> All = new(Load);

    public static IReadOnlyList<Case> Cases => All.Value;

    public static IEnumerable<object[]> CaseNames() => Cases.Select(c => new object[] { c.Name });

    public static Case Get(string name) => Cases.Single(c => c.Name == name);

    private static IReadOnlyList<Case> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "legal_moves.json")));
        var cases = new List<Case>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var board = c.GetProperty("board").EnumerateArray().Select(s => s.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray();
            var results = c.GetProperty("results").EnumerateArray()
                .Select(r => new Result(r.GetProperty("id").GetString()!, r.GetProperty("move").GetString()!)).ToList();
            string? expert = c.GetProperty("gnubg_choice").GetProperty("expert_0ply").TryGetProperty("result_id", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            cases.Add(new Case(c.GetProperty("id").GetString()!, c.GetProperty("category").GetString()!, c.GetProperty("position_id").GetString()!,
                board, c.GetProperty("dice").EnumerateArray().Select(x => x.GetInt32()).ToArray(), c.GetProperty("dice_used").GetInt32(), results, expert));
        }
        return cases;
    }
}
