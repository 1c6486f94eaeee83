using System.CommandLine;
using System.Diagnostics;
using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Core.Embedded;
using EasyHard.Core.Hosting;
using EasyHard.Core.Kafka;
using EasyHard.Core.Observability;
using EasyHard.Evaluation.Datasets;
using EasyHard.Host.Composition;
using EasyHard.Host.Demo;
using EasyHard.Host.Producing;
using EasyHard.Ingest;
using EasyHard.Sink.Persistence;
using EasyHard.Sink.Reporting;
using EasyHard.Sink;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EasyHard.Host.Commands;

/// <summary>
/// <c>easyhard demo</c>: embedded Kafka, all three roles and a producer on Fashion-MNIST with injected label noise;
/// live progress, then a summary measured against the injected truth.
/// </summary>
public static class DemoCommand
{
    private const int MaxBacklog = 4096;

    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist (synthetic when not installed) | synthetic", DefaultValueFactory = _ => "fashion-mnist" };
        var count = new Option<int>("--count") { Description = "Valid samples to stream", DefaultValueFactory = _ => 60_000 };
        var noise = GeneratorOptions.Noise();
        var seed = GeneratorOptions.Seed();
        var format = GeneratorOptions.Format();
        var malformed = new Option<double>("--malformed") { Description = "Share of malformed records mixed in", DefaultValueFactory = _ => 0.01 };
        var rate = GeneratorOptions.Rate();
        var dataDir = new Option<DirectoryInfo>("--data-dir") { Description = "Where the SQLite file and scorer checkpoint go", DefaultValueFactory = _ => new DirectoryInfo("data/demo") };
        var command = new Command("demo", "Run the whole pipeline on embedded Kafka + SQLite with a noisy dataset and print what it found.")
        {
            dataset, count, noise, seed, format, malformed, rate, dataDir,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var overrides = CommandOverrides.From(parse);
            var clock = Stopwatch.StartNew();
            var noiseSpec = NoiseSpec.Parse(parse.GetValue(noise)!);
            var stream = GeneratedStream.Create(parse.GetValue(dataset)!, parse.GetValue(count), noiseSpec, parse.GetValue(seed), fallBackToSynthetic: true);
            Console.WriteLine($"Streaming {stream.Samples.Count:N0} samples of {stream.DatasetName} (dimension {stream.Dimension}) with {noiseSpec} label noise.");

            var directory = parse.GetValue(dataDir)!;
            directory.Create();
            var databasePath = Path.Combine(directory.FullName, "easyhard.db");
            var checkpointPath = Path.Combine(directory.FullName, "scorer.ckpt");
            foreach (var stale in new[] { databasePath, databasePath + "-wal", databasePath + "-shm", checkpointPath })
            {
                File.Delete(stale);
            }

            string[] config =
            [
                "--Kafka:BootstrapServers=embedded",
                $"--Schema:Dimension={stream.Dimension}",
                $"--Schema:Classes={stream.Classes}",
                $"--Schema:ImageShape={stream.ImageShape}",
                "--Sink:Database:Provider=sqlite",
                $"--Sink:Database:ConnectionString=Data Source={databasePath}",
                $"--Scorer:CheckpointPath={checkpointPath}",
                "--Logging:LogLevel:Default=Warning",
                .. stream.ClassNames.Select((name, i) => $"--Schema:ClassNames:{i}={name}"),
                .. overrides,
            ];
            await using var app = EasyHardApp.Build(Roles.All, config);
            await app.StartAsync(ct);
            var bootstrap = app.Services.GetRequiredService<KafkaConnection>().BootstrapServers;
            Console.WriteLine($"Embedded Kafka at {bootstrap}; metrics on {string.Join(", ", app.Urls)}/metrics");
            Console.WriteLine(EmbeddedKafkaCluster.RetentionNotice(app.Services.Topics().Partitions));

            var generator = new LoadGenerator(bootstrap, app.Services.Topics().Input);
            // The truth travels as attributes the scorer never reads, for the summary and the noisy-vs-clean weight panel.
            var encoder = new SampleEncoder(SampleEncoder.ParseFormat(parse.GetValue(format)!), includeTruth: true);
            long produced = 0;
            var topics = app.Services.Topics();
            var sink = PipelineMetrics.For("sink");

            // The embedded mock cluster keeps at most 5 MB per partition (a hard-coded librdkafka limit), so a
            // producer far ahead of the scorer would have its oldest records deleted before they are read.
            // Like a real producer honouring a lag budget, the demo keeps at most MaxBacklog samples in flight.
            async Task KeepBacklogBounded(long sentValid, CancellationToken token)
            {
                while (sentValid - sink.Committed.Value > MaxBacklog)
                {
                    await Task.Delay(20, token);
                }
            }

            var producing = Task.Run(() => generator.RunAsync(stream.Samples, encoder, parse.GetValue(malformed), parse.GetValue(seed),
                parse.GetValue(rate), stream.Dimension, stream.Classes, sent => Interlocked.Exchange(ref produced, sent), ct, KeepBacklogBounded), ct);

            double DeadLettered() => RejectReasons.Ingest.Sum(r => IngestMetrics.DeadLetteredFor(r).Value);
            double Emitted() => sink.Produced(topics.Weighted).Value + sink.Produced(topics.Quarantine).Value;
            var scorer = PipelineMetrics.For("scorer");
            var progress = Stopwatch.StartNew();
            double lastDone = 0;
            var ingest = PipelineMetrics.For("ingest");
            var ledger = PipelineMetrics.For(RoleRegistrationExtensions.DeadLetterLedgerRole);
            var countsDeadLetters = app.Services.GetRequiredService<IOptions<SinkOptions>>().Value.Report.CountDeadLetters;
            // Drained when every stage has committed all that the stage before it produced, less what retention deleted.
            bool Drained() => producing.IsCompletedSuccessfully
                && ingest.Committed.Value + ingest.LostToRetentionTotal >= producing.Result.Valid + producing.Result.Malformed
                && scorer.Committed.Value + scorer.LostToRetentionTotal >= ingest.Produced(topics.Samples).Value
                && sink.Committed.Value + sink.LostToRetentionTotal >= scorer.Produced(topics.Scored).Value
                && (!countsDeadLetters || ledger.Committed.Value + ledger.LostToRetentionTotal
                    >= ingest.Produced(topics.DeadLetter).Value + scorer.Produced(topics.DeadLetter).Value + sink.Produced(topics.DeadLetter).Value);
            while (!Drained())
            {
                if (producing.IsFaulted)
                {
                    await producing;
                }

                if (progress.Elapsed > TimeSpan.FromMinutes(15))
                {
                    Console.Error.WriteLine("The pipeline did not finish within 15 minutes; see the log above.");
                    return 1;
                }

                await Task.Delay(1000, ct);
                var done = sink.Committed.Value;
                Console.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1}s] produced {Interlocked.Read(ref produced),8:N0} | ingested {ingest.Committed.Value,8:N0} | scored {scorer.Committed.Value,8:N0} | stored {done,8:N0} | {done - lastDone,6:N0} samples/s | lag {Interlocked.Read(ref produced) - done,7:N0} | dead-lettered {DeadLettered(),5:N0} | quarantined {SinkMetrics.Quarantined.Value,6:N0}");
                lastDone = done;
            }

            var report = await producing;
            await app.StopAsync(CancellationToken.None);

            var evaluation = await DemoSummary.EvaluateAsync(databasePath, stream.Samples);
            var summary = new DemoSummary(
                report.Valid, report.Malformed, (long)scorer.Committed.Value,
                (long)Emitted(), (long)DeadLettered(), (long)SinkMetrics.Quarantined.Value,
                (long)(ingest.LostToRetentionTotal + scorer.LostToRetentionTotal + sink.LostToRetentionTotal), evaluation.SqlRows,
                evaluation.Auroc, evaluation.Rows, evaluation.NoisyWeight, evaluation.CleanWeight, evaluation.MeanNoise,
                stream.Samples.Count(s => s.IsNoisy) / (double)stream.Samples.Count, evaluation.CalibrationError, databasePath, clock.Elapsed);
            summary.Print(Console.Out);
            var reportPath = await SampleReport.WriteAsync(
                new DatabaseOptions { Provider = DatabaseProviders.Sqlite, ConnectionString = $"Data Source={databasePath}" },
                ReportSchema.From(app.Services.GetRequiredService<IOptions<SampleSchemaOptions>>().Value),
                SampleReport.DefaultTop, Path.Combine(directory.FullName, "report"), TimeProvider.System, ct);
            Console.WriteLine($"  report               {reportPath}");
            return 0;
        });
        return command;
    }
}
