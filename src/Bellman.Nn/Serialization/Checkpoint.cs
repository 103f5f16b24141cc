using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bellman.Nn.Optimizers;

namespace Bellman.Nn.Serialization;

/// <summary>The two files of a checkpoint.</summary>
/// <param name="Tensors">"&lt;name&gt;.safetensors": model parameters by name, optimizer buffers as "optimizer.&lt;kind&gt;.&lt;parameter&gt;".</param>
/// <param name="Json">"&lt;name&gt;.json": format, parameter shapes, the SHA-256 of the tensors file, optimizer scalars and user metadata.</param>
public readonly record struct CheckpointPaths(string Tensors, string Json);

/// <summary>What <see cref="Checkpoint.Load"/> read besides the tensors.</summary>
/// <param name="Metadata">The user metadata given to <see cref="Checkpoint.Save"/> (JSON null when none).</param>
/// <param name="Optimizer">The optimizer scalars, or null when the checkpoint holds no optimizer.</param>
/// <param name="Paths">The files read.</param>
public sealed record CheckpointInfo(JsonElement Metadata, OptimizerScalars? Optimizer, CheckpointPaths Paths)
{
    /// <summary>The metadata deserialised as <typeparamref name="T"/>.</summary>
    public T? MetadataAs<T>() => Metadata.Deserialize<T>(Checkpoint.JsonOptions);
}

/// <summary>A checkpoint read without a model (<see cref="Checkpoint.Read"/>).</summary>
/// <param name="Parameters">The model parameters by name, in file order.</param>
/// <param name="Optimizer">The optimizer state (buffers without the "optimizer." prefix), or null when none was saved.</param>
/// <param name="Metadata">The user metadata (JSON null when none).</param>
/// <param name="Paths">The files read.</param>
public sealed record CheckpointFile(IReadOnlyList<NamedTensor> Parameters, OptimizerState? Optimizer, JsonElement Metadata, CheckpointPaths Paths)
{
    /// <summary>The metadata deserialised as <typeparamref name="T"/>.</summary>
    public T? MetadataAs<T>() => Metadata.Deserialize<T>(Checkpoint.JsonOptions);
}

/// <summary>A model/optimizer pair that does not fit a checkpoint; the message lists every mismatch.</summary>
public sealed class CheckpointMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointMismatchException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// Saves and restores a model's parameters, optionally an optimizer's state, and JSON metadata, as a
/// safetensors file readable by PyTorch plus a JSON sidecar. Both files are written atomically; the
/// sidecar records the SHA-256 of the tensors file, so a pair from two different saves is detected.
/// Loading checks everything before changing any parameter or optimizer state.
/// </summary>
public static class Checkpoint
{
    /// <summary>The prefix of optimizer buffers in the tensors file.</summary>
    public const string OptimizerPrefix = "optimizer.";

    /// <summary>The <c>format</c> value of the JSON sidecar.</summary>
    public const string Format = "bellman-checkpoint";

    /// <summary>The version of the JSON sidecar layout.</summary>
    public const int Version = 1;

