using Confluent.Kafka;
using Dapper;
using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Core.Kafka;
using EasyHard.Sink.Persistence;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EasyHard.Sink.Tests.Processing;

/// <summary>The Sink's count of every role's dead letters, read from the dead-letter topic.</summary>
public sealed class DeadLetterLedgerTests : IAsyncLifetime
{
    private static readonly TopicOptions Topics = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "easyhard-ledger-" + Guid.NewGuid().ToString("N"));
    private SqliteSampleStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteSampleStore(Database, new FakeTimeProvider());
        await _store.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private DatabaseOptions Database => new() { ConnectionString = $"Data Source={Path.Combine(_directory, "sink.db")}" };

    [Fact]
    public async Task Process_CountsEachDeadLetterByTheRoleOfItsSourceTopicAndItsReason_OnceUnderRedelivery()
    {
        var ledger = new DeadLetterLedger(_store, Options.Create(Topics));
        ConsumeResult<byte[], byte[]>[] batch =
        [
            DeadLetter(Topics.Input, "label_out_of_range", partition: 0, offset: 4),
            DeadLetter(Topics.Input, "label_out_of_range", partition: 1, offset: 2),
            DeadLetter(Topics.Samples, "output_refused", partition: 0, offset: 5),
            DeadLetter(Topics.Scored, RejectReasons.Unparsable, partition: 0, offset: 6),
            DeadLetter(null, null, partition: 1, offset: 3),
        ];

        Assert.Empty(await ledger.ProcessAsync(batch, CancellationToken.None));
        Assert.Empty(await ledger.ProcessAsync(batch, CancellationToken.None));

        await using var connection = DatabaseConnections.Create(Database);
        var counts = await connection.QueryAsync<(string Role, string Reason, long Records)>(
            "SELECT role, reason, SUM(records) FROM dead_letters GROUP BY role, reason ORDER BY role, reason");
        Assert.Equal(
        [
            ("ingest", "label_out_of_range", 2L),
            ("scorer", "output_refused", 1L),
            ("sink", RejectReasons.Unparsable, 1L),
            (DeadLetterRoles.Unknown, DeadLetterRoles.Unknown, 1L),
        ], counts);
    }

    [Fact]
    public async Task Process_SqlFailure_ThrowsSoTheShellRetries()
    {
        var ledger = new DeadLetterLedger(new SinkBatchProcessorTests.FailingStore(), Options.Create(Topics));

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ledger.ProcessAsync([DeadLetter(Topics.Input, "label_out_of_range", 0, 0)], CancellationToken.None));
    }

    [Fact]
    public void Of_NamesTheRoleThatReadsTheSourceTopic()
    {
        var topics = new TopicOptions { Targets = "targets" };
        Assert.Equal("ingest", DeadLetterRoles.Of(topics.Input, topics));
        Assert.Equal("scorer", DeadLetterRoles.Of(topics.Feedback, topics));
        Assert.Equal("scorer", DeadLetterRoles.Of("targets", topics));
        Assert.Equal("sink", DeadLetterRoles.Of(topics.Scored, topics));
        Assert.Equal("elsewhere", DeadLetterRoles.Of("elsewhere", topics));
        Assert.Equal(DeadLetterRoles.Unknown, DeadLetterRoles.Of("", topics));
    }

    /// <summary>A record of the dead-letter topic as <see cref="DeadLetters.Create"/> writes it.</summary>
    private static ConsumeResult<byte[], byte[]> DeadLetter(string? sourceTopic, string? reason, int partition, long offset)
    {
        var source = new ConsumeResult<byte[], byte[]>
        {
            Topic = sourceTopic ?? "x",
            Partition = new Partition(0),
            Offset = new Offset(1),
            Message = new Message<byte[], byte[]> { Key = [1], Value = [2] },
        };
        var headers = DeadLetters.Create(Topics.DeadLetter, source, reason ?? "x", "why").Headers!;
        var kept = new Headers();
        foreach (var header in headers.Where(h => (sourceTopic is not null || h.Key != Contracts.HeaderNames.SourceTopic)
            && (reason is not null || h.Key != Contracts.HeaderNames.ErrorReason)))
        {
            kept.Add(header.Key, header.GetValueBytes());
        }

        return new ConsumeResult<byte[], byte[]>
        {
            Topic = Topics.DeadLetter,
            Partition = new Partition(partition),
            Offset = new Offset(offset),
            Message = new Message<byte[], byte[]> { Key = [1], Value = [2], Headers = kept },
        };
    }
}
