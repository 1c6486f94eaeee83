using System.CommandLine;
using Microsoft.Extensions.Configuration;
using System.Globalization;
using EasyHard.Core.Configuration;
using EasyHard.Evaluation.Datasets;
using EasyHard.Host.Producing;

namespace EasyHard.Host.Commands;

/// <summary><c>easyhard produce</c>: the load generator (Fashion-MNIST or synthetic samples with injected label noise).</summary>
public static class ProduceCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist | synthetic", DefaultValueFactory = _ => "fashion-mnist" };
        var count = new Option<int>("--count") { Description = "Number of valid samples", DefaultValueFactory = _ => 10_000 };
        var noise = GeneratorOptions.Noise();
        var seed = GeneratorOptions.Seed();
        var format = GeneratorOptions.Format();
        var rate = GeneratorOptions.Rate();
        var malformed = new Option<double>("--malformed") { Description = "Share of malformed records mixed in", DefaultValueFactory = _ => 0 };
        var bootstrap = new Option<string>("--bootstrap") { Description = "Kafka bootstrap servers (see `easyhard kafka`)", Required = true };
        var topic = new Option<string>("--topic") { DefaultValueFactory = _ => new TopicOptions().Input };
        var truth = new Option<FileInfo?>("--truth") { Description = "Write id,given_label,true_label,is_noisy as CSV here" };
        var maxBacklog = new Option<long>("--max-backlog")
        {
            Description = "On librdkafka's mock cluster (easyhard kafka): most records written and not yet read by ingest; -1 = what its retention holds, 0 = no limit",
            DefaultValueFactory = _ => -1,
        };
        var ingestGroup = new Option<string>("--ingest-group") { Description = "Ingest's consumer group (for --max-backlog)", DefaultValueFactory = _ => "easyhard-ingest" };
        var command = new Command("produce", "Produce training samples with injected label noise to Kafka.")
        {
            dataset, count, noise, seed, format, rate, malformed, bootstrap, topic, truth, maxBacklog, ingestGroup,
        };
        command.SetAction(async (parse, ct) =>
        {
            var stream = GeneratedStream.Create(parse.GetValue(dataset)!, parse.GetValue(count), NoiseSpec.Parse(parse.GetValue(noise)!),
                parse.GetValue(seed), fallBackToSynthetic: false);
            var encoder = new SampleEncoder(SampleEncoder.ParseFormat(parse.GetValue(format)!));
            if (parse.GetValue(truth) is { } truthFile)
            {
                await File.WriteAllLinesAsync(truthFile.FullName,
                    ["id,given_label,true_label,is_noisy", .. stream.Samples.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Id},{s.Label},{s.TrueLabel},{(s.IsNoisy ? 1 : 0)}"))], ct);
            }

            // Security settings come from the environment (Kafka__Common__*), as for the roles; never from arguments.
            var common = new ConfigurationBuilder().AddEnvironmentVariables().AddEnvironmentVariables("EASYHARD_").Build()
                .GetSection("Kafka:Common").Get<Dictionary<string, string>>();
            var generator = new LoadGenerator(parse.GetValue(bootstrap)!, parse.GetValue(topic)!, common);
            using var throttle = stream.Samples.Count == 0 ? null : RetentionThrottle.Create(parse.GetValue(bootstrap)!, common, parse.GetValue(topic)!,
                new TopicOptions().OffsetJournal, parse.GetValue(ingestGroup)!, parse.GetValue(maxBacklog),
                encoder.Encode(stream.Samples[0]).Payload.Length, Console.Error);
            var report = await generator.RunAsync(stream.Samples, encoder, parse.GetValue(malformed), parse.GetValue(seed), parse.GetValue(rate),
                stream.Dimension, stream.Classes, sent => Console.Error.Write($"\rproduced {sent}"), ct, throttle is null ? null : throttle.WaitAsync);
            Console.Error.WriteLine();
            Console.WriteLine($"produced {report.Valid} samples ({stream.DatasetName}, dimension {stream.Dimension}) and {report.Malformed} malformed records in {report.Elapsed.TotalSeconds:F1}s; {report.Failed} failed deliveries");
            return report.Failed == 0 ? 0 : 1;
        });
        return command;
    }
}
