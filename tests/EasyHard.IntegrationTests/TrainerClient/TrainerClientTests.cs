using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using EasyHard.IntegrationTests.Infrastructure;
using EasyHard.IntegrationTests.TwoProcesses;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace EasyHard.IntegrationTests.TrainerClient;

/// <summary>
/// The Python client (clients/python) against <c>easyhard kafka</c> + <c>easyhard run --role all</c> in their own
/// processes, as a trainer uses them: JSON and protobuf producers, a WeightedStream over the weighted and quarantine
/// topics, a restart that resumes from the last commit, and a FeedbackProducer whose losses the scorer applies.
/// </summary>
public sealed class TrainerClientTests(ITestOutputHelper output)
{
    private sealed record StreamRow(string Id, double Weight, double Noise, double Difficulty, double Influence, string Bucket, long ModelVersion,
        bool Quarantined, double Feature0, long? SuggestedLabel, double? SuggestedLabelP);

    [Fact]
    public async Task WeightedStream_EveryValidIdOnce_ScoresEqualSql_ResumesFromCommit_AndFeedbackReachesTheScorer()
    {
        using var setup = await EmbeddedKafkaProcess.StartAsync();
        try
        {
            setup.StartRun();
            var json = await setup.ProduceAsync(0, 200, "--invalid-every", "10");
            var protobuf = await setup.ProduceAsync(200, 200, "--format", "protobuf", "--invalid-every", "10");
            var valid = Ids(json).Concat(Ids(protobuf)).ToHashSet();
            Assert.Equal(360, valid.Count);

            // Every valid id exactly once over the weighted and quarantine topics; the dead-lettered ones never.
            var (all, _) = await StreamAsync(setup, "trainer-all", "--include-quarantine", "--expect", "360");
            Assert.Equal(360, all.Count);
            Assert.True(valid.SetEquals(all.Select(r => r.Id)), "the ids read are the valid ids");
            // Both encodings decoded to the features the producer wrote.
            Assert.All(all, r => Assert.Equal((float)(Index(r.Id) * 7 % 13 / 13.0), (float)r.Feature0));

            // Weights and scores equal the sink's rows.
            await using var connection = new SqliteConnection($"Data Source={setup.DatabasePath}");
            await Eventually.WaitUntilAsync(async () => await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample_scores") >= 360,
                TimeSpan.FromSeconds(60), () => "the sink wrote every row");
            var rows = (await connection.QueryAsync<(string Id, double Weight, double Noise, double Difficulty, double Influence, string Bucket, long ModelVersion, long Quarantined, long? SuggestedLabel, double? SuggestedLabelP)>(
                "SELECT sample_id, weight, noise, difficulty, influence, bucket, model_version, quarantined, suggested_label, suggested_label_p FROM sample_scores")).ToDictionary(r => r.Id);
            Assert.Equal(360, rows.Count);
            foreach (var r in all)
            {
                var row = rows[r.Id];
                Assert.Equal((float)row.Weight, (float)r.Weight);
                Assert.Equal((float)row.Noise, (float)r.Noise);
                Assert.Equal((float)row.Difficulty, (float)r.Difficulty);
                Assert.Equal((float)row.Influence, (float)r.Influence);
                Assert.Equal(row.Bucket, r.Bucket);
                Assert.Equal(row.ModelVersion, r.ModelVersion);
                Assert.Equal(row.Quarantined == 1, r.Quarantined);
                Assert.Equal(row.SuggestedLabel, r.SuggestedLabel);
                Assert.Equal((float?)row.SuggestedLabelP, (float?)r.SuggestedLabelP);
            }

            Assert.All(all, r => Assert.NotNull(r.SuggestedLabel));

            // A trainer that committed after 150 records and stopped at 250 resumes after its commit: nothing lost,
            // the uncommitted records read again (at-least-once), the committed ones never.
            var (before, committed) = await StreamAsync(setup, "trainer-resume", "--include-quarantine", "--expect", "250", "--commit-at", "150");
            Assert.InRange(committed, 150, 249);
            var (after, _) = await StreamAsync(setup, "trainer-resume", "--include-quarantine", "--idle", "8");
            Assert.Equal(360 - committed, after.Count);
            Assert.True(valid.SetEquals(before.Take(committed).Concat(after).Select(r => r.Id)), "committed + resumed = every valid id");
            Assert.Empty(before.Take(committed).Select(r => r.Id).Intersect(after.Select(r => r.Id)));

            // Feedback: the scorer applies every record, and uses the losses when it scores those ids again.
            var sent = await KafkaClientScript.RunAsync("feedback", "--bootstrap", setup.BootstrapServers, "--first", "0", "--count", "200", "--loss", "0.5");
            Assert.Equal(200, sent.GetProperty("sent").GetInt32());
            await Eventually.WaitUntilAsync(async () => Metric(await setup.GetAsync("/metrics"), "easyhard_scorer_feedback_records_total{result=\"applied\"}") >= 200,
                TimeSpan.FromSeconds(60), () => "the scorer applied 200 feedback records");
            await setup.ProduceAsync(0, 200, "--invalid-every", "10");
            await Eventually.WaitUntilAsync(async () => Metric(await setup.GetAsync("/metrics"), "easyhard_scorer_feedback_losses_used_total") >= 180,
                TimeSpan.FromSeconds(60), () => "the scorer used the trainer's losses for the 180 valid ids scored again");
            Assert.Equal(0, Metric(await setup.GetAsync("/metrics"), "easyhard_scorer_feedback_records_total{result=\"rejected\"}"));
        }
        finally
        {
            output.WriteLine(setup.RunOutput);
        }
    }

    private static IEnumerable<string> Ids(JsonElement produced) => produced.GetProperty("valid").EnumerateArray().Select(e => e.GetString()!);

    private static int Index(string id) => int.Parse(id.AsSpan(2), CultureInfo.InvariantCulture);

    private static async Task<(List<StreamRow> Rows, int Committed)> StreamAsync(EmbeddedKafkaProcess setup, string group, params string[] extra)
    {
        var result = await KafkaClientScript.RunAsync(["stream", "--bootstrap", setup.BootstrapServers, "--group", group, .. extra]);
        var rows = result.GetProperty("records").EnumerateArray().Select(r => new StreamRow(r[0].GetString()!, r[1].GetDouble(), r[2].GetDouble(),
            r[3].GetDouble(), r[4].GetDouble(), r[5].GetString()!, r[6].GetInt64(), r[7].GetBoolean(), r[8].GetDouble(),
            r[9].ValueKind == JsonValueKind.Null ? null : r[9].GetInt32(), r[10].ValueKind == JsonValueKind.Null ? null : r[10].GetDouble())).ToList();
        return (rows, result.GetProperty("committed").GetInt32());
    }

    /// <summary>The value of one series in Prometheus text format; 0 when absent.</summary>
    private static double Metric(string metrics, string series)
    {
        var match = Regex.Match(metrics, "^" + Regex.Escape(series) + @" ([0-9.eE+-]+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}