    internal static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>
    /// The files for <paramref name="path"/>: "p.safetensors" and "p.json" for a prefix p (an extension
    /// .safetensors or .json is dropped); "dir/checkpoint.*" when <paramref name="path"/> is an existing
    /// folder or ends with a separator.
    /// </summary>
    public static CheckpointPaths PathsFor(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path) || path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar))
            path = Path.Combine(path, "checkpoint");
        else if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            path = Path.ChangeExtension(path, null);
        return new CheckpointPaths(path + ".safetensors", path + ".json");
    }

    /// <summary>
    /// Saves <paramref name="parameters"/> (under their names), the state of <paramref name="optimizer"/> if
    /// given, and <paramref name="metadata"/> (any System.Text.Json-serialisable object) to the files of
    /// <see cref="PathsFor"/>. Returns the paths written.
    /// </summary>
    public static CheckpointPaths Save(string path, IReadOnlyList<Parameter> parameters, Optimizer? optimizer = null, object? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        CheckpointPaths paths = PathsFor(path);
        var tensors = new List<NamedTensor>(parameters.Count);
        var shapes = new JsonObject();
        foreach (Parameter p in parameters)
        {
            if (p.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
                throw new ArgumentException($"Parameter '{p.Name}' starts with the reserved prefix '{OptimizerPrefix}'.", nameof(parameters));
            tensors.Add(new NamedTensor(p.Name, p.Shape, p.Data));
            shapes[p.Name] = new JsonArray(p.Shape.Select(d => JsonValue.Create(d)).ToArray<JsonNode?>());
        }
        OptimizerState? state = optimizer?.StateDict();
        if (state is not null)
            foreach (NamedTensor t in state.Buffers) tensors.Add(t with { Name = OptimizerPrefix + t.Name });

        byte[] bytes = SafeTensors.Serialize(tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var sidecar = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["tensors"] = Path.GetFileName(paths.Tensors),
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            ["parameters"] = shapes,
            ["optimizer"] = state is null ? null : JsonSerializer.SerializeToNode(state.Scalars, JsonOptions),
            ["metadata"] = metadata is null ? null : JsonSerializer.SerializeToNode(metadata, metadata.GetType(), JsonOptions),
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(sidecar, JsonOptions);
        AtomicFile.WriteAllBytes(paths.Tensors, bytes);
        AtomicFile.WriteAllBytes(paths.Json, json);
        return paths;
    }

    /// <summary>
    /// Reads and checks a checkpoint without a model: the parameters, the optimizer buffers and scalars, and
    /// the metadata (so a caller can build the network the metadata describes, then <see cref="Load"/>).
    /// </summary>
    /// <exception cref="SafeTensorsFormatException">The tensors file is malformed.</exception>
    /// <exception cref="InvalidDataException">The JSON sidecar is malformed or describes another tensors file.</exception>
    public static CheckpointFile Read(string path)
    {
        CheckpointPaths paths = PathsFor(path);
        JsonObject sidecar = ReadSidecar(paths.Json);
        byte[] bytes = File.ReadAllBytes(paths.Tensors);
        string hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (StringOf(sidecar["sha256"]) != hash)
            throw new InvalidDataException($"'{paths.Json}' does not describe '{paths.Tensors}' (SHA-256 mismatch): the files come from different saves or one is corrupt.");
        SafeTensorsFile file;
        try
        {
            file = SafeTensors.Read(bytes);
        }
        catch (SafeTensorsFormatException e)
        {
            throw new SafeTensorsFormatException($"'{paths.Tensors}': {e.Message}", e.TensorName, e);
        }

        var model = new List<NamedTensor>();
        var buffers = new List<NamedTensor>();
        foreach (NamedTensor t in file.Tensors)
        {
            if (t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)) buffers.Add(t with { Name = t.Name[OptimizerPrefix.Length..] });
            else model.Add(t);
        }
        OptimizerScalars? scalars = null;
        if (sidecar["optimizer"] is JsonNode optimizerNode)
        {
            try
            {
                scalars = optimizerNode.Deserialize<OptimizerScalars>(JsonOptions);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"'{paths.Json}': the optimizer state is malformed: {e.Message}", e);
            }
            if (scalars is null) throw new InvalidDataException($"'{paths.Json}': the optimizer state is malformed.");
        }
        JsonElement metadata = sidecar["metadata"] is JsonNode m ? JsonSerializer.SerializeToElement(m) : JsonSerializer.SerializeToElement<object?>(null);
        return new CheckpointFile(model, scalars is null ? null : new OptimizerState(scalars, buffers), metadata, paths);
    }

    /// <summary>
    /// Loads a checkpoint into existing <paramref name="parameters"/> and, if given, <paramref name="optimizer"/>.
    /// Every model parameter must be present with its shape and no other model tensor may be; the optimizer
    /// state must match (<see cref="Optimizer.LoadStateDict"/>). Optimizer buffers are ignored when
    /// <paramref name="optimizer"/> is null. Nothing changes unless everything fits.
    /// </summary>
    /// <exception cref="CheckpointMismatchException">The model or optimizer does not fit; the message lists each mismatch.</exception>
    /// <exception cref="SafeTensorsFormatException">The tensors file is malformed.</exception>
    /// <exception cref="InvalidDataException">The JSON sidecar is malformed or describes another tensors file.</exception>
    public static CheckpointInfo Load(string path, IReadOnlyList<Parameter> parameters, Optimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        CheckpointFile file = Read(path);
        var model = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (NamedTensor t in file.Parameters) model[t.Name] = t;

        var errors = new List<string>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (Parameter p in parameters)
        {
            known.Add(p.Name);
            if (!model.TryGetValue(p.Name, out NamedTensor? t)) errors.Add($"{p.Name}: missing from the checkpoint (model has [{Dims(p.Shape)}])");
            else if (!t.Shape.AsSpan().SequenceEqual(p.Shape)) errors.Add($"{p.Name}: checkpoint has [{Dims(t.Shape)}], model has [{Dims(p.Shape)}]");
        }
        foreach (NamedTensor t in file.Parameters)
            if (!known.Contains(t.Name)) errors.Add($"{t.Name}: in the checkpoint ([{Dims(t.Shape)}]) but not in the model");
        if (optimizer is not null && file.Optimizer is null) errors.Add("the checkpoint holds no optimizer state");
        if (errors.Count > 0)
            throw new CheckpointMismatchException($"Checkpoint '{file.Paths.Tensors}' does not fit the model: {string.Join("; ", errors)}.");

        if (optimizer is not null)
        {
            try
            {
                optimizer.LoadStateDict(file.Optimizer!);
            }
            catch (ArgumentException e)
            {
                throw new CheckpointMismatchException($"Checkpoint '{file.Paths.Tensors}': {e.Message}", e);
            }
        }
        foreach (Parameter p in parameters) model[p.Name].Data.AsSpan().CopyTo(p.Data);
        return new CheckpointInfo(file.Metadata, file.Optimizer?.Scalars, file.Paths);
    }

    private static JsonObject ReadSidecar(string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
        if (node is not JsonObject sidecar)
            throw new InvalidDataException($"'{path}' is not a JSON object.");
        string? format = StringOf(sidecar["format"]);
        if (format != Format)
            throw new InvalidDataException($"'{path}' has format '{format}', expected '{Format}'.");
        int? version = sidecar["version"] is JsonValue v && v.TryGetValue(out int i) ? i : null;
        if (version != Version)
            throw new InvalidDataException($"'{path}' has version {version?.ToString() ?? "none"}, this Bellman reads version {Version}.");
        return sidecar;
    }

    private static string? StringOf(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static string Dims(int[] shape) => string.Join(", ", shape);
}
