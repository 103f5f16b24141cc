using System.Text.Json;
using Bellman.Core.Tabular;

namespace Bellman.Algorithms.Tests.Tabular;

/// <summary>A Gymnasium toy-text reference file: the P table as a TabularModel and the value-iteration numbers.</summary>
public sealed record ReferenceModel(
    string Name,
    TabularModel Model,
    int Columns,
    double Gamma,
    double Tolerance,
    int Iterations,
    double[] V,
    double[] Q,
    int[] Policy,
    int[][] Ties)
{
    public const string FrozenLakeSlippery = "FrozenLake-v1_4x4_slippery";
    public const string FrozenLakeNotSlippery = "FrozenLake-v1_4x4_not_slippery";
    public const string CliffWalking = "CliffWalking-v1";

    private static readonly Dictionary<string, ReferenceModel> Cache = [];

    public static ReferenceModel Load(string name)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(name, out var cached)) return cached;
            var loaded = Parse(name, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", name + ".json")));
            Cache[name] = loaded;
            return loaded;
        }
    }

    private static ReferenceModel Parse(string name, string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        int nS = root.GetProperty("nS").GetInt32(), nA = root.GetProperty("nA").GetInt32();
        var p = root.GetProperty("P");
        var outcomes = new List<Outcome>[nS, nA];
        for (int s = 0; s < nS; s++)
        {
            for (int a = 0; a < nA; a++)
            {
                outcomes[s, a] = [];
                foreach (var o in p[s][a].EnumerateArray())
                    outcomes[s, a].Add(new Outcome(o[0].GetDouble(), o[1].GetInt32(), o[2].GetDouble(), o[3].GetBoolean()));
            }
        }
        var initial = root.GetProperty("initial_state_distrib").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var model = new TabularModel(nS, nA, (s, a) => outcomes[s, a], initial);
        int columns = root.TryGetProperty("desc", out var desc) ? desc[0].GetString()!.Length : 12;
        var vi = root.GetProperty("value_iteration");
        return new ReferenceModel(
            name, model, columns,
            vi.GetProperty("gamma").GetDouble(),
            vi.GetProperty("tol").GetDouble(),
            vi.GetProperty("iterations").GetInt32(),
            vi.GetProperty("V").EnumerateArray().Select(x => x.GetDouble()).ToArray(),
            vi.GetProperty("Q").EnumerateArray().SelectMany(row => row.EnumerateArray().Select(x => x.GetDouble())).ToArray(),
            vi.GetProperty("policy").EnumerateArray().Select(x => x.GetInt32()).ToArray(),
            vi.GetProperty("ties").EnumerateArray().Select(row => row.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray());
    }
}
