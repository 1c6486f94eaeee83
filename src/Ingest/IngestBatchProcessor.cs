using EasyHard.Contracts.V1;
using EasyHard.Core.Configuration;
using EasyHard.Core.Kafka;
using EasyHard.Ingest.Parsing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyHard.Ingest;

/// <summary>
/// Ingest as the Kafka shell runs it: <see cref="IngestDecoder"/> parses and validates each producer record, the
/// shell's <see cref="DecodingStage{TInput}"/> dead-letters the invalid ones with the original bytes, and
/// <see cref="IngestCore"/> forwards the valid ones as canonical samples: one output per input record, in input order.
/// Never throws for bad input.
/// </summary>
public sealed class IngestBatchProcessor : DecodingStage<CanonicalSample>
{
    public IngestBatchProcessor(SampleParser parser, IOptions<TopicOptions> topics, ILogger<IngestBatchProcessor> logger)
        : this((parser ?? throw new ArgumentNullException(nameof(parser))).Parse, topics, logger)
    {
    }

    /// <summary>With another parse function: lets tests prove what happens when parsing throws.</summary>
    internal IngestBatchProcessor(IngestDecoder.ParseRecord parse, IOptions<TopicOptions> topics, ILogger<IngestBatchProcessor> logger)
        : base(new IngestDecoder(parse), new IngestCore((topics ?? throw new ArgumentNullException(nameof(topics))).Value),
            topics.Value.DeadLetter, LogLevel.Debug, logger)
    {
    }
}
