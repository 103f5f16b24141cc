using Bellman.Core.Random;

namespace Bellman.Core.State;

/// <summary>
/// Helpers for <see cref="IResumable"/> implementations: tagged sections (so that a state read into the wrong
/// component fails naming both), and length-prefixed arrays read back into buffers of the expected length.
/// Every mismatch is an <see cref="InvalidDataException"/>.
/// </summary>
public static class StateIO
{
    /// <summary>Writes a section tag (a component's name).</summary>
    public static void Tag(this BinaryWriter writer, string tag) => writer.Write(tag);

    /// <summary>Reads a section tag and checks that it is <paramref name="tag"/>.</summary>
    public static void ExpectTag(this BinaryReader reader, string tag)
    {
        string found = reader.ReadString();
        if (found != tag) throw new InvalidDataException($"expected the state of {tag}, found '{Clip(found)}'");
    }

    /// <summary>Writes <paramref name="values"/> with its length.</summary>
    public static void WriteSpan(this BinaryWriter writer, ReadOnlySpan<double> values)
    {
        writer.Write(values.Length);
        foreach (double v in values) writer.Write(v);
    }

    /// <summary>Writes <paramref name="values"/> with its length.</summary>
    public static void WriteSpan(this BinaryWriter writer, ReadOnlySpan<float> values)
    {
        writer.Write(values.Length);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    /// <summary>Writes <paramref name="values"/> with its length.</summary>
    public static void WriteSpan(this BinaryWriter writer, ReadOnlySpan<int> values)
    {
        writer.Write(values.Length);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    /// <summary>Writes <paramref name="values"/> with its length.</summary>
    public static void WriteSpan(this BinaryWriter writer, ReadOnlySpan<long> values)
    {
        writer.Write(values.Length);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    /// <summary>Writes <paramref name="values"/> with its length.</summary>
    public static void WriteSpan(this BinaryWriter writer, ReadOnlySpan<bool> values)
    {
        writer.Write(values.Length);
        foreach (bool v in values) writer.Write(v);
    }

    /// <summary>Writes <paramref name="values"/> with its length.</summary>
    public static void WriteSpan(this BinaryWriter writer, ReadOnlySpan<byte> values)
    {
        writer.Write(values.Length);
        writer.Write(values);
    }

    /// <summary>Reads an array written by <c>WriteSpan</c> into <paramref name="destination"/>, whose length it must have.</summary>
    public static void ReadInto(this BinaryReader reader, Span<double> destination)
    {
        ReadLength(reader, destination.Length, 8);
        for (int i = 0; i < destination.Length; i++) destination[i] = reader.ReadDouble();
    }

    /// <summary>Reads an array written by <c>WriteSpan</c> into <paramref name="destination"/>, whose length it must have.</summary>
    public static void ReadInto(this BinaryReader reader, Span<float> destination)
    {
        ReadLength(reader, destination.Length, 4);
        ReadExactly(reader, System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination));
    }

    /// <summary>Reads an array written by <c>WriteSpan</c> into <paramref name="destination"/>, whose length it must have.</summary>
    public static void ReadInto(this BinaryReader reader, Span<int> destination)
    {
        ReadLength(reader, destination.Length, 4);
        ReadExactly(reader, System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination));
    }

    /// <summary>Reads an array written by <c>WriteSpan</c> into <paramref name="destination"/>, whose length it must have.</summary>
    public static void ReadInto(this BinaryReader reader, Span<long> destination)
    {
        ReadLength(reader, destination.Length, 8);
        ReadExactly(reader, System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination));
    }

    /// <summary>Reads an array written by <c>WriteSpan</c> into <paramref name="destination"/>, whose length it must have.</summary>
    public static void ReadInto(this BinaryReader reader, Span<bool> destination)
    {
        ReadLength(reader, destination.Length, 1);
        for (int i = 0; i < destination.Length; i++) destination[i] = reader.ReadBoolean();
    }

    /// <summary>Reads an array written by <c>WriteSpan</c> into <paramref name="destination"/>, whose length it must have.</summary>
    public static void ReadInto(this BinaryReader reader, Span<byte> destination)
    {
        ReadLength(reader, destination.Length, 1);
        ReadExactly(reader, destination);
    }

    /// <summary>Reads an array written by <c>WriteSpan</c> of any length (at most <paramref name="maxLength"/>).</summary>
    public static int[] ReadInts(this BinaryReader reader, int maxLength)
    {
        int n = reader.ReadInt32();
        if (n < 0 || n > maxLength) throw new InvalidDataException($"an array of {n} integers where at most {maxLength} fit");
        var values = new int[n];
        ReadExactly(reader, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>Writes a generator's state.</summary>
    public static void Write(this BinaryWriter writer, Rng rng) => writer.WriteSpan(rng.GetState());

    /// <summary>Reads a generator's state into <paramref name="rng"/>.</summary>
    public static void ReadInto(this BinaryReader reader, Rng rng)
    {
        Span<long> words = stackalloc long[6];
        reader.ReadInto(words);
        var state = new ulong[6];
        for (int i = 0; i < 6; i++) state[i] = (ulong)words[i];
        try
        {
            rng.SetState(state);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"a generator state is invalid ({e.Message})", e);
        }
    }

    /// <summary>Writes a generator's state.</summary>
    public static void WriteSpan(this BinaryWriter writer, ReadOnlySpan<ulong> values)
    {
        writer.Write(values.Length);
        foreach (ulong v in values) writer.Write(v);
    }

    /// <summary>Writes a PCG64's state (NumPy's Generator has no other state).</summary>
    public static void Write(this BinaryWriter writer, NumpyGenerator generator) => writer.WriteSpan(generator.BitGenerator.GetState());

    /// <summary>Reads a NumPy Generator (PCG64) written by <see cref="Write(BinaryWriter, NumpyGenerator)"/>.</summary>
    public static NumpyGenerator ReadNumpyGenerator(this BinaryReader reader)
    {
        Span<long> words = stackalloc long[6];
        reader.ReadInto(words);
        var state = new ulong[6];
        for (int i = 0; i < 6; i++) state[i] = (ulong)words[i];
        var generator = NumpyGenerator.FromSeed(0);
        try
        {
            generator.BitGenerator.SetState(state);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"a PCG64 state is invalid ({e.Message})", e);
        }
        return generator;
    }

    private static void ReadLength(BinaryReader reader, int expected, int elementSize)
    {
        int n = reader.ReadInt32();
        if (n != expected) throw new InvalidDataException($"an array of {n} elements where {expected} were expected (element size {elementSize})");
    }

    private static void ReadExactly(BinaryReader reader, Span<byte> destination)
    {
        int read = 0;
        while (read < destination.Length)
        {
            int n = reader.Read(destination[read..]);
            if (n == 0) throw new EndOfStreamException("the state ends early");
            read += n;
        }
    }

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
