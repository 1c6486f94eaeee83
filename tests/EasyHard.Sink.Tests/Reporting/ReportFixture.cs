using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Contracts.V1;
using EasyHard.Sink.Persistence;
using EasyHard.Sink.Reporting;
using EasyHard.Sink.Tests.Persistence;
using Microsoft.Extensions.Time.Testing;

namespace EasyHard.Sink.Tests.Reporting;

/// <summary>
/// A small database whose report is worked out by hand: seven samples after warm-up and one in warm-up. Noise and
/// weights are dyadic fractions, so float32 storage keeps them exact and each falls in a known histogram bin. Every
/// sample has the features 0.5, 0.25 (a 1×2 image under <see cref="ImageSchema"/>), and the Sink dead-lettered three
/// records: two unparsable, one incomplete.
/// </summary>
internal static class ReportFixture
{
    public static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero));

    public static LabelNames Names { get; } = new(["cat", "dog <&>"]);

    /// <summary>Samples that are not images: the gallery summarises their features.</summary>
    public static ReportSchema Schema { get; } = new(Names);

    /// <summary>Samples that are 1×2 grey images: the gallery draws them.</summary>
    public static ReportSchema ImageSchema { get; } = new(Names, new ImageShape(1, 1, 2));

    public static async Task<TestDatabase> CreateAsync(string provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using var store = SampleStoreFactory.Create(database.Options, Clock);
        await store.MigrateAsync(CancellationToken.None);
        await store.UpsertAsync(
        [
            Row("a", 10, label: 0, noise: 0.875f, suggested: 1, p: 0.8f, predicted: 1, Bucket.Hard, weight: 0.25f, version: 1, "web"),
            Row("b", 20, label: 0, noise: 0.75f, suggested: 1, p: 0.6f, predicted: 1, Bucket.Hard, weight: 0.5f, version: 1, "web"),
            Row("c", 30, label: 0, noise: 0.625f, suggested: 2, p: 0.55f, predicted: 2, Bucket.Medium, weight: 0.75f, version: 2, "cam"),
            Row("d", 40, label: 0, noise: 0.125f, suggested: 0, p: 0.9f, predicted: 0, Bucket.Easy, weight: 1.25f, version: 2, "cam"),
            Row("e", 50, label: 1, noise: 0.25f, suggested: 1, p: 0.85f, predicted: 1, Bucket.Easy, weight: 1.0f, version: 3, "web"),
            Row("f", 60, label: 1, noise: 0.8125f, suggested: 0, p: 0.7f, predicted: 0, Bucket.Hard, weight: 0.375f, version: 3, "web", quarantined: true),
            Row("g", 70, label: 1, noise: 0.0625f, suggested: 0, p: 0f, predicted: 1, Bucket.Easy, weight: 1.5f, version: 3, "web"),
            Row("h", 5, label: 0, noise: 0.99f, suggested: 2, p: 0.95f, predicted: 2, Bucket.Medium, weight: 1f, version: 0, "web", warming: true),
        ], CancellationToken.None);
        await store.CountDeadLettersAsync(
        [
            new DeadLetteredRecord("sink", RejectReasons.Unparsable, 0, 3),
            new DeadLetteredRecord("sink", RejectReasons.Unparsable, 1, 3),
            new DeadLetteredRecord("sink", RejectReasons.Incomplete, 1, 4),
            new DeadLetteredRecord("ingest", "label_out_of_range", 1, 5),
        ], CancellationToken.None);
        return database;
    }

    private static ScoredSample Row(
        string id, long offset, int label, float noise, int suggested, float p, int predicted, Bucket bucket, float weight, long version,
        string source, bool quarantined = false, bool warming = false)
    {
        var scored = Samples.Labelled(id, label, noise, suggested, p, warming, originOffset: offset);
        scored.Scores.PredictedLabel = predicted;
        scored.Scores.Difficulty = noise; // any value; the gallery shows it
        scored.Scores.Influence = weight - 1;
        scored.Bucket = bucket;
        scored.Weight = weight;
        scored.ModelVersion = version;
        scored.Canonical.Sample.Source = source;
        scored.Quarantined = quarantined;
        return scored;
    }
}
