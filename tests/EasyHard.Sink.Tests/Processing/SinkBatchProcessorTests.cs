using System.Text;
using Dapper;
using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Contracts.V1;
using EasyHard.Contracts;
using EasyHard.Sink.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EasyHard.Sink.Tests.Processing;

public sealed class SinkBatchProcessorTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "easyhard-sink-processor-" + Guid.NewGuid().ToString("N"));
    private SqliteSampleStore _store = null!;

    public async Task InitializeAsync()
    {
        var options = new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(_directory, "sink.db")}" };
        _store = new SqliteSampleStore(options, new FakeTimeProvider());
        await _store.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Process_ValidRecords_WritesRowsAndEmitsTrainerStream()
    {
        var processor = Processor(_store);
        var batch = new[] { Samples.Record(Samples.Scored("a"), 1), Samples.Record(Samples.Scored("b", quarantined: true), 2) };

        var output = await processor.ProcessAsync(batch, CancellationToken.None);

        Assert.Equal(["easyhard.weighted", "easyhard.quarantine"], output.Select(m => m.Topic));
        Assert.Equal(2, await _store.CountAsync(CancellationToken.None));
        Assert.True((await _store.FindAsync("b", CancellationToken.None))!.Quarantined);
    }

    [Fact]
    public async Task Process_ResampledStream_EmitsEachCopyFromItsInput_AndOneRow()
    {
        // Weight 3 at ceiling 1: exactly three copies, each naming the input it came from; weight 0 (not quarantined): none.
        var options = new SinkOptions { TrainerStream = new() { Sampling = "resample", ResampleCeiling = 1.0 } };
        var processor = Processor(_store, options);
        var heavy = Samples.Record(Samples.Scored("heavy", weight: 3f), 1);
        var dropped = Samples.Record(Samples.Scored("dropped", weight: 0f), 2);

        var output = await processor.ProcessAsync([heavy, dropped], CancellationToken.None);

        Assert.Equal(3, output.Count);
        Assert.All(output, m => Assert.Same(heavy, m.Source));
        Assert.All(output, m => Assert.Equal("heavy", Encoding.UTF8.GetString(m.Key!)));
        Assert.Equal(2, await _store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Process_RetriedBatch_CountsEmittedAndDeadLettersOnceWhenCommitted()
    {
        var processor = Processor(_store);
        var good = Samples.Record(Samples.Scored("counted", originOffset: 8), 3);
        var bad = Samples.Record("not a protobuf"u8.ToArray(), 4);
        var emitted = SinkMetrics.EmittedTo("easyhard.weighted").Value;
        var unparsable = SinkMetrics.DeadLettered(RejectReasons.Unparsable).Value;

        IReadOnlyList<Core.Kafka.OutgoingMessage> output = [];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            output = await processor.ProcessAsync([good, bad], CancellationToken.None);
        }

        Assert.Equal(emitted, SinkMetrics.EmittedTo("easyhard.weighted").Value);
        Assert.Equal([good, bad], output.Select(m => m.Source));

        processor.Committed(output);

        Assert.Equal(emitted + 1, SinkMetrics.EmittedTo("easyhard.weighted").Value);
        Assert.Equal(unparsable + 1, SinkMetrics.DeadLettered(RejectReasons.Unparsable).Value);
    }

    [Fact]
    public async Task Process_RedeliveredBatch_KeepsOneExposure()
    {
        var processor = Processor(_store);
        var batch = new[] { Samples.Record(Samples.Scored("a", originOffset: 5), 1) };

        await processor.ProcessAsync(batch, CancellationToken.None);
        await processor.ProcessAsync(batch, CancellationToken.None);

        Assert.Equal(1, (await _store.FindAsync("a", CancellationToken.None))!.Exposures);
    }

    [Fact]
    public async Task Process_OriginColumns_ComeFromCanonicalOrigin()
    {
        var processor = Processor(_store);

        await processor.ProcessAsync([Samples.Record(Samples.Scored("a", originOffset: 77, originPartition: 2, originTopic: "producers"), 900)], CancellationToken.None);

        var row = await _store.FindAsync("a", CancellationToken.None);
        Assert.Equal(("producers", 2, 77L), (row!.SourceTopic, row.SourcePartition, row.SourceOffset));
    }

    [Fact]
    public async Task Process_RecordWithoutOrigin_UsesItsOwnPosition()
    {
        var scored = Samples.Scored("a");
        scored.Canonical.Origin = null;

        await Processor(_store).ProcessAsync([Samples.Record(scored, 900)], CancellationToken.None);

        var row = await _store.FindAsync("a", CancellationToken.None);
        Assert.Equal((Samples.ScoredTopic, 1, 900L), (row!.SourceTopic, row.SourcePartition, row.SourceOffset));
    }

    [Fact]
    public async Task Process_UnparsableRecord_GoesToDeadLetterAndOthersProceed()
    {
        var garbage = new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F };
        var batch = new[] { Samples.Record(garbage, offset: 3), Samples.Record(Samples.Scored("good"), 4) };

        var output = await Processor(_store).ProcessAsync(batch, CancellationToken.None);

        var deadLetter = Assert.Single(output, m => m.Topic == "easyhard.dlq");
        Assert.Equal(garbage, deadLetter.Value);
        Assert.Equal(RejectReasons.Unparsable, Encoding.UTF8.GetString(deadLetter.Headers!.GetLastBytes(HeaderNames.ErrorReason)));
        Assert.Equal("3", Encoding.UTF8.GetString(deadLetter.Headers!.GetLastBytes(HeaderNames.SourceOffset)));
        Assert.Single(output, m => m.Topic == "easyhard.weighted");
        Assert.Equal(1, await _store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Process_IncompleteOrNonFiniteOrNulRecords_GoToDeadLetterWithReason()
    {
        var noScores = Samples.Scored("no-scores");
        noScores.Scores = null;
        var nanWeight = Samples.Scored("nan", weight: float.NaN);
        var nul = Samples.Scored("nul\0id");
        var batch = new[]
        {
            Samples.Record([], 1),
            Samples.Record(noScores, 2),
            Samples.Record(nanWeight, 3),
            Samples.Record(nul, 4),
        };

        var output = await Processor(_store).ProcessAsync(batch, CancellationToken.None);

        Assert.All(output, m => Assert.Equal("easyhard.dlq", m.Topic));
        Assert.Equal(
            [RejectReasons.Incomplete, RejectReasons.Incomplete, RejectReasons.NonFiniteScore, RejectReasons.InvalidText],
            output.Select(m => Encoding.UTF8.GetString(m.Headers!.GetLastBytes(HeaderNames.ErrorReason))));
        Assert.Equal(0, await _store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Process_SqlFailure_ThrowsSoTheShellRetries()
    {
        var processor = Processor(new FailingStore());

        await Assert.ThrowsAsync<InvalidOperationException>(() => processor.ProcessAsync([Samples.Record(Samples.Scored("a"))], CancellationToken.None));
    }

    [Fact]
    public async Task Process_OnlyBadRecords_DeadLettersThemWithoutWritingSql()
    {
        // The dead-letter topic is their record; DeadLetterLedger counts them from there with every role's.
        var output = await Processor(new FailingStore()).ProcessAsync([Samples.Record([0xFF], offset: 7, partition: 2)], CancellationToken.None);

        Assert.Equal("easyhard.dlq", Assert.Single(output).Topic);
    }

    private static SinkBatchProcessor Processor(ISampleStore store, SinkOptions? options = null) =>
        new(store, Options.Create(options ?? new SinkOptions()), Options.Create(new TopicOptions()), NullLogger<SinkBatchProcessor>.Instance);

    internal sealed class FailingStore : ISampleStore
    {
        public Task MigrateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task UpsertAsync(IReadOnlyList<ScoredSample> rows, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("database down");

        public Task CountDeadLettersAsync(IReadOnlyList<DeadLetteredRecord> deadLetters, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("database down");

        public Task<long> CountAsync(CancellationToken cancellationToken) => Task.FromResult(0L);

        public Task<SampleScoreRow?> FindAsync(string sampleId, CancellationToken cancellationToken) => Task.FromResult<SampleScoreRow?>(null);

        public Task PingAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("database down");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
