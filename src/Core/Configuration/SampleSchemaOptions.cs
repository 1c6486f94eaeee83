using System.ComponentModel.DataAnnotations;

namespace EasyHard.Core.Configuration;

/// <summary>Shape and limits of accepted samples (section <c>Schema</c>).</summary>
public sealed class SampleSchemaOptions : IValidatableObject
{
    public const string SectionName = "Schema";

    /// <summary>Number of features every sample must have.</summary>
    [Range(1, 1_000_000)] public int Dimension { get; set; } = 784;

    /// <summary>Number of classes; labels lie in [0, Classes).</summary>
    [Range(2, 100_000)] public int Classes { get; set; } = 10;

    /// <summary>Display names of the classes, the name of label i at index i (reports); empty: labels show as numbers.</summary>
    public string[] ClassNames { get; set; } = [];

    /// <summary>
    /// The features as an image, <c>HxW</c> or <c>CxHxW</c> (<c>28x28</c>, <c>[1,28,28]</c>), for reports; empty when
    /// the samples are not images. Its size must equal <see cref="Dimension"/>.
    /// </summary>
    public string ImageShape { get; set; } = "";

    /// <summary>Largest accepted record value, in bytes.</summary>
    [Range(64, 64 * 1024 * 1024)] public int MaxRecordBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Longest accepted sample id, in UTF-8 bytes. At most 2048: PostgreSQL's B-tree index (the primary key) rejects
    /// entries above 2704 bytes, and a longer id would fail every retry of the Sink's batch.
    /// </summary>
    [Range(1, 2048)] public int MaxIdLength { get; set; } = 256;

    /// <summary>
    /// What the largest output EasyHard makes from one record adds to its original bytes: the canonical and scored
    /// samples carry the original and the parsed sample beside it (features as float32, the id in the value and the
    /// key, the source), plus origin, scores, headers and record framing (4 KiB). Attributes are not counted: they are
    /// part of the original bytes, so a record made mostly of attributes may still be too large to forward, and is
    /// then dead-lettered as <c>output_too_large</c>.
    /// </summary>
    public long OutputOverheadBytes => (4L * Dimension) + (2L * MaxIdLength) + Contracts.Codecs.SampleLimits.MaxSourceBytes + 4096;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ClassNames.Length != 0 && ClassNames.Length != Classes)
        {
            yield return new ValidationResult(
                $"Schema:ClassNames has {ClassNames.Length} names but Schema:Classes is {Classes}; give one name per class or none.",
                [nameof(ClassNames)]);
        }

        if (ImageShape.Length != 0)
        {
            if (!Configuration.ImageShape.TryParse(ImageShape, out var shape))
            {
                yield return new ValidationResult(Configuration.ImageShape.Malformed(ImageShape), [nameof(ImageShape)]);
            }
            else if (shape.Size != Dimension)
            {
                yield return new ValidationResult(
                    $"Schema:ImageShape '{ImageShape}' holds {shape.Size} values but Schema:Dimension is {Dimension}.", [nameof(ImageShape)]);
            }
        }
    }
}
