namespace EasyHard.Evaluation.Datasets;

/// <summary>
/// One generated sample with the ground truth that the pipeline never sees: the label producers send
/// (<paramref name="Label"/>), the clean label (<paramref name="TrueLabel"/>) and whether noise changed it.
/// </summary>
public sealed record LabelledSample(string Id, ReadOnlyMemory<float> Features, int Label, int TrueLabel, bool IsNoisy);
