using EasyHard.Contracts.V1;
using EasyHard.Sink.Persistence;
using Microsoft.Extensions.Time.Testing;

namespace EasyHard.Sink.Tests.Persistence;

/// <summary>
/// The behaviour every <see cref="ISampleStore"/> must have, run against SQLite and PostgreSQL by the subclasses.
/// </summary>
public abstract partial class SampleStoreTests : IAsyncLifetime
{
    protected static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero));

    protected ISampleStore Store { get; private set; } = null!;

    protected abstract Task<ISampleStore> CreateStoreAsync();

    protected abstract Task DisposeResourcesAsync();

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await DisposeResourcesAsync();
    }

    [Fact]
    public async Task Migrate_AppliedTwice_IsIdempotent()
    {
        await Store.MigrateAsync(CancellationToken.None);
        await Store.MigrateAsync(CancellationToken.None);

        Assert.Equal(0, await Store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Upsert_NewSample_StoresEveryColumn()
    {
        var scored = Samples.Scored("s-1", originOffset: 42, originPartition: 3);

        await Store.UpsertAsync([scored], CancellationToken.None);

        var row = await Store.FindAsync("s-1", CancellationToken.None);
        Assert.NotNull(row);
        Assert.Equal(3, row.Label);
        Assert.Equal(1, row.PredictedLabel);
        Assert.Equal(1.25, row.Loss);
        Assert.Equal(0.25, row.SelfConfidence);
        Assert.Equal(-0.5, row.Margin);
        Assert.Equal(0.875, row.El2n);
        Assert.Equal(2.5, row.GradNorm);
        Assert.Equal(-0.125, row.Influence);
        Assert.Equal(0.75, row.Difficulty);
        Assert.Equal(0.0625, row.Noise);
        Assert.Equal(0.03125, row.Disagreement);
        Assert.Equal(0.75, row.Weight);
        Assert.Equal("hard", row.Bucket);
        Assert.Equal(7, row.ModelVersion);
        Assert.False(row.Warming);
        Assert.False(row.Quarantined);
        Assert.Equal("web", row.Source);
        Assert.Equal(2.0, row.HumanDifficulty);
        Assert.Equal("training-samples", row.SourceTopic);
        Assert.Equal(3, row.SourcePartition);
        Assert.Equal(42, row.SourceOffset);
        Assert.Equal(1, row.Exposures);
        var scoredAt = DateTimeOffset.FromUnixTimeMilliseconds(scored.ScoredAtUnixMs).UtcDateTime;
        Assert.Equal(scoredAt, row.FirstScoredAt);
        Assert.Equal(scoredAt, row.LastScoredAt);
        Assert.Equal(DateTimeKind.Utc, row.LastScoredAt.Kind);
        Assert.Equal(2, row.SuggestedLabel);
        Assert.Equal(0.5, row.SuggestedLabelP);
    }

    [Fact]
    public async Task Upsert_SameRecordRedelivered_KeepsOneRowWithOneExposure()
    {
        var scored = Samples.Scored("s-redelivered", originOffset: 10);

        await Store.UpsertAsync([scored], CancellationToken.None);
        await Store.UpsertAsync([scored], CancellationToken.None);

        Assert.Equal(1, await Store.CountAsync(CancellationToken.None));
        var row = await Store.FindAsync("s-redelivered", CancellationToken.None);
        Assert.Equal(1, row!.Exposures);
    }

    [Fact]
    public async Task Upsert_NewExposureFromAnotherOrigin_UpdatesValuesAndCountsTwoExposures()
    {
        var first = Samples.Scored("s-twice", originOffset: 10, weight: 0.5f);
        var second = Samples.Scored("s-twice", originOffset: 20, weight: 1.5f, quarantined: true, modelVersion: 9);

        await Store.UpsertAsync([first], CancellationToken.None);
        await Store.UpsertAsync([second], CancellationToken.None);

        var row = await Store.FindAsync("s-twice", CancellationToken.None);
        Assert.Equal(1, await Store.CountAsync(CancellationToken.None));
        Assert.Equal(2, row!.Exposures);
        Assert.Equal(1.5, row.Weight);
        Assert.True(row.Quarantined);
        Assert.Equal(9, row.ModelVersion);
        Assert.Equal(20, row.SourceOffset);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(first.ScoredAtUnixMs).UtcDateTime, row.FirstScoredAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(second.ScoredAtUnixMs).UtcDateTime, row.LastScoredAt);
    }

    [Fact]
    public async Task Upsert_ExposureFromAnotherPartition_CountsAsNew()
    {
        await Store.UpsertAsync([Samples.Scored("s-partitions", originOffset: 50, originPartition: 0)], CancellationToken.None);
        await Store.UpsertAsync([Samples.Scored("s-partitions", originOffset: 5, originPartition: 1)], CancellationToken.None);

        var row = await Store.FindAsync("s-partitions", CancellationToken.None);
        Assert.Equal(2, row!.Exposures);
        Assert.Equal(1, row.SourcePartition);
    }

    [Fact]
    public async Task Upsert_TwoExposuresInOneBatch_CountsBothInOrder()
    {
        var first = Samples.Scored("s-batch", originOffset: 10, weight: 0.5f);
        var second = Samples.Scored("s-batch", originOffset: 20, weight: 1.5f);

        await Store.UpsertAsync([first, Samples.Scored("s-other"), second], CancellationToken.None);

        var row = await Store.FindAsync("s-batch", CancellationToken.None);
        Assert.Equal(2, await Store.CountAsync(CancellationToken.None));
        Assert.Equal(2, row!.Exposures);
        Assert.Equal(1.5, row.Weight);
        Assert.Equal(20, row.SourceOffset);
    }

    [Fact]
    public async Task Upsert_ReplayedBatchHoldingTwoExposures_DoesNotCountAgain()
    {
        // A crash after the SQL commit but before the Kafka commit redelivers the whole batch.
        var batch = new[] { Samples.Scored("s-replay", originOffset: 10), Samples.Scored("s-replay", originOffset: 20) };

        await Store.UpsertAsync(batch, CancellationToken.None);
        await Store.UpsertAsync(batch, CancellationToken.None);

        var row = await Store.FindAsync("s-replay", CancellationToken.None);
        Assert.Equal(2, row!.Exposures);
        Assert.Equal(20, row.SourceOffset);
    }

    [Theory]
    [InlineData("'; DROP TABLE sample_scores;--")]
    [InlineData("quote'\"double\"`back`")]
    [InlineData("semi;colon;;")]
    [InlineData("unicode-ünïcødé-日本語-🙂-\u200b")]
    [InlineData("$1 @SampleId :name ? %s \\ \\x00")]
    [InlineData("  spaces and\ttabs\nnewline  ")]
    public async Task Upsert_HostileStrings_AreStoredVerbatim(string hostile)
    {
        var scored = Samples.Scored(hostile, source: hostile, originTopic: hostile);

        await Store.UpsertAsync([scored], CancellationToken.None);

        var row = await Store.FindAsync(hostile, CancellationToken.None);
        Assert.NotNull(row);
        Assert.Equal(hostile, row.SampleId);
        Assert.Equal(hostile, row.Source);
        Assert.Equal(hostile, row.SourceTopic);
        Assert.Equal(1, await Store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Upsert_WithoutHumanDifficultyOrScoringTime_StoresNullAndTheClock()
    {
        var scored = Samples.Scored("s-minimal");
        scored.Canonical.Sample.ClearHumanDifficulty();
        scored.ScoredAtUnixMs = 0;
        scored.Scores.SuggestedLabelP = 0; // no suggestion: a record from an older scorer

        await Store.UpsertAsync([scored], CancellationToken.None);

        var row = await Store.FindAsync("s-minimal", CancellationToken.None);
        Assert.Null(row!.HumanDifficulty);
        Assert.Null(row.SuggestedLabel);
        Assert.Null(row.SuggestedLabelP);
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, row.FirstScoredAt);
    }

    [Fact]
    public async Task Upsert_LargeBatch_WritesEveryRow()
    {
        var batch = Enumerable.Range(0, 2000).Select(i => Samples.Scored($"bulk-{i}", originOffset: i)).ToList();

        await Store.UpsertAsync(batch, CancellationToken.None);
        await Store.UpsertAsync(batch, CancellationToken.None);

        Assert.Equal(2000, await Store.CountAsync(CancellationToken.None));
        Assert.Equal(1, (await Store.FindAsync("bulk-1999", CancellationToken.None))!.Exposures);
    }

    [Fact]
    public async Task Find_UnknownId_ReturnsNull()
    {
        Assert.Null(await Store.FindAsync("nope", CancellationToken.None));
        await Store.PingAsync(CancellationToken.None);
    }
}
