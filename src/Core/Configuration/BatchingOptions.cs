using System.ComponentModel.DataAnnotations;

namespace EasyHard.Core.Configuration;

/// <summary>How a role cuts its input into micro-batches: by size or by the oldest record's wait.</summary>
public sealed class BatchingOptions
{
    [Range(1, 100_000)] public int MaxBatchSize { get; set; } = 512;

    [Range(1, 60_000)] public int MaxBatchDelayMs { get; set; } = 50;
}
