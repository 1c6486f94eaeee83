using EasyHard.Contracts.V1;
using EasyHard.Core.Configuration;
using EasyHard.Core.Kafka;
using EasyHard.Scorer.Load;
using EasyHard.Scorer.Scoring;
using EasyHard.Scorer.State;
using EasyHard.Scorer.Sync;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyHard.Scorer;

/// <summary>
/// The scorer as the Kafka shell runs it: <see cref="ScorerDecoder"/> reads each <see cref="CanonicalSample"/> record,
/// the shell's <see cref="DecodingStage{TInput}"/> dead-letters the ones that cannot be scored, and
/// <see cref="ScorerCore"/> scores the rest as one prequential batch; all outputs in input order.
/// </summary>
/// <param name="sync">Model averaging with the other scorer instances; null: none.</param>
/// <param name="changelog">The per-id history's changelog; null: the history stays in this instance.</param>
/// <param name="pace">Whether the trainers set the pace; null: a batch consumed full always sheds work.</param>
public sealed class ScorerBatchProcessor(ScoringEngine engine, IOptions<TopicOptions> topics, ILogger<ScorerBatchProcessor> logger, ModelSync? sync = null,
    HistoryChangelog? changelog = null, TrainerPace? pace = null)
    : DecodingStage<CanonicalSample>(new ScorerDecoder(engine), new ScorerCore(engine, topics.Value, sync, changelog, pace), topics.Value.DeadLetter, LogLevel.Warning, logger);
