using System.Globalization;
using System.Text;

namespace EasyHard.Bench.Chaos;

/// <summary>
/// Valid JSON samples padded (one long attribute value) to an exact size, for the oversized and near-limit faults:
/// every field is valid, so the size alone decides what happens to the record.
/// </summary>
public static class LargeRecords
{
    /// <summary>A record larger than <c>Schema:MaxRecordBytes</c> by a margin: the parser must reject it as oversized.</summary>
    public static int OversizedBytes(int maxRecordBytes) => maxRecordBytes + 4096;

    /// <summary>
    /// Just under the producer's message.max.bytes (and under Schema:MaxRecordBytes by default): valid input, whose
    /// canonical form on easyhard.samples (the payload plus the parsed features) is larger than the input record.
    /// </summary>
    public static int NearLimitBytes(int messageMaxBytes, int maxRecordBytes) => Math.Min(messageMaxBytes, maxRecordBytes) - 2048;

    public static byte[] Json(string id, int dimension, int label, int bytes)
    {
        var features = string.Join(',', Enumerable.Range(0, dimension).Select(i => (0.01 * (i % 100)).ToString("0.00", CultureInfo.InvariantCulture)));
        var head = $"{{\"id\":\"{id}\",\"features\":[{features}],\"label\":{label},\"source\":\"chaos\",\"attributes\":{{\"pad\":\"";
        const string tail = "\"}}";
        var padding = bytes - Encoding.UTF8.GetByteCount(head) - tail.Length;
        ArgumentOutOfRangeException.ThrowIfNegative(padding, nameof(bytes));
        return Encoding.UTF8.GetBytes(head + new string('x', padding) + tail);
    }
}
