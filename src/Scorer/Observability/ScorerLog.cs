using Microsoft.Extensions.Logging;

namespace EasyHard.Scorer;

/// <summary>Source-generated log messages of the scorer.</summary>
internal static partial class ScorerLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "Scorer proxy on {Device}: {EnsembleSize} heads on {HeadThreads} threads ({TorchThreads} libtorch threads each on the CPU), hidden {HiddenSizes}, {Optimizer} lr {LearningRate}, dimension {Dimension}, classes {Classes}")]
    public static partial void ProxyStarted(ILogger logger, string device, int ensembleSize, int headThreads, int torchThreads, string hiddenSizes, string optimizer, double learningRate, int dimension, int classes);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Restored scorer checkpoint {Path} at model version {ModelVersion}")]
    public static partial void CheckpointRestored(ILogger logger, string path, long modelVersion);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information,
        Message = "Scorer checkpoint {Path} is format {Format}: its heads were fused into format {FusedFormat}'s layout; optimizer state carried over: {OptimizerStateCarried} (when false the optimizer starts afresh from the restored weights)")]
    public static partial void CheckpointUpgraded(ILogger logger, string path, int format, int fusedFormat, bool optimizerStateCarried);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Saved scorer checkpoint {Path} at model version {ModelVersion}")]
    public static partial void CheckpointSaved(ILogger logger, string path, long modelVersion);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Reading {Topic} into the scorer's memory as consumer group {GroupId}")]
    public static partial void SideTopicReading(ILogger logger, string topic, string groupId);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Error reading {Topic}, retrying: {Reason}")]
    public static partial void SideTopicError(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information,
        Message = "Reading the offsets of trainer groups {Groups} on {Topics}: while the slowest has records waiting, a full batch keeps the scorer's full quality")]
    public static partial void TrainerPaceWatching(ILogger logger, string groups, string topics);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Could not read the trainer groups' offsets, shedding work under load until they are read: {Reason}")]
    public static partial void TrainerPaceUnknown(ILogger logger, string reason);
}
