using EasyHard.Contracts.V1;
using EasyHard.Core.Configuration;
using EasyHard.Core.Kafka;
using EasyHard.Sink.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyHard.Sink;

/// <summary>
/// The Sink as the Kafka shell runs it: <see cref="SinkDecoder"/> reads each record of <c>easyhard.scored</c>, the
/// shell's <see cref="DecodingStage{TInput}"/> dead-letters the ones that cannot be stored (which
/// <see cref="DeadLetterLedger"/> counts in SQL), and <see cref="SinkCore"/> upserts the rest and returns their
/// trainer-stream records.
/// </summary>
/// <param name="store">Where rows go.</param>
/// <param name="options">The Sink's options.</param>
/// <param name="topics">Topic names.</param>
/// <param name="logger">Dead letters and SQL failures.</param>
/// <param name="schema">Holds writes back until the schema is migrated; null when the caller migrated it already.</param>
public sealed class SinkBatchProcessor(ISampleStore store, IOptions<SinkOptions> options, IOptions<TopicOptions> topics, ILogger<SinkBatchProcessor> logger,
    SchemaState? schema = null)
    : DecodingStage<ScoredSample>(new SinkDecoder(), new SinkCore(store, options.Value.TrainerStream, topics.Value, logger, schema),
        topics.Value.DeadLetter, LogLevel.Warning, logger);
