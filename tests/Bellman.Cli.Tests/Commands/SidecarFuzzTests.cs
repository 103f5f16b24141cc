using System.Text;
using System.Text.Json.Nodes;

namespace Bellman.Cli.Tests.Commands;

/// <summary>
/// A checkpoint's JSON sidecar is data a user may have downloaded or edited: whatever it holds, loading it either
/// works or fails with one clear line. Random mutations from a fixed seed: a key removed, a value replaced by one of
/// another type or an out-of-range one, the text cut or a byte changed.
/// </summary>
public sealed class SidecarFuzzTests(TinyRun run) : IClassFixture<TinyRun>
{
    private static readonly Func<JsonNode?>[] Replacements =
    [
        () => "x", () => "", () => -1, () => 0, () => 3.5, () => 1e30, () => null, () => true, () => new JsonArray(), () => new JsonObject(),
        () => new JsonArray(1, 2), () => "../../outside.safetensors", () => "/etc/passwd", () => new string('9', 40), () => long.MaxValue,
    ];

    [Fact]
    public void EveryMutatedSidecarLoadsOrFailsCleanly()
    {
        string folder = run.Copy("fuzz-sidecar");
        string sidecar = Path.Combine(folder, "checkpoints", "latest.json");
        string original = File.ReadAllText(sidecar);
        var rng = new Random(20261202);
        var problems = new List<string>();
        int failures = 0;
        const int mutations = 160;
        for (int i = 0; i < mutations; i++)
        {
            var (text, what) = Mutate(original, rng);
            File.WriteAllText(sidecar, text);
            var r = CliRunner.Run("eval", Path.Combine(folder, "checkpoints", "latest"), "--episodes", "1");
            if (r.ExitCode != 0) failures++;
            if (CleanErrors.Problem(r) is string problem) problems.Add($"{what}: {problem}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // The mutations must reach the validation: most of them break the checkpoint.
        Assert.True(failures > mutations / 2, $"only {failures} of {mutations} mutations failed to load");
    }

    [Theory]
    [InlineData("Options", "\"Options\"")]
    [InlineData("Env", "\"Env\"")]
    public void AMissingMetadataKeyIsNamed(string key, string expected)
    {
        string folder = run.Copy("missing-" + key);
        string sidecar = EditSidecar(folder, root => root["metadata"]!.AsObject().Remove(key));
        CleanErrors.AssertFailed(CliRunner.Run("eval", folder), sidecar, expected);
    }

    [Fact]
    public void AValueOfTheWrongTypeIsNamedWithWhatItTakes()
    {
        string folder = run.Copy("step-x");
        string sidecar = EditSidecar(folder, root => root["metadata"]!["Step"] = "x");
        CleanErrors.AssertFailed(CliRunner.Run("eval", folder), sidecar, "metadata.Step", "\"x\"", "an integer");
        CleanErrors.AssertFailed(CliRunner.Run("train", "dqn", "--resume", folder, "--steps", "400"), "metadata.Step", "an integer");
    }

    private static string EditSidecar(string folder, Action<JsonObject> edit)
    {
        string sidecar = Path.Combine(folder, "checkpoints", "latest.json");
        var root = JsonNode.Parse(File.ReadAllText(sidecar))!.AsObject();
        edit(root);
        File.WriteAllText(sidecar, root.ToJsonString());
        return sidecar;
    }

    private static (string Text, string What) Mutate(string original, Random rng)
    {
        int kind = rng.Next(10);
        if (kind == 0)
        {
            int cut = rng.Next(original.Length);
            return (original[..cut], $"cut at {cut}");
        }
        if (kind == 1)
        {
            int at = rng.Next(original.Length);
            const string characters = "{}[]\",:0-x\\\u00e9";
            char c = characters[rng.Next(characters.Length)];
            return (new StringBuilder(original) { [at] = c }.ToString(), $"character {at} -> '{c}'");
        }
        var root = JsonNode.Parse(original)!;
        var places = new List<(JsonNode Parent, string? Key, int Index, string Path)>();
        Collect(root, "$", places);
        // Most mutations go where loading reads: the metadata, the optimizers' state and the top-level keys.
        var read = places.Where(p => p.Path.StartsWith("$.metadata", StringComparison.Ordinal) || p.Path.StartsWith("$.optimizers", StringComparison.Ordinal)
            || p.Path.Count(c => c == '.') == 1).ToList();
        var pool = rng.Next(4) == 0 ? places : read;
        var (parent, key, index, path) = pool[rng.Next(pool.Count)];
        if (kind == 2 && key is not null)
        {
            parent.AsObject().Remove(key);
            return (root.ToJsonString(), $"{path} removed");
        }
        var value = Replacements[rng.Next(Replacements.Length)]();
        string shown = value?.ToJsonString() ?? "null";
        if (key is not null) parent[key] = value;
        else parent.AsArray()[index] = value;
        return (root.ToJsonString(), $"{path} = {shown}");
    }

    private static void Collect(JsonNode node, string path, List<(JsonNode, string?, int, string)> places)
    {
        if (node is JsonObject o)
        {
            foreach (var (k, v) in o.ToList())
            {
                places.Add((o, k, -1, $"{path}.{k}"));
                if (v is not null) Collect(v, $"{path}.{k}", places);
            }
        }
        else if (node is JsonArray a)
        {
            for (int i = 0; i < a.Count; i++)
            {
                places.Add((a, null, i, $"{path}[{i}]"));
                if (a[i] is JsonNode child) Collect(child, $"{path}[{i}]", places);
            }
        }
    }
}
