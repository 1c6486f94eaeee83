using System.Buffers.Binary;

namespace EasyHard.Sink.Persistence;

/// <summary>Features as stored in <c>sample_features.features</c>: float32, little-endian, 4 bytes a feature.</summary>
public static class FeatureBytes
{
    public static byte[] Encode(IReadOnlyList<float> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var bytes = new byte[features.Count * sizeof(float)];
        for (var i = 0; i < features.Count; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), features[i]);
        }

        return bytes;
    }

    public static float[] Decode(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var features = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < features.Length; i++)
        {
            features[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        return features;
    }
}
