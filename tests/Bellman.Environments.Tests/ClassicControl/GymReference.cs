using System.Text.Json;

namespace Bellman.Environments.Tests.ClassicControl;

/// <summary>One step of a Gymnasium reference episode (see Data/*.json, schema in the file header).</summary>
public sealed record ReferenceStep(double[] Obs, double Reward, bool Terminated, bool Truncated, double[] State);

/// <summary>One Gymnasium reference episode: the start state and what <c>step</c> returned for each action.</summary>
public sealed record ReferenceEpisode(int Seed, string Policy, double[] InitialState, double[] InitialObs, double[] Actions, ReferenceStep[] Steps);

/// <summary>A reference space: Discrete n, or a float32 Box with its bounds.</summary>
public sealed record ReferenceSpace(string Type, int N, float[] Low, float[] High);

/// <summary>A Gymnasium reference file for one environment, produced by Gymnasium 1.4.0 itself.</summary>
public sealed record GymReference(string Env, int MaxEpisodeSteps, ReferenceSpace ActionSpace, ReferenceSpace ObservationSpace, ReferenceEpisode[] Episodes)
{
    private static readonly Dictionary<string, GymReference> Cache = [];

    /// <summary>Loads Data/{env}.json from the test output directory (cached).</summary>
    public static GymReference Load(string env)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(env, out var cached)) return cached;
            string path = Path.Combine(AppContext.BaseDirectory, "Data", env + ".json");
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            var reference = new GymReference(
                root.GetProperty("env").GetString()!,
                root.GetProperty("max_episode_steps").GetInt32(),
                ParseSpace(root.GetProperty("action_space")),
                ParseSpace(root.GetProperty("observation_space")),
                [.. root.GetProperty("episodes").EnumerateArray().Select(ParseEpisode)]);
            Cache[env] = reference;
            return reference;
        }
    }

    private static ReferenceEpisode ParseEpisode(JsonElement e) => new(
        e.GetProperty("seed").GetInt32(),
        e.GetProperty("policy").GetString()!,
        Doubles(e.GetProperty("initial_state")),
        Doubles(e.GetProperty("initial_obs")),
        [.. e.GetProperty("actions").EnumerateArray().Select(a => a.ValueKind == JsonValueKind.Array ? a[0].GetDouble() : a.GetDouble())],
        [.. e.GetProperty("steps").EnumerateArray().Select(s => new ReferenceStep(
            Doubles(s.GetProperty("obs")),
            s.GetProperty("reward").GetDouble(),
            s.GetProperty("terminated").GetBoolean(),
            s.GetProperty("truncated").GetBoolean(),
            Doubles(s.GetProperty("state"))))]);

    private static ReferenceSpace ParseSpace(JsonElement s)
    {
        string type = s.GetProperty("type").GetString()!;
        if (type == "Discrete") return new ReferenceSpace(type, s.GetProperty("n").GetInt32(), [], []);
        return new ReferenceSpace(type, 0, Floats(s.GetProperty("low")), Floats(s.GetProperty("high")));
    }

    private static double[] Doubles(JsonElement a) => [.. a.EnumerateArray().Select(x => x.GetDouble())];

    private static float[] Floats(JsonElement a) => [.. a.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String
        ? x.GetString() switch
        {
            "inf" => float.PositiveInfinity,
            "-inf" => float.NegativeInfinity,
            var other => throw new FormatException($"Unexpected bound '{other}'."),
        }
        : (float)x.GetDouble())];
}
