namespace EasyHard.Evaluation.Datasets;

/// <summary>Wire format of generated samples on <c>training-samples</c>.</summary>
public enum SampleFormat
{
    Json,
    Protobuf,
}
