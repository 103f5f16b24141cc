using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Bellman.Distributed;

/// <summary>
/// A content hash of a batch's transitions (SHA-256 over the raw bytes of every array, in field order,
/// first 8 bytes as hex): an actor and the shard that stored its batch each log it, and comparing the
/// two logs shows that every transition arrived byte for byte.
/// </summary>
public static class BatchChecksum
{
    /// <summary>The checksum of <paramref name="batch"/>'s transition arrays.</summary>
    public static string Of(TransitionBatch batch)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> header = stackalloc byte[8];
        BitConverter.TryWriteBytes(header, batch.ObservationSize);
        BitConverter.TryWriteBytes(header[4..], batch.Count);
        hash.AppendData(header);
        hash.AppendData(MemoryMarshal.AsBytes(batch.Observations.AsSpan()));
        hash.AppendData(MemoryMarshal.AsBytes(batch.Actions.AsSpan()));
        hash.AppendData(MemoryMarshal.AsBytes(batch.Returns.AsSpan()));
        hash.AppendData(MemoryMarshal.AsBytes(batch.Discounts.AsSpan()));
        hash.AppendData(MemoryMarshal.AsBytes(batch.NextObservations.AsSpan()));
        hash.AppendData(MemoryMarshal.AsBytes(batch.Priorities.AsSpan()));
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return Convert.ToHexStringLower(digest[..8]);
    }

    /// <summary>One line of a batch log: <c>actor sequence count checksum</c>.</summary>
    public static string LogLine(TransitionBatch batch) => $"{batch.ActorId} {batch.Sequence} {batch.Count} {Of(batch)}";
}
