using System.Buffers.Binary;
using System.Text;
using Bellman.Nn.Serialization;
using Xunit;

namespace Bellman.Nn.Tests.Serialization;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bellman-st-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Builds a file from the spec by hand: u64 LE header length, the header bytes, the data bytes.</summary>
    internal static byte[] HandBuilt(string header, params byte[] data)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        return bytes;
    }

    private static byte[] F32(params float[] values)
    {
        var b = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), values[i]);
        return b;
    }

    private static SafeTensorsFormatException Bad(byte[] bytes) => Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Read(bytes));

    [Fact]
    public void RoundTripsTensorsAndMetadataThroughAFile()
    {
        NamedTensor[] tensors =
        [
            new("0.weight", [2, 3], [1, -2, 3.5f, float.NaN, float.PositiveInfinity, -0f]),
            new("0.bias", [2], [1e-30f, 3e38f]),
            new("scalar", [], [42]),
            new("empty", [0, 4], []),
            new("ünïcode/name+1", [1], [7]),
        ];
        string path = Path.Combine(_dir, "model.safetensors");
        SafeTensors.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "a \"quoted\" value" });
        SafeTensorsFile read = SafeTensors.Read(path);
        Assert.Equal(tensors.Select(t => t.Name), read.Tensors.Select(t => t.Name));
        for (int i = 0; i < tensors.Length; i++)
        {
            Assert.Equal(tensors[i].Shape, read.Tensors[i].Shape);
            Assert.Equal(tensors[i].Data.Select(BitConverter.SingleToInt32Bits), read.Tensors[i].Data.Select(BitConverter.SingleToInt32Bits));
        }
        Assert.Equal("pt", read.Metadata["format"]);
        Assert.Equal("a \"quoted\" value", read.Metadata["note"]);
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void EmptyListRoundTrips()
    {
        byte[] bytes = SafeTensors.Serialize([]);
        // "{}" padded with six spaces to 8 bytes, no data.
        Assert.Equal(HandBuilt("{}      "), bytes);
        var read = SafeTensors.Read(bytes);
        Assert.Empty(read.Tensors);
        Assert.Empty(read.Metadata);
    }

    [Fact]
    public void WritesExactlyTheSpecLayout()
    {
        byte[] bytes = SafeTensors.Serialize([new NamedTensor("w", [2], [1f, -2f]), new NamedTensor("b", [1], [0.5f])],
            new Dictionary<string, string> { ["format"] = "pt" });
        // 139 bytes of compact JSON in the given order, padded with 5 spaces to 144 so the data starts 8-byte aligned.
        const string header = """{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""";
        int padded = (header.Length + 7) / 8 * 8;
        byte[] expected = HandBuilt(header + new string(' ', padded - header.Length),
            0x00, 0x00, 0x80, 0x3F,  // 1.0f
            0x00, 0x00, 0x00, 0xC0,  // -2.0f
            0x00, 0x00, 0x00, 0x3F); // 0.5f
        Assert.Equal(expected, bytes);
        Assert.Equal(144, padded);
    }

    [Fact]
    public void ReadsAHandBuiltFileWithEveryFloatDType()
    {
        const string header = """
            {"b16": {"dtype": "BF16", "shape": [2], "data_offsets": [16, 20]},
             "f64": {"dtype": "F64", "shape": [1, 1], "data_offsets": [20, 28]},
             "f32": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
             "h": {"dtype": "F16", "shape": [], "data_offsets": [28, 30]},
             "__metadata__": {"k": "v"}}   
            """;
        byte[] data =
        [
            .. F32(1f, 2f, -3f, 0.25f),
            0x80, 0x3F,             // BF16 1.0 (top half of 0x3F800000)
            0x40, 0xC0,             // BF16 −3.0 (0xC0400000)
            0, 0, 0, 0, 0, 0, 0xF8, 0x3F, // F64 1.5
            0x00, 0x3C,             // F16 1.0
        ];
        var file = SafeTensors.Read(HandBuilt(header, data));
        // Returned in data order.
        Assert.Equal(["f32", "b16", "f64", "h"], file.Tensors.Select(t => t.Name));
        Assert.Equal([1f, 2f, -3f, 0.25f], file.Tensors[0].Data);
        Assert.Equal([2, 2], file.Tensors[0].Shape);
        Assert.Equal([1f, -3f], file.Tensors[1].Data);
        Assert.Equal([1.5f], file.Tensors[2].Data);
        Assert.Equal([1, 1], file.Tensors[2].Shape);
        Assert.Equal([1f], file.Tensors[3].Data);
        Assert.Empty(file.Tensors[3].Shape);
        Assert.Equal("v", file.Metadata["k"]);
    }

    [Fact]
    public void EveryTruncationIsRejected()
    {
        byte[] valid = SafeTensors.Serialize([new NamedTensor("a", [2], [1, 2]), new NamedTensor("b", [1, 3], [3, 4, 5])],
            new Dictionary<string, string> { ["x"] = "y" });
        SafeTensors.Read(valid);
        for (int k = 0; k < valid.Length; k++) Bad(valid[..k]);
    }

    [Fact]
    public void ExtraBytesAfterTheLastTensorAreRejected()
    {
        byte[] valid = SafeTensors.Serialize([new NamedTensor("a", [2], [1, 2])]);
        var e = Bad([.. valid, 0, 0, 0, 0]);
        Assert.Contains("4 bytes after the last tensor 'a'", e.Message);
    }

    [Theory]
    [InlineData(ulong.MaxValue, "exceeds the limit")]
    [InlineData(1UL << 40, "exceeds the limit")]
    [InlineData(100_000_001UL, "exceeds the limit")]
    [InlineData(100_000_000UL, "runs past the end")]
    [InlineData(0UL, "does not start with '{'")]
    [InlineData(5UL, "not valid JSON")]
    public void CorruptHeaderLengthsAreRejected(ulong length, string expected)
    {
        byte[] bytes = SafeTensors.Serialize([new NamedTensor("a", [2], [1, 2])]);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
        Assert.Contains(expected, Bad(bytes).Message);
    }

    [Fact]
    public void AHeaderLengthOneByteTooLongIsRejected()
    {
        byte[] bytes = SafeTensors.Serialize([new NamedTensor("a", [2], [1, 2])]);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)(bytes.Length - 8 + 1));
        Assert.Contains($"header length {bytes.Length - 7} runs past the end of the file ({bytes.Length} bytes)", Bad(bytes).Message);
    }

    public static TheoryData<string, int, string> MalformedHeaders => new()
    {
        { """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]""", 8, "not valid JSON" },
        { """[{"a": 1}]""", 0, "does not start with '{'" },
        { """ {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}""", 8, "does not start with '{'" },
        { """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}} x""", 8, "not valid JSON" },
        { """{"a": 3}""", 0, "Tensor 'a': the entry must be an object" },
        { """{"a": {"shape": [2], "data_offsets": [0, 8]}}""", 8, "Tensor 'a' has no string 'dtype'" },
        { """{"a": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}}""", 8, "Tensor 'a' has dtype I64, which Bellman does not read; supported: F32, F64, F16, BF16" },
        { """{"a": {"dtype": "Q7", "shape": [1], "data_offsets": [0, 8]}}""", 8, "Tensor 'a' has unknown dtype 'Q7'" },
        { """{"a": {"dtype": "F32", "data_offsets": [0, 8]}}""", 8, "Tensor 'a' has no 'shape' array" },
        { """{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}""", 8, "Tensor 'a': shape [3] of F32 needs 12 bytes, data_offsets [0, 8] hold 8" },
        { """{"a": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}""", 8, "Tensor 'a': shape entry -2 is not a non-negative integer" },
        { """{"a": {"dtype": "F32", "shape": [2.5], "data_offsets": [0, 8]}}""", 8, "shape entry 2.5 is not a non-negative integer" },
        { """{"a": {"dtype": "F32", "shape": ["2"], "data_offsets": [0, 8]}}""", 8, "shape entry \"2\" is not a non-negative integer" },
        { """{"a": {"dtype": "F32", "shape": [100000, 100000, 100000], "data_offsets": [0, 8]}}""", 8, "has more elements than the data buffer has bytes" },
        { """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [-8, 0]}}""", 8, "data_offsets entry -8 is not a non-negative integer" },
        { """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0]}}""", 8, "Tensor 'a' has no 'data_offsets' array of two integers" },
        { """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8, 16]}}""", 8, "Tensor 'a' has no 'data_offsets' array of two integers" },
        { """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 800]}}""", 8, "Tensor 'a': data_offsets [0, 800] run past the end of the data buffer (8 bytes)" },
        { """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 18446744073709551615]}}""", 8, "run past the end of the data buffer" },
        { """{"a": {"dtype": "F32", "shape": [0], "data_offsets": [8, 0]}}""", 8, "begin after they end" },
        { """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}""", 12, "Tensor 'b': data_offsets [4, 12] overlap tensor 'a', which ends at 8" },
        { """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [12, 20]}}""", 20, "Tensor 'b': data_offsets [12, 20] leave a hole of 4 bytes after tensor 'a'" },
        { """{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}""", 8, "leave a hole of 4 bytes after the start of the data" },
        { """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "a": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}""", 16, "The header names 'a' twice" },
        { """{"a": {"dtype": "F32", "dtype": "F64", "shape": [2], "data_offsets": [0, 8]}}""", 8, "Tensor 'a' has 'dtype' twice" },
        { """{"__metadata__": {"k": 1}}""", 0, "'__metadata__' entry 'k' must be a string" },
        { """{"__metadata__": ["k"]}""", 0, "'__metadata__' must be an object of strings" },
        { """{"__metadata__": {"k": "1", "k": "2"}}""", 0, "'__metadata__' names 'k' twice" },
        { """{"a": {"dtype": "F32", "shape": [[[[[[[[[2]]]]]]]]], "data_offsets": [0, 8]}}""", 8, "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void MalformedHeadersAreRejectedWithANamedProblem(string header, int dataBytes, string expected)
    {
        var e = Bad(HandBuilt(header, new byte[dataBytes]));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void InvalidUtf8InTheHeaderIsRejected()
    {
        byte[] bytes = HandBuilt("{\"a?\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [0, 0]}}");
        bytes[8 + 3] = 0xFF;
        Assert.Contains("not valid UTF-8", Bad(bytes).Message);
    }

    [Fact]
    public void EmptyTensorsMayShareAnOffset()
    {
        var file = SafeTensors.Read(HandBuilt(
            """{"a": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "c": {"dtype": "F16", "shape": [3, 0], "data_offsets": [4, 4]}}""",
            F32(9f)));
        Assert.Equal(["a", "b", "c"], file.Tensors.Select(t => t.Name));
        Assert.Equal([3, 0], file.Tensors[2].Shape);
        Assert.Empty(file.Tensors[2].Data);
    }

    [Fact]
    public void RandomCorruptionNeverCrashes()
    {
        byte[] valid = SafeTensors.Serialize([new NamedTensor("layer.weight", [3, 2], [1, 2, 3, 4, 5, 6]), new NamedTensor("layer.bias", [3], [7, 8, 9])],
            new Dictionary<string, string> { ["format"] = "pt" });
        var rng = new Random(1234);
        int parsed = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] bytes = (byte[])valid.Clone();
            int flips = 1 + rng.Next(3);
            for (int f = 0; f < flips; f++) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            try
            {
                SafeTensors.Read(bytes);
                parsed++; // e.g. a flipped data byte or a changed letter of a name
            }
            catch (SafeTensorsFormatException)
            {
            }
        }
        Assert.InRange(parsed, 1, 2999);
    }

    [Fact]
    public void WriteRejectsInconsistentTensorsAndLeavesTheTargetAlone()
    {
        string path = Path.Combine(_dir, "m.safetensors");
        SafeTensors.Write(path, [new NamedTensor("a", [1], [1])]);
        byte[] before = File.ReadAllBytes(path);
        Assert.Contains("'a' has shape [3]", Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, [new NamedTensor("a", [3], [1, 2])])).Message);
        Assert.Contains("'a'", Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, [new NamedTensor("a", [1], [1]), new NamedTensor("a", [1], [2])])).Message);
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, [new NamedTensor("__metadata__", [1], [1])]));
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, [new NamedTensor("n", [-1], [])]));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void ReadFromPathNamesTheFile()
    {
        string path = Path.Combine(_dir, "broken.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Read(path));
        Assert.Contains("broken.safetensors", e.Message);
        Assert.Contains("shorter than the 8-byte header length", e.Message);
    }
}
