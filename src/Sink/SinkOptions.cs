using System.ComponentModel.DataAnnotations;
using EasyHard.Core.Configuration;
using EasyHard.Sink.Persistence;
using EasyHard.Sink.Reporting;
using EasyHard.Sink.TrainerStream;

namespace EasyHard.Sink;

/// <summary>Configuration of the Sink role (section <c>Sink</c>): SQL store, trainer stream and what the report keeps.</summary>
public sealed class SinkOptions
{
    public const string SectionName = "Sink";

    /// <summary>Kafka consumer group of the Sink.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Sink:GroupId is required.")]
    public string GroupId { get; set; } = "easyhard-sink";

    /// <summary>Micro-batching of <c>easyhard.scored</c>; one batch is one SQL write.</summary>
    [Required(ErrorMessage = "Sink:Batching is required.")]
    public BatchingOptions Batching { get; set; } = new();

    /// <summary>Where rows go (section <c>Sink:Database</c>).</summary>
    [Required(ErrorMessage = "Sink:Database is required.")]
    public DatabaseOptions Database { get; set; } = new();

    /// <summary>How the trainer stream is written (section <c>Sink:TrainerStream</c>).</summary>
    [Required(ErrorMessage = "Sink:TrainerStream is required.")]
    public TrainerStreamOptions TrainerStream { get; set; } = new();

    /// <summary>What is kept for the report's gallery (section <c>Sink:Report</c>).</summary>
    [Required(ErrorMessage = "Sink:Report is required.")]
    public ReportOptions Report { get; set; } = new();
}
