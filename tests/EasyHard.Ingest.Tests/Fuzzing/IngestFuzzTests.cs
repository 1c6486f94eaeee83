using System.Globalization;
using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;
using EasyHard.Core.Kafka;
using EasyHard.Ingest.Parsing;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace EasyHard.Ingest.Tests.Fuzzing;

/// <summary>
/// Seeded fuzzing of the parser and the batch processor with mutated records. The seed and the iteration count come
/// from <c>EASYHARD_FUZZ_SEED</c> and <c>EASYHARD_FUZZ_ITERATIONS</c> when set (a longer run:
/// <c>EASYHARD_FUZZ_ITERATIONS=1000000</c>), else fixed defaults, so CI is reproducible; every failure names the
/// seed, the iteration and the input.
/// </summary>
[Collection(IngestMetricsCollection.Name)]
public sealed class IngestFuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20_260_131;
    private const int DefaultIterations = 20_000;
    private const int BatchSize = 64;

    private static readonly TopicOptions Topics = new() { Samples = "samples-fuzz", DeadLetter = "dlq-fuzz" };

    private static readonly SampleSchemaOptions Schema = TestSamples.Schema;

    private static readonly HashSet<string> InputReasons = [.. RejectReasons.Ingest.Except([RejectReasons.ParserError])];

    [Fact]
    public void Seeds_AreAllAccepted()
    {
        var parser = new SampleParser(Schema);
        Assert.All(RecordMutator.ValidSeeds, seed => Assert.True(parser.Parse(seed, null, [], TestSamples.Origin).IsAccepted));
    }

    [Fact]
    public void Parse_MutatedRecords_AreValidSamplesOrRejectedWithAKnownReason()
    {
        var (seed, iterations) = Settings();
        var mutator = new RecordMutator(seed);
        var parser = new SampleParser(Schema);
        int accepted = 0, rejected = 0;
        for (var i = 0; i < iterations; i++)
        {
            var input = mutator.Next();
            var origin = new Origin { Topic = "fuzz", Partition = 1, Offset = i };
            SampleParseResult result;
            try
            {
                result = parser.Parse(input.Value, input.ContentType, input.Key, origin);
            }
            catch (Exception e)
            {
                throw Failure(seed, i, input, $"Parse threw {e}");
            }

            var problem = result.IsAccepted ? CheckAccepted(result.Sample, input, origin) : CheckRejected(result.Rejection);
            if (problem is not null)
            {
                throw Failure(seed, i, input, $"{problem} ({result})");
            }

            _ = result.IsAccepted ? accepted++ : rejected++;
        }

        output.WriteLine($"seed {seed}: {iterations} records, {accepted} accepted, {rejected} rejected");
        Assert.Equal(iterations, accepted + rejected);
        // A fuzzer that never gets past the first check, or never breaks anything, tests nothing.
        Assert.InRange(accepted, iterations / 100, iterations - (iterations / 10));
    }

    [Fact]
    public async Task ProcessAsync_MutatedBatches_RouteEveryRecordOnceInOrder()
    {
        var (seed, iterations) = Settings();
        var mutator = new RecordMutator(seed ^ 0x5EED);
        var processor = new IngestBatchProcessor(new SampleParser(Schema), Options.Create(Topics), NullLogger<IngestBatchProcessor>.Instance);
        var parser = new SampleParser(Schema);
        long offset = 0;
        int accepted = 0, deadLettered = 0, total = 0;
        for (var b = 0; b < Math.Max(1, iterations / BatchSize / 2); b++)
        {
            var inputs = Enumerable.Range(0, BatchSize).Select(_ => mutator.Next()).ToArray();
            var batch = inputs.Select(input => TestSamples.Record(input.Value, input.ContentType, input.Key, offset++)).ToArray();
            IReadOnlyList<OutgoingMessage> outputs;
            try
            {
                outputs = await processor.ProcessAsync(batch, CancellationToken.None);
            }
            catch (Exception e)
            {
                throw Failure(seed, b, inputs[0], $"ProcessAsync threw on batch {b}: {e}");
            }

            if (outputs.Count != batch.Length)
            {
                throw Failure(seed, b, inputs[0], $"{batch.Length} records in, {outputs.Count} out");
            }

            for (var i = 0; i < batch.Length; i++)
            {
                var record = batch[i];
                var expected = parser.Parse(record.Message.Value, inputs[i].ContentType, record.Message.Key, OriginOf(record));
                var problem = CheckRouted(outputs[i], record, expected);
                if (problem is not null)
                {
                    throw Failure(seed, (b * BatchSize) + i, inputs[i], problem);
                }

                _ = outputs[i].Topic == Topics.Samples ? accepted++ : deadLettered++;
                total++;
            }
        }

        output.WriteLine($"seed {seed}: {total} records in, {accepted} accepted, {deadLettered} dead-lettered");
        Assert.Equal(total, accepted + deadLettered);
        Assert.True(accepted > 0 && deadLettered > 0, $"{accepted} accepted, {deadLettered} dead-lettered");
    }

    /// <summary>Re-validates an accepted sample from scratch, without the parser's code.</summary>
    private static string? CheckAccepted(CanonicalSample canonical, FuzzInput input, Origin origin)
    {
        var sample = canonical.Sample;
        var derivedId = SampleParser.OriginId(origin);
        if (sample.Id.Length == 0)
        {
            return "accepted with an empty id";
        }

        if (sample.Id != derivedId
            && (Encoding.UTF8.GetByteCount(sample.Id) > Schema.MaxIdLength || SampleLimits.IndexOfForbiddenChar(sample.Id) >= 0 || sample.Id.Trim().Length == 0))
        {
            return $"accepted with an invalid id '{sample.Id}'";
        }

        if (sample.Features.Count != Schema.Dimension || sample.Features.Any(f => !float.IsFinite(f)))
        {
            return $"accepted with features [{string.Join(", ", sample.Features)}]";
        }

        if (sample.Label < 0 || sample.Label >= Schema.Classes)
        {
            return $"accepted with label {sample.Label}";
        }

        if (sample.HasHumanDifficulty && !double.IsFinite(sample.HumanDifficulty))
        {
            return $"accepted with human_difficulty {sample.HumanDifficulty}";
        }

        if (Encoding.UTF8.GetByteCount(sample.Source) > SampleLimits.MaxSourceBytes || SampleLimits.IndexOfForbiddenChar(sample.Source) >= 0
            || sample.Attributes.Count > SampleLimits.MaxAttributes)
        {
            return "accepted with an invalid source or too many attributes";
        }

        if (!canonical.OriginalPayload.Span.SequenceEqual(input.Value) || !canonical.Origin.Equals(origin)
            || canonical.ContentType is not (ContentTypes.Json or ContentTypes.Protobuf))
        {
            return "canonical sample does not carry the original bytes, origin and a known content type";
        }

        return CanonicalSample.Parser.ParseFrom(canonical.ToByteArray()).Equals(canonical) ? null : "canonical sample does not round-trip";
    }

    private static string? CheckRejected(Rejection rejection) =>
        !InputReasons.Contains(rejection.Reason) ? $"unknown reason code '{rejection.Reason}'"
        : string.IsNullOrWhiteSpace(rejection.Message) || rejection.Message.Length > 512 ? "empty or unbounded message"
        : null;

    private static string? CheckRouted(OutgoingMessage message, ConsumeResult<byte[], byte[]> record, SampleParseResult expected)
    {
        if (expected.IsAccepted)
        {
            if (message.Topic != Topics.Samples)
            {
                return $"the parser accepts it but the processor sent it to {message.Topic}";
            }

            var canonical = CanonicalSample.Parser.ParseFrom(message.Value);
            return canonical.Equals(expected.Sample) && message.Key!.SequenceEqual(Encoding.UTF8.GetBytes(canonical.Sample.Id))
                ? null
                : "the canonical sample differs from the parser's, or is not keyed by its id";
        }

        if (message.Topic != Topics.DeadLetter)
        {
            return $"the parser rejects it ({expected.Rejection}) but the processor sent it to {message.Topic}";
        }

        string Header(string name) => Encoding.UTF8.GetString(message.Headers!.GetLastBytes(name));
        return !message.Value.AsSpan().SequenceEqual(record.Message.Value ?? []) ? "the dead letter does not carry the original bytes"
            : Header(HeaderNames.ErrorReason) != expected.Rejection.Reason ? $"dead-lettered as {Header(HeaderNames.ErrorReason)}, parser says {expected.Rejection.Reason}"
            : Header(HeaderNames.Error) != expected.Rejection.Message ? "the easyhard-error header is not the parser's message"
            : Header(HeaderNames.SourceOffset) != record.Offset.Value.ToString(CultureInfo.InvariantCulture) ? "wrong source offset header"
            : Header(HeaderNames.SourceTopic) != record.Topic || Header(HeaderNames.SourcePartition) != "2" ? "wrong source topic or partition header"
            : null;
    }

    private static Origin OriginOf(ConsumeResult<byte[], byte[]> record) => new()
    {
        Topic = record.Topic,
        Partition = record.Partition.Value,
        Offset = record.Offset.Value,
        TimestampUnixMs = record.Message.Timestamp.UnixTimestampMs,
    };

    private (int Seed, int Iterations) Settings()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("EASYHARD_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("EASYHARD_FUZZ_ITERATIONS"), CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : DefaultIterations;
        output.WriteLine($"EASYHARD_FUZZ_SEED={seed} EASYHARD_FUZZ_ITERATIONS={iterations}");
        return (seed, iterations);
    }

    private static Exception Failure(int seed, int iteration, FuzzInput input, string problem)
    {
        var value = Convert.ToBase64String(input.Value.AsSpan(0, Math.Min(input.Value.Length, 1024)));
        var key = input.Key is null ? "null" : Convert.ToBase64String(input.Key);
        return new Xunit.Sdk.XunitException(
            $"Fuzz failure with EASYHARD_FUZZ_SEED={seed} at iteration {iteration}: {problem}\n"
            + $"content-type: {input.ContentType ?? "(none)"}; key (base64): {key}; value ({input.Value.Length} bytes, base64): {value}");
    }
}
