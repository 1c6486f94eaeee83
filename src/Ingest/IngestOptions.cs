using System.ComponentModel.DataAnnotations;
using EasyHard.Core.Configuration;

namespace EasyHard.Ingest;

/// <summary>The Ingest role (section <c>Ingest</c>): consumer group and micro-batching.</summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    [Required(AllowEmptyStrings = false)] public string GroupId { get; set; } = "easyhard-ingest";

    [Required] public BatchingOptions Batching { get; set; } = new();
}
