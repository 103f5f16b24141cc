using System.Runtime.InteropServices;
using Bellman.Nn.Layers;

namespace Bellman.Distributed;

/// <summary>A module's parameters as one byte array (little-endian float32 in <c>Parameters()</c> order) and back.</summary>
public static class ParameterCodec
{
    /// <summary>The parameters of <paramref name="module"/> as bytes.</summary>
    public static byte[] ToBytes(Module module)
    {
        var bytes = new byte[module.ParameterCount() * sizeof(float)];
        int offset = 0;
        foreach (var p in module.Parameters())
        {
            var source = MemoryMarshal.AsBytes(p.Data.AsSpan());
            source.CopyTo(bytes.AsSpan(offset));
            offset += source.Length;
        }
        return bytes;
    }

    /// <summary>Loads <paramref name="bytes"/> into <paramref name="module"/>; a size mismatch is an error.</summary>
    public static void Load(Module module, ReadOnlySpan<byte> bytes)
    {
        int expected = module.ParameterCount() * sizeof(float);
        if (bytes.Length != expected) throw new InvalidDataException($"The parameter snapshot has {bytes.Length} bytes; this network needs {expected} (are learner and actor built with the same net_arch?).");
        int offset = 0;
        foreach (var p in module.Parameters())
        {
            var target = MemoryMarshal.AsBytes(p.Data.AsSpan());
            bytes.Slice(offset, target.Length).CopyTo(target);
            offset += target.Length;
        }
    }
}
