using System.Buffers.Binary;
using System.Text;

namespace Bellman.Algorithms.Tests.Logging;

/// <summary>
/// An event-file reader written independently of the writer: a bit-at-a-time CRC-32C (reflected polynomial
/// 0x82F63B78, no hardware instruction) and a protobuf decoder that knows only the wire types.
/// </summary>
internal static class EventFileReader
{
    /// <summary>One event; <paramref name="SessionStatus"/> is a session_log's status (1 = START), null for other events.</summary>
    public sealed record Event(double WallTime, long Step, string? FileVersion, List<(string Tag, float Value)> Values, int? SessionStatus = null);

    public static uint Crc32CBitwise(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return crc ^ 0xFFFFFFFF;
    }

    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);

    /// <summary>Every record's data, after checking both CRCs (throws on a mismatch or truncation).</summary>
    public static List<byte[]> ReadRecords(byte[] file)
    {
        var records = new List<byte[]>();
        int pos = 0;
        while (pos < file.Length)
        {
            if (file.Length - pos < 12) throw new InvalidDataException($"Truncated header at {pos}.");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(pos));
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(pos + 8));
            if (lengthCrc != Mask(Crc32CBitwise(file.AsSpan(pos, 8)))) throw new InvalidDataException($"Bad length CRC at {pos}.");
            pos += 12;
            if ((ulong)(file.Length - pos) < length + 4) throw new InvalidDataException($"Truncated record at {pos}.");
            byte[] data = file.AsSpan(pos, (int)length).ToArray();
            pos += (int)length;
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(pos));
            if (dataCrc != Mask(Crc32CBitwise(data))) throw new InvalidDataException($"Bad data CRC at {pos}.");
            pos += 4;
            records.Add(data);
        }
        return records;
    }

    public static List<Event> ReadEvents(string path) => [.. ReadRecords(File.ReadAllBytes(path)).Select(DecodeEvent)];

    private static Event DecodeEvent(byte[] data)
    {
        double wall = 0;
        long step = 0;
        string? version = null;
        int? session = null;
        var values = new List<(string, float)>();
        foreach (var (field, wire, value, bytes) in Fields(data))
        {
            switch (field, wire)
            {
                case (1, 1): wall = BitConverter.Int64BitsToDouble((long)value); break;
                case (2, 0): step = (long)value; break;
                case (3, 2): version = Encoding.UTF8.GetString(bytes); break;
                case (5, 2):
                    foreach (var (f, w, _, valueBytes) in Fields(bytes))
                    {
                        if (f != 1 || w != 2) continue;
                        string tag = "";
                        float simple = float.NaN;
                        foreach (var (vf, vw, vv, vb) in Fields(valueBytes))
                        {
                            if (vf == 1 && vw == 2) tag = Encoding.UTF8.GetString(vb);
                            if (vf == 2 && vw == 5) simple = BitConverter.Int32BitsToSingle((int)vv);
                        }
                        values.Add((tag, simple));
                    }
                    break;
                case (7, 2):
                    // SessionLog: status (1, enum), checkpoint_path (2), msg (3).
                    session = 0;
                    foreach (var (f, w, v, _) in Fields(bytes))
                    {
                        if (f == 1 && w == 0) session = (int)v;
                        else throw new InvalidDataException($"Unexpected SessionLog field {f} (wire type {w}).");
                    }
                    break;
                default: throw new InvalidDataException($"Unexpected Event field {field} (wire type {wire}).");
            }
        }
        return new Event(wall, step, version, values, session);
    }

    /// <summary>(field, wire type, scalar value, length-delimited bytes) for each field of a message.</summary>
    public static IEnumerable<(int Field, int Wire, ulong Value, byte[] Bytes)> Fields(byte[] message)
    {
        int pos = 0;
        while (pos < message.Length)
        {
            ulong key = ReadVarint(message, ref pos);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return (field, 0, ReadVarint(message, ref pos), []); break;
                case 1: yield return (field, 1, BinaryPrimitives.ReadUInt64LittleEndian(message.AsSpan(pos)), []); pos += 8; break;
                case 5: yield return (field, 5, BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(pos)), []); pos += 4; break;
                case 2:
                    int len = (int)ReadVarint(message, ref pos);
                    yield return (field, 2, 0, message.AsSpan(pos, len).ToArray());
                    pos += len;
                    break;
                default: throw new InvalidDataException($"Wire type {wire} at {pos}.");
            }
        }
    }

    public static ulong ReadVarint(byte[] data, ref int pos)
    {
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
    }
}
