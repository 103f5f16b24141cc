using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bellman.Nn;
using Bellman.Nn.Layers;
using Bellman.Nn.Optimizers;
using Bellman.Nn.Serialization;

namespace Bellman.Algorithms.Training;

/// <summary>
/// Saves and restores an agent — several named networks and optimizers — as one safetensors file
/// (tensors "q.0.weight", "q_target.0.weight", "optimizer.exp_avg.0.weight", …; readable by PyTorch and
/// Python's safetensors) plus a JSON sidecar with the shapes, each network's architecture (its layers
/// in order with their sizes, activations and tensor names: enough to rebuild the forward pass in another
/// language), the optimizers' scalar state, the file's SHA-256 and the caller's metadata (run counters,
/// environment, options, observation and action spaces). Both files are written to a
/// temporary name and renamed. Loading checks every name and shape before changing anything. A third file,
/// NAME.state, may hold the training state for an exact resume (<see cref="ReadTrainingState"/>); the sidecar
/// names it and records its SHA-256 too, and it is written before the sidecar.
/// </summary>
public static class AgentCheckpoint
{
    /// <summary>The <c>format</c> value of the sidecar.</summary>
    public const string Format = "bellman-agent";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The two files of the checkpoint at <paramref name="prefix"/> (…/latest → latest.safetensors, latest.json).</summary>
    public static (string Tensors, string Sidecar) PathsFor(string prefix)
    {
        if (prefix.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || prefix.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            prefix = Path.ChangeExtension(prefix, null);
        return (prefix + ".safetensors", prefix + ".json");
    }

    /// <summary>The training-state file of the checkpoint at <paramref name="prefix"/> (…/latest → latest.state).</summary>
    public static string StatePathFor(string prefix) => Path.ChangeExtension(PathsFor(prefix).Sidecar, ".state");

    /// <summary>
    /// Writes the checkpoint; <paramref name="metadata"/> is any JSON-serialisable object. With
    /// <paramref name="trainingState"/> the checkpoint gets a NAME.state file holding it; without, a NAME.state
    /// left by an earlier save is removed, and <paramref name="stateNote"/> (if any) says why there is none.
    /// </summary>
    public static void Save(string prefix, IReadOnlyList<(string Name, Module Module)> networks, IReadOnlyList<(string Name, Optimizer Optimizer)> optimizers, object metadata,
        byte[]? trainingState = null, string? stateNote = null)
    {
        var (tensorsPath, sidecarPath) = PathsFor(prefix);
        var tensors = new List<NamedTensor>();
        var shapes = new JsonObject();
        var architecture = new JsonObject();
        foreach (var (name, module) in networks)
        {
            architecture[name] = module.Describe();
            var net = new JsonObject();
            foreach (Parameter p in module.Parameters())
            {
                tensors.Add(new NamedTensor($"{name}.{p.Name}", p.Shape, p.Data));
                net[p.Name] = new JsonArray(p.Shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray());
            }
            shapes[name] = net;
        }
        var scalars = new JsonObject();
        foreach (var (name, optimizer) in optimizers)
        {
            var state = optimizer.StateDict();
            foreach (var b in state.Buffers) tensors.Add(b with { Name = $"{name}.{b.Name}" });
            scalars[name] = JsonSerializer.SerializeToNode(state.Scalars, Json);
        }
        byte[] bytes = SafeTensors.Serialize(tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var sidecar = new JsonObject
        {
            ["format"] = Format,
            ["version"] = 1,
            ["tensors"] = Path.GetFileName(tensorsPath),
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            ["networks"] = shapes,
            ["architecture"] = architecture,
            ["optimizers"] = scalars,
            ["metadata"] = JsonSerializer.SerializeToNode(metadata, metadata.GetType(), Json),
        };
        string statePath = StatePathFor(prefix);
        if (trainingState is not null)
        {
            sidecar["state"] = Path.GetFileName(statePath);
            sidecar["state_sha256"] = Convert.ToHexStringLower(SHA256.HashData(trainingState));
        }
        if (stateNote is not null) sidecar["state_note"] = stateNote;
        string? dir = Path.GetDirectoryName(Path.GetFullPath(tensorsPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        AtomicFile.WriteAllBytes(tensorsPath, bytes);
        if (trainingState is not null) AtomicFile.WriteAllBytes(statePath, trainingState);
        AtomicFile.WriteAllBytes(sidecarPath, JsonSerializer.SerializeToUtf8Bytes(sidecar, Json));
        if (trainingState is null && File.Exists(statePath)) File.Delete(statePath);
    }

    /// <summary>
    /// The training state of the checkpoint at <paramref name="prefix"/>, checked against the SHA-256 its sidecar
    /// records, or null when the checkpoint has none (then <paramref name="note"/> says why: an older checkpoint,
    /// a state the environment could not save, or a missing file). A state file that is not the one beside the
    /// sidecar, is a symbolic link, or does not match its hash is an <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public static byte[]? ReadTrainingState(string prefix, out string? note)
    {
        string sidecarPath = PathsFor(prefix).Sidecar, statePath = StatePathFor(prefix);
        var sidecar = ReadSidecar(sidecarPath);
        note = (string?)sidecar["state_note"];
        if (sidecar["state"] is not JsonNode named)
        {
            note ??= "the checkpoint has no training state (it was made by an older version of Bellman)";
            return null;
        }
        string? name = (string?)named;
        if (name != Path.GetFileName(statePath))
            throw new InvalidDataException($"'{sidecarPath}' names its training state '{name}', but a checkpoint may only use the file beside it, '{Path.GetFileName(statePath)}'.");
        if (!File.Exists(statePath))
        {
            note = $"its training state '{statePath}' is missing";
            return null;
        }
        if (new FileInfo(statePath).LinkTarget is string target)
            throw new InvalidDataException($"'{statePath}' is a symbolic link (to '{target}'); a checkpoint's files must be plain files in its folder.");
        byte[] bytes = File.ReadAllBytes(statePath);
        if ((string?)sidecar["state_sha256"] != Convert.ToHexStringLower(SHA256.HashData(bytes)))
            throw new InvalidDataException($"'{statePath}' is truncated or corrupt (its SHA-256 differs from the one '{sidecarPath}' records); delete it to resume approximately from the weights alone.");
        return bytes;
    }

    /// <summary>Reads only the sidecar's metadata (to rebuild the agent before loading its weights).</summary>
    public static JsonElement ReadMetadata(string prefix)
    {
        var sidecar = ReadSidecar(PathsFor(prefix).Sidecar);
        return sidecar["metadata"] is JsonNode m ? JsonSerializer.SerializeToElement(m) : throw new InvalidDataException($"'{PathsFor(prefix).Sidecar}' has no metadata.");
    }

    // The module name under which agents keep step counters (TD3, SAC): optional, for checkpoints saved before them.
    private const string OptionalCounters = "counters";

    /// <summary>
    /// Loads the checkpoint into the given networks and (optionally, pass an empty list to skip) optimizers.
    /// Throws <see cref="CheckpointMismatchException"/> listing every missing, unexpected or mis-shaped tensor.
    /// </summary>
    public static JsonElement Load(string prefix, IReadOnlyList<(string Name, Module Module)> networks, IReadOnlyList<(string Name, Optimizer Optimizer)> optimizers)
    {
        var (tensorsPath, sidecarPath) = PathsFor(prefix);
        if (!File.Exists(tensorsPath)) throw new FileNotFoundException($"Checkpoint file '{tensorsPath}' does not exist.", tensorsPath);
        var sidecar = ReadSidecar(sidecarPath);
        // A checkpoint may come from anywhere: it names only the tensors file beside it, which must be a plain file.
        if (sidecar["tensors"] is JsonNode named && String(named, sidecarPath, "tensors") is string tensorsName && tensorsName != Path.GetFileName(tensorsPath))
            throw new InvalidDataException($"'{sidecarPath}' names its tensors '{tensorsName}', but a checkpoint may only use the file beside it, '{Path.GetFileName(tensorsPath)}'.");
        RequirePlainFile(tensorsPath);
        byte[] bytes = File.ReadAllBytes(tensorsPath);
        if (String(sidecar["sha256"], sidecarPath, "sha256") != Convert.ToHexStringLower(SHA256.HashData(bytes)))
            throw new InvalidDataException($"'{sidecarPath}' does not describe '{tensorsPath}' (SHA-256 mismatch): the files come from different saves or one is corrupt.");
        SafeTensorsFile file;
        try
        {
            file = SafeTensors.Read(bytes);
        }
        catch (SafeTensorsFormatException e)
        {
            throw new SafeTensorsFormatException($"'{tensorsPath}': {e.Message}", e.TensorName, e);
        }
        var byName = file.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var (name, module) in networks)
        {
            foreach (Parameter p in module.Parameters())
            {
                string key = $"{name}.{p.Name}";
                used.Add(key);
                if (!byName.TryGetValue(key, out var t))
                {
                    // Counters came into checkpoints later: an older checkpoint without them starts them at zero.
                    if (name != OptionalCounters) errors.Add($"{key}: missing from the checkpoint (model has [{string.Join(", ", p.Shape)}])");
                }
                else if (!t.Shape.AsSpan().SequenceEqual(p.Shape)) errors.Add($"{key}: checkpoint has [{string.Join(", ", t.Shape)}], model has [{string.Join(", ", p.Shape)}]");
            }
        }
        var networkNames = networks.Select(n => n.Name + ".").ToList();
        foreach (var t in file.Tensors)
            if (!used.Contains(t.Name) && networkNames.Any(prefixName => t.Name.StartsWith(prefixName, StringComparison.Ordinal)))
                errors.Add($"{t.Name}: in the checkpoint ([{string.Join(", ", t.Shape)}]) but not in the model");
        if (errors.Count > 0)
            throw new CheckpointMismatchException($"Checkpoint '{tensorsPath}' does not fit this agent (another environment or network?): {string.Join("; ", errors)}.");

        var states = new List<(Optimizer Optimizer, OptimizerState State)>();
        foreach (var (name, optimizer) in optimizers)
        {
            if ((sidecar["optimizers"] as JsonObject)?[name] is not JsonNode node) throw new CheckpointMismatchException($"Checkpoint '{tensorsPath}' holds no state for optimizer '{name}'.");
            var scalars = SidecarJson.Read<OptimizerScalars>(JsonSerializer.SerializeToElement(node), sidecarPath, $"optimizers.{name}");
            string prefixName = name + ".";
            var buffers = file.Tensors.Where(t => t.Name.StartsWith(prefixName, StringComparison.Ordinal)).Select(t => t with { Name = t.Name[prefixName.Length..] }).ToList();
            states.Add((optimizer, new OptimizerState(scalars, buffers)));
        }
        // Optimizer state first: it validates itself and throws before any parameter changes.
        foreach (var (optimizer, state) in states)
        {
            try
            {
                optimizer.LoadStateDict(state);
            }
            catch (ArgumentException e)
            {
                string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
                throw new CheckpointMismatchException($"Checkpoint '{tensorsPath}': {message}", e);
            }
        }
        foreach (var (name, module) in networks)
            foreach (Parameter p in module.Parameters())
                if (byName.TryGetValue($"{name}.{p.Name}", out var t)) t.Data.AsSpan().CopyTo(p.Data);
        return sidecar["metadata"] is JsonNode m ? JsonSerializer.SerializeToElement(m) : default;
    }

    private static JsonObject ReadSidecar(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint sidecar '{path}' does not exist.", path);
        RequirePlainFile(path);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
        if (node is not JsonObject o || o["format"] is not JsonValue format || !format.TryGetValue(out string? name) || name != Format)
            throw new InvalidDataException($"'{path}' is not a Bellman agent checkpoint (expected \"format\": \"{Format}\").");
        return o;
    }

    /// <summary>A string-valued key of the sidecar; another kind of value is an error naming the file and the key.</summary>
    private static string? String(JsonNode? node, string path, string key) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? text) => text,
        _ => throw new InvalidDataException($"'{path}': \"{key}\" is {SidecarJson.Show(JsonSerializer.SerializeToElement(node))}, but must be a string."),
    };

    /// <summary>
    /// A checkpoint's file must be a plain file: a symbolic link could make a downloaded checkpoint read any
    /// file of the machine (or, followed by a save, overwrite one).
    /// </summary>
    private static void RequirePlainFile(string path)
    {
        if (new FileInfo(path).LinkTarget is string target)
            throw new InvalidDataException($"'{path}' is a symbolic link (to '{target}'); a checkpoint's files must be plain files in its folder.");
    }
}
