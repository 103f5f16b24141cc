using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Bellman.Nn.Serialization;

/// <summary>The content of a safetensors file: the tensors in data order and the <c>__metadata__</c> strings.</summary>
/// <param name="Tensors">The tensors, converted to float32, in the order of their data in the file.</param>
/// <param name="Metadata">The free-form string-to-string metadata (empty when the file has none).</param>
public sealed record SafeTensorsFile(IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// The safetensors format (huggingface/safetensors), readable by PyTorch and Python's safetensors:
/// an 8-byte little-endian u64 N, then N bytes of UTF-8 JSON
/// <c>{"__metadata__": {string: string}, "name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...}</c>
/// (starting with '{', padded with spaces so the data starts 8-byte aligned), then the little-endian,
/// row-major data buffer, which the [begin, end) ranges (relative to its start) must tile exactly.
/// Bellman writes F32 and reads F32, F64, F16 and BF16 (converted to float32). Reading checks every
/// length and offset against the actual bytes before allocating anything.
/// </summary>
public static class SafeTensors
{
    /// <summary>The largest header accepted, as the reference implementation (100 MB).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";
    private const string SupportedDTypes = "F32, F64, F16, BF16";
    private static readonly string[] KnownUnsupportedDTypes =
        ["BOOL", "U8", "I8", "U16", "I16", "U32", "I32", "U64", "I64", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64"];

    /// <summary>Writes <paramref name="tensors"/> as F32 to <paramref name="path"/>, atomically (see <see cref="AtomicFile"/>).</summary>
    /// <exception cref="ArgumentException">A name is empty, reserved or repeated, or a shape does not match its data.</exception>
    public static void Write(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        byte[] header = BuildHeader(tensors, metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (NamedTensor t in tensors) WriteFloats(stream, t.Data);
        });
    }

    /// <summary>The bytes of the safetensors file that <see cref="Write"/> would write.</summary>
    public static byte[] Serialize(IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        byte[] header = BuildHeader(tensors, metadata);
        long dataBytes = 0;
        foreach (NamedTensor t in tensors) dataBytes += 4L * t.Data.Length;
        var stream = new MemoryStream(checked((int)(8 + header.Length + dataBytes)));
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (NamedTensor t in tensors) WriteFloats(stream, t.Data);
        return stream.ToArray();
    }

    /// <summary>Reads a safetensors file; any violation of the format throws a <see cref="SafeTensorsFormatException"/> naming the file.</summary>
    public static SafeTensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            return Read(bytes);
        }
        catch (SafeTensorsFormatException e)
        {
            throw new SafeTensorsFormatException($"'{path}': {e.Message}", e.TensorName, e);
        }
    }

    /// <summary>Parses safetensors bytes; any violation of the format throws a <see cref="SafeTensorsFormatException"/>.</summary>
    public static SafeTensorsFile Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8)
            throw new SafeTensorsFormatException($"The file is {bytes.Length} bytes, shorter than the 8-byte header length: truncated or not a safetensors file.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes)
            throw new SafeTensorsFormatException($"The header length {headerLength} exceeds the limit of {MaxHeaderBytes} bytes: corrupt or not a safetensors file.");
        if (headerLength > (ulong)(bytes.Length - 8))
            throw new SafeTensorsFormatException($"The header length {headerLength} runs past the end of the file ({bytes.Length} bytes): the file is truncated.");
        int n = (int)headerLength;
        ReadOnlySpan<byte> header = bytes.Slice(8, n);
        ReadOnlySpan<byte> data = bytes[(8 + n)..];
        if (n == 0 || header[0] != (byte)'{')
            throw new SafeTensorsFormatException("The header does not start with '{'.");
        if (!Utf8.IsValid(header))
            throw new SafeTensorsFormatException("The header is not valid UTF-8.");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException($"The header is not valid JSON: {e.Message}", null, e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsFormatException("The header is not a JSON object.");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw new SafeTensorsFormatException($"The header names '{property.Name}' twice.", property.Name);
                if (property.Name == MetadataKey) ReadMetadata(property.Value, metadata);
                else entries.Add(ReadEntry(property.Name, property.Value, data.Length));
            }

            CheckTiling(entries, data.Length);
            var tensors = new NamedTensor[entries.Count];
            for (int i = 0; i < entries.Count; i++)
            {
                Entry e = entries[i];
                tensors[i] = new NamedTensor(e.Name, e.Shape, Convert(e, data.Slice((int)e.Begin, (int)(e.End - e.Begin))));
            }
            return new SafeTensorsFile(tensors, metadata);
        }
    }

    private readonly record struct Entry(string Name, string DType, int ElementSize, int[] Shape, long Count, long Begin, long End);

    private static byte[] BuildHeader(IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (NamedTensor t in tensors)
        {
            if (t is null) throw new ArgumentException("A tensor is null.", nameof(tensors));
            if (string.IsNullOrEmpty(t.Name)) throw new ArgumentException("A tensor has an empty name.", nameof(tensors));
            if (t.Name == MetadataKey) throw new ArgumentException($"'{MetadataKey}' is reserved and cannot name a tensor.", nameof(tensors));
            if (!names.Add(t.Name)) throw new ArgumentException($"Two tensors are named '{t.Name}'.", nameof(tensors));
            if (t.Shape is null || t.Data is null) throw new ArgumentException($"Tensor '{t.Name}' has no shape or no data.", nameof(tensors));
            long count = 1;
            foreach (int d in t.Shape)
            {
                if (d < 0) throw new ArgumentException($"Tensor '{t.Name}' has a negative dimension in shape [{string.Join(", ", t.Shape)}].", nameof(tensors));
                count *= d;
                if (count > Array.MaxLength) throw new ArgumentException($"Tensor '{t.Name}' shape [{string.Join(", ", t.Shape)}] is too large.", nameof(tensors));
            }
            if (count != t.Data.Length)
                throw new ArgumentException($"Tensor '{t.Name}' has shape [{string.Join(", ", t.Shape)}] ({count} elements) but {t.Data.Length} values.", nameof(tensors));
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata)
                {
                    ArgumentNullException.ThrowIfNull(value, $"metadata['{key}']");
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (NamedTensor t in tensors)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += 4L * t.Data.Length;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padding = (8 - buffer.WrittenCount % 8) % 8;
        buffer.GetSpan(padding)[..padding].Fill((byte)' ');
        buffer.Advance(padding);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteFloats(Stream stream, float[] values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }
        Span<byte> four = stackalloc byte[4];
        foreach (float v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(four, v);
            stream.Write(four);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException($"'{MetadataKey}' must be an object of strings, found {value.ValueKind}.");
        foreach (JsonProperty p in value.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
                throw new SafeTensorsFormatException($"'{MetadataKey}' entry '{p.Name}' must be a string, found {p.Value.ValueKind}.");
            if (!metadata.TryAdd(p.Name, p.Value.GetString()!))
                throw new SafeTensorsFormatException($"'{MetadataKey}' names '{p.Name}' twice.");
        }
    }

    private static Entry ReadEntry(string name, JsonElement value, int dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException($"Tensor '{name}': the entry must be an object with dtype, shape and data_offsets, found {value.ValueKind}.", name);
        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (JsonProperty p in value.EnumerateObject())
        {
            ref JsonElement? slot = ref dtypeElement;
            if (p.Name == "dtype") slot = ref dtypeElement;
            else if (p.Name == "shape") slot = ref shapeElement;
            else if (p.Name == "data_offsets") slot = ref offsetsElement;
            else continue; // unknown fields are ignored, as by the reference implementation
            if (slot is not null) throw new SafeTensorsFormatException($"Tensor '{name}' has '{p.Name}' twice.", name);
            slot = p.Value;
        }
        if (dtypeElement is not { ValueKind: JsonValueKind.String } dtypeValue)
            throw new SafeTensorsFormatException($"Tensor '{name}' has no string 'dtype'.", name);
        string dtype = dtypeValue.GetString()!;
        int elementSize = dtype switch { "F32" => 4, "F64" => 8, "F16" => 2, "BF16" => 2, _ => 0 };
        if (elementSize == 0)
        {
            string what = Array.IndexOf(KnownUnsupportedDTypes, dtype) >= 0 ? $"dtype {dtype}, which Bellman does not read" : $"unknown dtype '{dtype}'";
            throw new SafeTensorsFormatException($"Tensor '{name}' has {what}; supported: {SupportedDTypes}.", name);
        }

        if (shapeElement is not { ValueKind: JsonValueKind.Array } shapeValue)
            throw new SafeTensorsFormatException($"Tensor '{name}' has no 'shape' array.", name);
        var shape = new int[shapeValue.GetArrayLength()];
        int k = 0;
        foreach (JsonElement d in shapeValue.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0)
                throw new SafeTensorsFormatException($"Tensor '{name}': shape entry {d.GetRawText()} is not a non-negative integer.", name);
            if (dim > int.MaxValue)
                throw new SafeTensorsFormatException($"Tensor '{name}': shape entry {dim} is too large.", name);
            shape[k++] = (int)dim;
        }
        long count = shape.Contains(0) ? 0 : 1;
        foreach (int dim in shape)
        {
            if (count == 0) break;
            count *= dim;
            if (count > dataLength) // bounds the product before it can overflow: a valid tensor has at most one element per data byte
                throw new SafeTensorsFormatException($"Tensor '{name}': shape [{string.Join(", ", shape)}] has more elements than the data buffer has bytes ({dataLength}).", name);
        }

        if (offsetsElement is not { ValueKind: JsonValueKind.Array } offsetsValue || offsetsValue.GetArrayLength() != 2)
            throw new SafeTensorsFormatException($"Tensor '{name}' has no 'data_offsets' array of two integers.", name);
        long[] offsets = new long[2];
        k = 0;
        foreach (JsonElement o in offsetsValue.EnumerateArray())
        {
            if (o.ValueKind != JsonValueKind.Number || !o.TryGetUInt64(out ulong u))
                throw new SafeTensorsFormatException($"Tensor '{name}': data_offsets entry {o.GetRawText()} is not a non-negative integer.", name);
            if (u > (ulong)dataLength)
                throw new SafeTensorsFormatException($"Tensor '{name}': data_offsets [{RawList(offsetsValue)}] run past the end of the data buffer ({dataLength} bytes): the file is truncated or the offsets are wrong.", name);
            offsets[k++] = (long)u;
        }
        long begin = offsets[0], end = offsets[1];
        if (begin > end)
            throw new SafeTensorsFormatException($"Tensor '{name}': data_offsets [{begin}, {end}] begin after they end.", name);
        if (end - begin != count * elementSize)
            throw new SafeTensorsFormatException($"Tensor '{name}': shape [{string.Join(", ", shape)}] of {dtype} needs {count * elementSize} bytes, data_offsets [{begin}, {end}] hold {end - begin}.", name);
        return new Entry(name, dtype, elementSize, shape, count, begin, end);
    }

    private static void CheckTiling(List<Entry> entries, int dataLength)
    {
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        string? previous = null;
        foreach (Entry e in entries)
        {
            if (e.Begin < expected)
                throw new SafeTensorsFormatException($"Tensor '{e.Name}': data_offsets [{e.Begin}, {e.End}] overlap tensor '{previous}', which ends at {expected}.", e.Name);
            if (e.Begin > expected)
                throw new SafeTensorsFormatException($"Tensor '{e.Name}': data_offsets [{e.Begin}, {e.End}] leave a hole of {e.Begin - expected} bytes after {(previous is null ? "the start of the data" : $"tensor '{previous}'")}.", e.Name);
            expected = e.End;
            previous = e.Name;
        }
        if (expected != dataLength)
            throw new SafeTensorsFormatException($"The data buffer has {dataLength - expected} bytes after the last tensor{(previous is null ? "" : $" '{previous}'")} that no tensor covers.", previous);
    }

    private static float[] Convert(Entry e, ReadOnlySpan<byte> bytes)
    {
        var values = new float[e.Count];
        switch (e.DType)
        {
            case "F32":
                if (BitConverter.IsLittleEndian) bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
                else for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                break;
            case "F64":
                for (int i = 0; i < values.Length; i++) values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                break;
            case "F16":
                for (int i = 0; i < values.Length; i++) values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                break;
            case "BF16":
                for (int i = 0; i < values.Length; i++) values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                break;
        }
        return values;
    }

    private static string RawList(JsonElement array) => string.Join(", ", array.EnumerateArray().Select(x => x.GetRawText()));
}
