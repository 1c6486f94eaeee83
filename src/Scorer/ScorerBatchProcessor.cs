using EasyHard.Contracts.V1;
using EasyHard.Core.Configuration;
using EasyHard.Core.Kafka;
using EasyHard.Scorer.Scoring;
using EasyHard.Scorer.Sync;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyHard.Scorer;

/// <summary>
/// The scorer as the Kafka shell runs it: <see cref="ScorerDecoder"/> reads each <see cref="CanonicalSample"/> record,
/// the shell's <see cref="DecodingStage{TInput}"/> dead-letters the ones that cannot be scored, and
/// <see cref="ScorerCore"/> scores the rest as one prequential batch; all outputs in input order.
/// </summary>
public sealed class ScorerBatchProcessor(ScoringEngine engine, IOptions<TopicOptions> topics, ILogger<ScorerBatchProcessor> logger, ModelSync? sync = null)
    : DecodingStage<CanonicalSample>(new ScorerDecoder(engine), new ScorerCore(engine, topics.Value, sync), topics.Value.DeadLetter, LogLevel.Warning, logger);
