using EasyHard.Core.Configuration;

namespace EasyHard.Sink.Reporting;

/// <summary>What the report knows of the samples: class names and, when they are images, their shape.</summary>
/// <param name="Names">From <c>Schema:ClassNames</c>.</param>
/// <param name="Image">From <c>Schema:ImageShape</c>; null when the samples are not images.</param>
public sealed record ReportSchema(LabelNames Names, ImageShape? Image = null)
{
    public static ReportSchema From(SampleSchemaOptions schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return new ReportSchema(
            new LabelNames(schema.ClassNames), ImageShape.TryParse(schema.ImageShape, out var image) ? image : null);
    }
}
