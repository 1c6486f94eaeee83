using System.Globalization;
using System.Text;
using Confluent.Kafka;
using EasyHard.Core.Kafka;

namespace EasyHard.Core.Embedded;

/// <summary>
/// Input offsets written as ordinary records inside each batch's transaction (key <c>group\ntopic\npartition</c>,
/// value the next offset in ASCII), so they commit or abort atomically with the batch's output. A member that is
/// assigned a partition reads the journal (<c>read_committed</c>) and resumes after the last committed batch.
/// See <see cref="Configuration.DeliveryOptions.OffsetJournal"/> for when it is used.
/// </summary>
/// <param name="readDeadline">
/// How long reading the journal may go without getting anywhere: a transaction left open by a member that died holds
/// back read_committed readers until the coordinator aborts it, so this must exceed the transaction timeout.
/// </param>
public sealed class OffsetJournal(KafkaConnection connection, string journalTopic, string groupId, TimeSpan readDeadline)
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan WatermarkTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Entries per journal partition read first when placing partitions. Under load the mock serves a few hundred
    /// entries a second across all partitions, and the read runs inside the assignment, within the session timeout.
    /// </summary>
    private const long FirstTail = 128;

    /// <summary>
    /// How much wider each further read is, for partitions the narrower one found no entry for: doubling keeps the
    /// entries read within about twice the tail that was needed (growing sixteenfold, a Sink restarted after other
    /// roles had written for a while read 9,000 entries in 35 s and more).
    /// </summary>
    private const long TailGrowth = 2;

    /// <summary>Journal entries the last <see cref="StartOffsets"/> read (all its reads together).</summary>
    internal long EntriesLastRead { get; private set; }

    /// <summary>The journal's topic.</summary>
    public string Topic => journalTopic;

    public OutgoingMessage Entry(TopicPartitionOffset next) =>
        new(journalTopic, Key(groupId, next.Topic, next.Partition.Value),
            Encoding.ASCII.GetBytes(next.Offset.Value.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// Where to start each assigned partition: the journal's last committed offset, else the group's committed offset.
    /// Throws a <see cref="KafkaException"/> when the journal cannot be read to its end; the caller retries
    /// (<see cref="JournalStarts"/>), since starting without it would start from a wrong position.
    /// </summary>
    /// <param name="assigned">The partitions to place.</param>
    /// <param name="progress">Told what the read has got through, every few seconds of a long read.</param>
    public IReadOnlyList<TopicPartitionOffset> StartOffsets(IReadOnlyCollection<TopicPartition> assigned, Action<string>? progress = null)
    {
        if (assigned.Count == 0)
        {
            return [];
        }

        Dictionary<TopicPartition, long> journal;
        EntriesLastRead = 0;
        for (var tail = FirstTail; ; tail *= TailGrowth)
        {
            journal = ReadLatest(progress, tail, out var whole);
            if (whole || assigned.All(journal.ContainsKey))
            {
                break;
            }
        }

        return [.. assigned.Select(p => new TopicPartitionOffset(p, journal.TryGetValue(p, out var offset) ? new Offset(offset) : Offset.Unset))];
    }

    /// <summary>
    /// The latest committed journal entry of this group per input partition, among the last <paramref name="tail"/>
    /// entries of each journal partition (<paramref name="whole"/>: the tail held every entry there is). The journal holds
    /// every entry since the broker's retention last deleted some, and librdkafka's mock cluster answers a fetch with
    /// one record batch per partition, so a long-running cluster's journal takes long to read whole: 70,000 entries
    /// took 20 to 36 s, longer than a member may stay in its assignment callback before the coordinator drops it from
    /// the group, which assigned the partitions again, and the role read the journal again, for minutes. All entries
    /// of a key go to one journal partition, so its latest entry is in any tail that holds one of its entries; the
    /// caller widens the tail only for partitions it found no entry for. The deadline is on making no progress, not on
    /// the whole read.
    /// </summary>
    private Dictionary<TopicPartition, long> ReadLatest(Action<string>? progress, long tail, out bool whole)
    {
        using var reader = connection.CreateReader($"{groupId}-journal-reader");
        using var admin = new DependentAdminClientBuilder(reader.Handle).Build();
        var topic = admin.GetMetadata(journalTopic, TimeSpan.FromSeconds(10)).Topics.Single();
        if (topic.Error.IsError || topic.Partitions.Count == 0)
        {
            // No partitions known yet is not an empty journal: reading nothing would restart every partition at the
            // group's committed offset.
            throw new KafkaException(topic.Error.IsError ? topic.Error : new Error(ErrorCode.UnknownTopicOrPart, $"offset journal {journalTopic} has no partitions"));
        }

        var partitions = topic.Partitions.Select(p => new TopicPartition(journalTopic, p.PartitionId)).ToList();
        whole = true;
        var starts = new List<TopicPartitionOffset>(partitions.Count);
        foreach (var partition in partitions)
        {
            var watermarks = reader.QueryWatermarkOffsets(partition, WatermarkTimeout);
            var fromTail = watermarks.High.Value - tail > watermarks.Low.Value;
            whole &= !fromTail;
            starts.Add(new TopicPartitionOffset(partition, fromTail ? new Offset(watermarks.High.Value - tail) : Offset.Beginning));
        }

        reader.Assign(starts);

        var latest = new Dictionary<TopicPartition, long>();
        var atEnd = new HashSet<int>();
        var started = DateTime.UtcNow;
        var lastProgress = started;
        var nextReport = started + ProgressEvery;
        long entries = 0;
        while (atEnd.Count < partitions.Count)
        {
            var now = DateTime.UtcNow;
            if (now - lastProgress > readDeadline)
            {
                throw new KafkaException(new Error(ErrorCode.Local_TimedOut,
                    $"offset journal {journalTopic} not read to its end: nothing new for {readDeadline.TotalSeconds:F0} s "
                    + $"({entries} entries read, {atEnd.Count} of {partitions.Count} partitions at their end)"));
            }

            if (progress is not null && now > nextReport)
            {
                nextReport = now + ProgressEvery;
                progress($"reading the offset journal {journalTopic}: {entries} entries in {(now - started).TotalSeconds:F0} s, {atEnd.Count} of {partitions.Count} partitions at their end");
            }

            var record = reader.Consume(TimeSpan.FromMilliseconds(200));
            if (record is null)
            {
                continue;
            }

            lastProgress = DateTime.UtcNow;
            if (record.IsPartitionEOF)
            {
                atEnd.Add(record.Partition.Value);
                continue;
            }

            entries++;
            if (TryParse(groupId, record.Message.Key, record.Message.Value, out var partition, out var offset))
            {
                latest[partition] = offset;
            }
        }

        reader.Close();
        EntriesLastRead += entries;
        return latest;
    }

    /// <summary>Reads one journal record of <paramref name="group"/>: the input partition and the offset to resume it at.</summary>
    public static bool TryParse(string group, byte[]? key, byte[]? value, out TopicPartition partition, out long offset)
    {
        partition = default!;
        offset = 0;
        if (key is null || value is null)
        {
            return false;
        }

        var parts = Encoding.UTF8.GetString(key).Split('\n');
        if (parts.Length != 3 || parts[0] != group
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || !long.TryParse(Encoding.ASCII.GetString(value), NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            return false;
        }

        partition = new TopicPartition(parts[1], number);
        return true;
    }

    private static byte[] Key(string group, string topic, int partition) =>
        Encoding.UTF8.GetBytes($"{group}\n{topic}\n{partition.ToString(CultureInfo.InvariantCulture)}");
}
