using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Contracts;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using EasyHard.Core.Observability;
using EasyHard.Host.Composition;
using EasyHard.Ingest;
using EasyHard.IntegrationTests.Infrastructure;
using EasyHard.IntegrationTests.Pipeline;
using Microsoft.Extensions.Options;

namespace EasyHard.IntegrationTests.Faults;

/// <summary>The Ingest counters are process-wide: this collection runs alone, so their increase is this test's own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IngestCountersCollection
{
    public const string Name = "Ingest counters";
}

/// <summary>
/// Records that can never be produced as they are must not stop a partition: a 2 MiB record (above
/// Schema:MaxRecordBytes, and above the producer's message.max.bytes even as a dead letter) and a valid record of
/// 1,040,000 bytes whose canonical sample carries it twice (original bytes and parsed attributes), among small valid
/// ones on every partition. Ingest must go on, account for each record once (on the samples topic or in the DLQ with
/// a reason) and count each once.
/// </summary>
[Collection(IngestCountersCollection.Name)]
public sealed class PoisonPillTests
{
    private const int Small = 200;
    private const string Huge = "huge-2mib";
    private const string Large = "large-valid";

    /// <param name="producerMaxBytes">Kafka:Producer:MessageMaxBytes, or empty for EasyHard's default (2 MiB).</param>
    /// <param name="largeOn">Where the 1,040,000-byte record goes: forwarded, or dead-lettered as output_too_large.</param>
    [Theory]
    [InlineData("", "samples")]
    [InlineData("1100000", RejectReasons.OutputTooLarge)]
    public async Task OversizedRecords_AreDeadLetteredOnce_AndIngestKeepsGoing(string producerMaxBytes, string largeOn)
    {
        using var cluster = new EmbeddedKafkaCluster();
        string[] config = producerMaxBytes.Length == 0 ? [] : [$"--Kafka:Producer:MessageMaxBytes={producerMaxBytes}"];
        await using var run = new PipelineRun(cluster, "poison", config);
        var accepted = IngestMetrics.RecordsAccepted.Value;
        var deadLettered = DeadLettered();
        var consumed = PipelineMetrics.For("ingest").Committed.Value;
        await run.StartAsync(Roles.Ingest);

        var huge = Sample(Huge, padTo: 2 * 1024 * 1024);
        var large = Sample(Large, padTo: 1_040_000);
        var records = Enumerable.Range(0, Small).Select(i => (Id: $"small-{i}", Value: Sample($"small-{i}", padTo: 0))).ToList();
        records.Insert(Small / 3, (Huge, huge));
        records.Insert(2 * Small / 3, (Large, large));
        Produce(cluster, run.Topics.Options.Input, records);

        var samplesTopic = run.Topics.Options.Samples;
        var dlqTopic = run.Topics.Options.DeadLetter;
        List<ConsumeResult<byte[], byte[]>> forwarded = [], dead = [];
        await Eventually.WaitUntilAsync(() =>
        {
            forwarded = run.Read(samplesTopic);
            dead = run.Read(dlqTopic);
            return Task.FromResult(forwarded.Count + dead.Count >= records.Count);
        }, TimeSpan.FromSeconds(90), () => $"{records.Count} records forwarded or dead-lettered ({forwarded.Count} + {dead.Count})");

        // Each record exactly once, on one side or the other.
        var ids = forwarded.Select(IdOf).Concat(dead.Select(IdOf)).ToList();
        Assert.Equal(records.Select(r => r.Id).Order(), ids.Order());

        var hugeLetter = Assert.Single(dead, r => IdOf(r) == Huge);
        Assert.Equal(RejectReasons.Oversized, PipelineRun.HeaderText(hugeLetter, HeaderNames.ErrorReason));
        Assert.Equal("value", PipelineRun.HeaderText(hugeLetter, HeaderNames.Truncated));
        Assert.Equal(huge.Length.ToString(CultureInfo.InvariantCulture), PipelineRun.HeaderText(hugeLetter, HeaderNames.OriginalSize));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(huge)), PipelineRun.HeaderText(hugeLetter, HeaderNames.OriginalSha256));
        Assert.Equal(huge[..hugeLetter.Message.Value.Length], hugeLetter.Message.Value);

        if (largeOn == "samples")
        {
            Assert.Contains(forwarded, r => IdOf(r) == Large);
        }
        else
        {
            var largeLetter = Assert.Single(dead, r => IdOf(r) == Large);
            Assert.Equal(largeOn, PipelineRun.HeaderText(largeLetter, HeaderNames.ErrorReason));
            Assert.Contains("Kafka:Producer:MessageMaxBytes", PipelineRun.HeaderText(largeLetter, HeaderNames.Error), StringComparison.Ordinal);
            Assert.Equal(large, largeLetter.Message.Value);
        }

        // Counted once each, when committed: as many accepted as forwarded, as many dead-lettered as in the DLQ.
        await Eventually.WaitUntilAsync(() => Task.FromResult(PipelineMetrics.For("ingest").Committed.Value - consumed >= records.Count),
            TimeSpan.FromSeconds(30), () => "every record's offset committed");
        Assert.Equal(records.Count, PipelineMetrics.For("ingest").Committed.Value - consumed);
        Assert.Equal(forwarded.Count, IngestMetrics.RecordsAccepted.Value - accepted);
        Assert.Equal(dead.Count, DeadLettered() - deadLettered);
        Assert.Contains("no role stuck", await FaultHarness.HealthOfAsync(run.App), StringComparison.Ordinal);
    }

    /// <summary>
    /// The broker refuses a produce request for good (as a topic whose max.message.bytes is below the producer's
    /// limit would): the records in it are dead-lettered as undeliverable, the rest of their batch goes on, and nothing
    /// is retried forever. The mock cluster shows an aborted transaction's records to readers, so the records that
    /// shared the refused attempt may appear twice on the samples topic here (never on Kafka); each is counted once.
    /// </summary>
    [Theory]
    [InlineData("exactly_once", "on")]
    [InlineData("exactly_once", "off")]
    [InlineData("at_least_once", "off")]
    public async Task OutputRefusedByTheBroker_IsDeadLetteredAsUndeliverable_AndIngestKeepsGoing(string guarantee, string offsetJournal)
    {
        using var cluster = new EmbeddedKafkaCluster();
        await using var run = new PipelineRun(cluster, "refused", [$"--Delivery:Guarantee={guarantee}", $"--Delivery:OffsetJournal={offsetJournal}"]);
        var accepted = IngestMetrics.RecordsAccepted.Value;
        var undeliverable = IngestMetrics.DeadLetteredFor(RejectReasons.Undeliverable).Value;
        var committed = PipelineMetrics.For("ingest").Committed.Value;
        var records = Enumerable.Range(0, Small).Select(i => (Id: $"small-{i}", Value: Sample($"small-{i}", padTo: 0))).ToList();
        Produce(cluster, run.Topics.Options.Input, records);
        // Ingest's first produce request is the next one the cluster sees.
        MockClusterNative.PushRequestErrors(cluster.NativeCluster, 0, ErrorCode.MsgSizeTooLarge);
        await run.StartAsync(Roles.Ingest);

        List<ConsumeResult<byte[], byte[]>> forwarded = [], dead = [];
        await Eventually.WaitUntilAsync(() =>
        {
            forwarded = run.Read(run.Topics.Options.Samples);
            dead = run.Read(run.Topics.Options.DeadLetter);
            return Task.FromResult(forwarded.Select(IdOf).Concat(dead.Select(IdOf)).Distinct().Count() >= records.Count);
        }, TimeSpan.FromSeconds(90), () => $"{records.Count} records forwarded or dead-lettered ({forwarded.Count} + {dead.Count})");

        Assert.NotEmpty(dead);
        Assert.All(dead, r => Assert.Equal(RejectReasons.Undeliverable, PipelineRun.HeaderText(r, HeaderNames.ErrorReason)));
        Assert.All(dead, r => Assert.Contains("MsgSizeTooLarge", PipelineRun.HeaderText(r, HeaderNames.Error), StringComparison.Ordinal));
        Assert.Equal(dead.Count, dead.Select(IdOf).Distinct().Count());
        Assert.Empty(dead.Select(IdOf).Intersect(forwarded.Select(IdOf)));
        Assert.Equal(records.Select(r => r.Id).Order(), forwarded.Select(IdOf).Concat(dead.Select(IdOf)).Distinct().Order());

        await Eventually.WaitUntilAsync(() => Task.FromResult(PipelineMetrics.For("ingest").Committed.Value - committed >= records.Count),
            TimeSpan.FromSeconds(30), () => "every record's offset committed");
        Assert.Equal(records.Count - dead.Count, IngestMetrics.RecordsAccepted.Value - accepted);
        Assert.Equal(dead.Count, IngestMetrics.DeadLetteredFor(RejectReasons.Undeliverable).Value - undeliverable);
    }

    [Fact]
    public void Start_ProducerLimitBelowInputLimit_FailsNamingBothKeys()
    {
        using var cluster = new EmbeddedKafkaCluster(brokers: 1);

        // Start-up validation runs while the app is built, before anything connects.
        var failure = Assert.Throws<ConfigurationErrorException>(() => EasyHardApp.Build(Roles.Ingest,
            [$"--Kafka:BootstrapServers={cluster.BootstrapServers}", "--Http:Port=0", "--Kafka:Producer:MessageMaxBytes=1000000"]));

        Assert.Contains("Kafka:Producer:MessageMaxBytes", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Schema:MaxRecordBytes", failure.Message, StringComparison.Ordinal);
    }

    private static double DeadLettered() => RejectReasons.Ingest.Sum(reason => IngestMetrics.DeadLetteredFor(reason).Value);

    private static string IdOf(ConsumeResult<byte[], byte[]> record) =>
        record.Message.Key is null ? "" : Encoding.UTF8.GetString(record.Message.Key);

    /// <summary>A valid JSON sample of <see cref="PipelineRun.Dimension"/> features, padded with an attribute to <paramref name="padTo"/> bytes.</summary>
    private static byte[] Sample(string id, int padTo)
    {
        var features = string.Join(',', Enumerable.Range(0, PipelineRun.Dimension).Select(i => (i % 7 * 0.1).ToString("F1", CultureInfo.InvariantCulture)));
        var head = $"{{\"id\":\"{id}\",\"features\":[{features}],\"label\":{id.Length % 10},\"attributes\":{{\"pad\":\"";
        const string tail = "\"}}";
        var pad = Math.Max(0, padTo - head.Length - tail.Length);
        var json = Encoding.UTF8.GetBytes(head + new string('x', pad) + tail);
        Assert.True(padTo == 0 || json.Length == padTo);
        return json;
    }

    private static void Produce(EmbeddedKafkaCluster cluster, string topic, IEnumerable<(string Id, byte[] Value)> records)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            MessageMaxBytes = 8 * 1024 * 1024,
            EnableIdempotence = true,
        }).Build();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        foreach (var (id, value) in records)
        {
            var headers = new Headers { { ContentTypes.HeaderName, Encoding.UTF8.GetBytes(ContentTypes.Json) } };
            producer.Produce(topic, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(id), Value = value, Headers = headers },
                report =>
                {
                    if (report.Error.IsError)
                    {
                        failures.Add($"{id}: {report.Error.Reason}");
                    }
                });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        Assert.Empty(failures);
    }
}
