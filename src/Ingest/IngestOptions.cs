using System.ComponentModel.DataAnnotations;
using EasyHard.Core.Configuration;

namespace EasyHard.Ingest;

/// <summary>The Ingest role (section <c>Ingest</c>): consumer group and micro-batching.</summary>
public sealed class IngestOptions : IValidatableObject
{
    public const string SectionName = "Ingest";

    [Required(AllowEmptyStrings = false)] public string GroupId { get; set; } = "easyhard-ingest";

    [Required] public BatchingOptions Batching { get; set; } = new();

    /// <summary>DataAnnotations do not descend into nested objects; this does, naming the full key on failure.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Batching is null)
        {
            yield break;
        }

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(Batching, new ValidationContext(Batching), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var members = result.MemberNames.Select(m => $"{nameof(Batching)}:{m}").ToArray();
            yield return new ValidationResult($"{SectionName}:{string.Join(", ", members)}: {result.ErrorMessage}", members);
        }
    }
}
