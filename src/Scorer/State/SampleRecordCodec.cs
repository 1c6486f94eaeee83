using System.Buffers.Binary;
using EasyHard.Scorer.Scoring;

namespace EasyHard.Scorer.State;

/// <summary>
/// A <see cref="SampleRecord"/> as the value of a changelog record on <c>Topics:ScorerState</c>: a format byte, then
/// exposures, loss EMA, noise log-odds, difficulty, AUM, forgetting events (little-endian) and the last-correct flag.
/// 26 bytes.
/// </summary>
internal static class SampleRecordCodec
{
    public const byte Format = 1;

    public const int Length = 26;

    public static byte[] Encode(SampleRecord record)
    {
        var bytes = new byte[Length];
        var span = bytes.AsSpan();
        span[0] = Format;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], record.Exposures);
        BinaryPrimitives.WriteSingleLittleEndian(span[5..], record.LossEma);
        BinaryPrimitives.WriteSingleLittleEndian(span[9..], record.NoiseLogOdds);
        BinaryPrimitives.WriteSingleLittleEndian(span[13..], record.Difficulty);
        BinaryPrimitives.WriteSingleLittleEndian(span[17..], record.Aum);
        BinaryPrimitives.WriteInt32LittleEndian(span[21..], record.ForgettingEvents);
        span[25] = record.LastCorrect ? (byte)1 : (byte)0;
        return bytes;
    }

    /// <summary>The record, or null when the bytes are not a format-1 record (another version, truncated, or a tombstone).</summary>
    public static SampleRecord? Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length || bytes[0] != Format || bytes[25] > 1)
        {
            return null;
        }

        var record = new SampleRecord(
            BinaryPrimitives.ReadInt32LittleEndian(bytes[1..]),
            BinaryPrimitives.ReadSingleLittleEndian(bytes[5..]),
            BinaryPrimitives.ReadSingleLittleEndian(bytes[9..]),
            BinaryPrimitives.ReadSingleLittleEndian(bytes[13..]),
            BinaryPrimitives.ReadSingleLittleEndian(bytes[17..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[21..]),
            bytes[25] == 1);
        return record.Exposures >= 1 ? record : null;
    }
}
