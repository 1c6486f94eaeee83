using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using EasyHard.Core.Embedded;
using EasyHard.Core.Hosting.Delivery;

namespace EasyHard.Core.Tests;

/// <summary>
/// Reading the offset journal when partitions are assigned: a long-running journal is not read whole when its tail
/// holds every assigned partition's latest entry, since a whole read of a long journal on the mock cluster outlasts
/// the time a member may spend placing its partitions.
/// </summary>
public sealed class OffsetJournalTests
{
    private const string Group = "g";
    private const string Input = "in";

    [Fact]
    public void StartOffsets_LongJournal_ReadsOnlyItsTail_WhenTheTailHoldsEveryAssignedPartition()
    {
        using var journal = new MockTopic("journal");
        // 20,000 entries of another group, one batch each (as transactions write them), then this group's latest.
        Produce(journal, Enumerable.Range(0, 20_000).Select(i => ("other", 0, (long)i)));
        Produce(journal, [(Group, 0, 700), (Group, 1, 900), (Group, 0, 701)]);
        var reader = new OffsetJournal(journal.Connection, journal.Name, Group, TimeSpan.FromSeconds(30));

        var clock = Stopwatch.StartNew();
        var starts = reader.StartOffsets([new TopicPartition(Input, 0), new TopicPartition(Input, 1)]);

        Assert.Equal([new TopicPartitionOffset(Input, 0, 701), new TopicPartitionOffset(Input, 1, 900)], starts);
        Assert.True(reader.EntriesLastRead < 2_000, $"read {reader.EntriesLastRead} entries in {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void StartOffsets_PartitionWhoseOnlyEntryIsOld_IsFoundByWideningTheRead_AndOneWithoutEntryHasNone()
    {
        using var journal = new MockTopic("journal");
        Produce(journal, [(Group, 2, 42)]);
        Produce(journal, Enumerable.Range(0, 3_000).Select(i => ("other", 0, (long)i)));
        Produce(journal, [(Group, 0, 700)]);
        var reader = new OffsetJournal(journal.Connection, journal.Name, Group, TimeSpan.FromSeconds(30));

        var starts = reader.StartOffsets([new TopicPartition(Input, 0), new TopicPartition(Input, 2), new TopicPartition(Input, 3)]);

        Assert.Equal([new TopicPartitionOffset(Input, 0, 700), new TopicPartitionOffset(Input, 2, 42), new TopicPartitionOffset(Input, 3, Offset.Unset)], starts);
    }

    private static void Produce(MockTopic journal, IEnumerable<(string Group, int Partition, long Next)> entries)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = journal.Connection.BootstrapServers,
            LingerMs = 0,
            BatchNumMessages = 1,
        }).Build();
        foreach (var (group, partition, next) in entries)
        {
            producer.Produce(new TopicPartition(journal.Name, 0), new Message<byte[], byte[]>
            {
                Key = Encoding.UTF8.GetBytes($"{group}\n{Input}\n{partition}"),
                Value = Encoding.ASCII.GetBytes(next.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            });
        }

        producer.Flush(TimeSpan.FromSeconds(60));
    }
}
