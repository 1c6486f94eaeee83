using System.Globalization;
using System.Text;

namespace EasyHard.Host.Producing;

/// <summary>Bad records the load generator mixes in, so the dead-letter path is exercised under load.</summary>
public static class MalformedRecords
{
    public const int Kinds = 7;

    public static byte[] Create(int kind, Random random, int dimension, int classes, long index)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"bad-{index:D6}");
        string Features(int n) => string.Join(',', Enumerable.Range(0, n).Select(_ => "0.5"));
        return (kind % Kinds) switch
        {
            0 => RandomBytes(random),
            1 => Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","features":[{{Features(dimension)}}],"label":{{classes + 3}}}"""),
            2 => Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","features":[{{Features(Math.Max(1, dimension - 1))}}],"label":1}"""),
            3 => Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","features":[{{Features(dimension)}}]}"""),
            4 => Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","features":[{{Features(dimension)}}],"label":1"""),
            5 => Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","features_b64":"{{NonFiniteBase64(dimension)}}","label":1}"""),
            _ => Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","features":"not an array","label":"two"}"""),
        };
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 64)];
        random.NextBytes(bytes);
        bytes[0] = 0xFF; // never a '{', never a valid protobuf tag
        return bytes;
    }

    private static string NonFiniteBase64(int dimension)
    {
        var values = new float[dimension];
        values[dimension / 2] = float.NaN;
        var bytes = new byte[dimension * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return Convert.ToBase64String(bytes);
    }
}
