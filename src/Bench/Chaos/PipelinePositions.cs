using System.Globalization;
using System.Text;
using Confluent.Kafka;
using EasyHard.Bench.Common;
using EasyHard.Core.Embedded;
using EasyHard.Core.Hosting.Delivery;

namespace EasyHard.Bench.Chaos;

/// <summary>
/// Where each role stands on each partition of its input when a chaos run's drain stops moving: the position its offset
/// journal holds against the partition's high watermark. A partition whose role sits well behind its high watermark
/// names the hop where the missing ids are waiting (a commit or abort marker may leave one offset unread).
/// </summary>
public static class PipelinePositions
{
    public static string Describe(string bootstrapServers, BenchTopics topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var roles = new (string Role, string Input)[] { ("ingest", topics.Options.Input), ("scorer", topics.Options.Samples), ("sink", topics.Options.Scored) };
        var positions = new Dictionary<(string Role, int Partition), long>();
        foreach (var record in TopicReader.ReadAll(bootstrapServers, topics.Options.OffsetJournal, TimeSpan.FromSeconds(60)))
        {
            foreach (var (role, input) in roles)
            {
                if (OffsetJournal.TryParse(topics.GroupOf(role), record.Message.Key, record.Message.Value, out var partition, out var offset)
                    && partition.Topic == input)
                {
                    positions[(role, partition.Partition.Value)] = offset;
                }
            }
        }

        var (reader, _) = TopicReader.AssignFromBeginning(bootstrapServers, topics.Options.Input);
        using var owned = reader;
        var text = new StringBuilder();
        foreach (var (role, input) in roles)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {role} on {input}, journal position / high watermark:");
            for (var p = 0; p < topics.Partitions; p++)
            {
                var high = reader.QueryWatermarkOffsets(new TopicPartition(input, p), TimeSpan.FromSeconds(10)).High.Value;
                var position = positions.TryGetValue((role, p), out var at) ? at.ToString(CultureInfo.InvariantCulture) : "none";
                text.Append(CultureInfo.InvariantCulture, $" [{p}] {position}/{high}{(at < high - 1 ? " BEHIND" : "")}");
            }

            text.Append('\n');
        }

        reader.Close();
        return text.ToString();
    }
}
