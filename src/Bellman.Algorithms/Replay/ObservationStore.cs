using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Bellman.Core.Spaces;
using Bellman.Core.State;

namespace Bellman.Algorithms.Replay;

/// <summary>
/// A growable array of observations in the space's own element type: float32 for real vectors, one byte
/// per element for uint8 images, one bit per element for bool grids (MinAtar's 10×10×C channels take
/// 13–88 bytes instead of 400–2,800). Writing checks that a value fits the element type, so nothing is
/// silently rounded; reading converts back to float32 exactly.
/// </summary>
public sealed class ObservationStore
{
    private readonly int _size;
    private float[] _floats = [];
    private byte[] _bytes = [];

    /// <summary>Storage for <paramref name="count"/> observations of <paramref name="size"/> elements of <paramref name="type"/>.</summary>
    public ObservationStore(ElementType type, int size, int count)
    {
        Type = type;
        _size = size;
        Resize(count);
    }

    /// <summary>The element type stored.</summary>
    public ElementType Type { get; }

    /// <summary>Bytes per stored observation.</summary>
    public int BytesPerObservation => Type switch
    {
        ElementType.Float32 => 4 * _size,
        ElementType.UInt8 => _size,
        _ => (_size + 7) / 8,
    };

    /// <summary>The number of observations it holds room for.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes allocated.</summary>
    public long AllocatedBytes => 4L * _floats.Length + _bytes.Length;

    /// <summary>The store for observations of <paramref name="space"/>: compact for integral Boxes.</summary>
    public static ElementType TypeFor(Space space) => space is Box b ? b.ElementType : ElementType.Float32;

    /// <summary>Grows (or shrinks) to room for <paramref name="count"/> observations, keeping the first ones.</summary>
    public void Resize(int count)
    {
        long elements = (long)count * BytesPerObservation;
        if (Type == ElementType.Float32) Array.Resize(ref _floats, checked((int)(elements / 4)));
        else Array.Resize(ref _bytes, checked((int)elements));
        Count = count;
    }

    /// <summary>Stores <paramref name="observation"/> at <paramref name="index"/>; a value the element type cannot hold is an error naming it.</summary>
    public void Write(int index, ReadOnlySpan<float> observation)
    {
        switch (Type)
        {
            case ElementType.Float32:
                observation.CopyTo(_floats.AsSpan(index * _size, _size));
                break;
            case ElementType.UInt8:
                var bytes = _bytes.AsSpan(index * _size, _size);
                for (int i = 0; i < _size; i++)
                {
                    float v = observation[i];
                    byte b = (byte)v;
                    if (b != v) throw new ArgumentException($"Observation element {i} is {v}, which a uint8 observation cannot hold (whole numbers 0..255).", nameof(observation));
                    bytes[i] = b;
                }
                break;
            default:
                var bits = _bytes.AsSpan(index * BytesPerObservation, BytesPerObservation);
                bits.Clear();
                for (int i = 0; i < _size; i++)
                {
                    float v = observation[i];
                    if (v == 1f) bits[i >> 3] |= (byte)(1 << (i & 7));
                    else if (v != 0f) throw new ArgumentException($"Observation element {i} is {v}, which a bool observation cannot hold (0 or 1).", nameof(observation));
                }
                break;
        }
    }

    /// <summary>Reads the observation at <paramref name="index"/> into <paramref name="destination"/> as float32.</summary>
    public void Read(int index, Span<float> destination)
    {
        switch (Type)
        {
            case ElementType.Float32:
                _floats.AsSpan(index * _size, _size).CopyTo(destination);
                break;
            case ElementType.UInt8:
                ReadOnlySpan<byte> bytes = _bytes.AsSpan(index * _size, _size);
                for (int i = 0; i < _size; i++) destination[i] = bytes[i];
                break;
            default:
                UnpackBits(_bytes.AsSpan(index * BytesPerObservation, BytesPerObservation), destination[.._size]);
                break;
        }
    }

    /// <summary>Bit j of byte k (least significant first) as float element 8k + j: eight at a time where 256-bit vectors are fast.</summary>
    private static void UnpackBits(ReadOnlySpan<byte> bits, Span<float> destination)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Broadcast the byte, keep lane j's bit, compare with it: all ones where set, which masks 1.0f.
            var lanes = Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128);
            var one = Vector256.Create(1f);
            ref float d = ref MemoryMarshal.GetReference(destination);
            for (; i + 8 <= destination.Length; i += 8)
            {
                var set = Vector256.Equals(Vector256.Create((int)bits[i >> 3]) & lanes, lanes);
                (set.AsSingle() & one).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < destination.Length; i++) destination[i] = (bits[i >> 3] >> (i & 7)) & 1;
    }

    /// <summary>Writes the stored observations (in their compact form) for a checkpoint.</summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write((int)Type);
        writer.Write(Count);
        if (Type == ElementType.Float32) writer.WriteSpan(_floats);
        else writer.WriteSpan(_bytes);
    }

    /// <summary>Reads observations written by <see cref="WriteState"/> of a store of the same type and observation size, taking its count.</summary>
    public void ReadState(BinaryReader reader)
    {
        var type = (ElementType)reader.ReadInt32();
        if (type != Type) throw new InvalidDataException($"observations stored as {type}, not {Type}");
        int count = reader.ReadInt32();
        if (count < 0 || count > 1 << 30) throw new InvalidDataException($"a store of {count} observations");
        Resize(count);
        if (Type == ElementType.Float32) reader.ReadInto(_floats);
        else reader.ReadInto(_bytes);
    }

    /// <summary>Copies observation <paramref name="from"/> of <paramref name="source"/> (of the same type and size) to <paramref name="index"/>.</summary>
    public void CopyFrom(ObservationStore source, int from, int index)
    {
        if (Type == ElementType.Float32) source._floats.AsSpan(from * _size, _size).CopyTo(_floats.AsSpan(index * _size, _size));
        else source._bytes.AsSpan(from * BytesPerObservation, BytesPerObservation).CopyTo(_bytes.AsSpan(index * BytesPerObservation, BytesPerObservation));
    }
}
