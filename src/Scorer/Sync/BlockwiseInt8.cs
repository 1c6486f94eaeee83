using System.Buffers.Binary;

namespace EasyHard.Scorer.Sync;

/// <summary>
/// Parameters on the model topic, block-wise quantized to 8 bits (Dettmers et al. 2022, "8-bit Optimizers via
/// Block-wise Quantization"): each block of <see cref="BlockSize"/> values is stored as its absolute maximum m (float32)
/// and one signed byte per value, round(127 · x / m). A quarter of float32's bytes plus 1.6 % (three heads of a
/// 784-128-10 MLP: 0.31 MB instead of 1.22 MB); the rounding error, at most m / 254, is smaller than one Adam step of
/// the proxy, so it is lost in the average.
/// </summary>
internal static class BlockwiseInt8
{
    public const int BlockSize = 256;

    public static int EncodedLength(long values) => checked((int)(values + (4 * ((values + BlockSize - 1) / BlockSize))));

    public static byte[] Encode(ReadOnlySpan<float> values)
    {
        var bytes = new byte[EncodedLength(values.Length)];
        int at = 0;
        for (int start = 0; start < values.Length; start += BlockSize)
        {
            var block = values.Slice(start, Math.Min(BlockSize, values.Length - start));
            float max = 0;
            foreach (var v in block)
            {
                max = Math.Max(max, Math.Abs(v));
            }

            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at), max);
            at += 4;
            float scale = max > 0 ? 127f / max : 0f;
            foreach (var v in block)
            {
                bytes[at++] = (byte)(sbyte)Math.Clamp(MathF.Round(v * scale), -127f, 127f);
            }
        }

        return bytes;
    }

    /// <summary>The <paramref name="expected"/> values, or null when the length does not match or a block's maximum is not a finite non-negative number.</summary>
    public static float[]? Decode(ReadOnlySpan<byte> bytes, long expected)
    {
        if (bytes.Length != EncodedLength(expected))
        {
            return null;
        }

        var values = new float[expected];
        int at = 0;
        for (int start = 0; start < values.Length; start += BlockSize)
        {
            float max = BinaryPrimitives.ReadSingleLittleEndian(bytes[at..]);
            at += 4;
            if (!float.IsFinite(max) || max < 0)
            {
                return null;
            }

            float step = max / 127f;
            int end = Math.Min(values.Length, start + BlockSize);
            for (int i = start; i < end; i++)
            {
                values[i] = (sbyte)bytes[at++] * step;
            }
        }

        return values;
    }
}
