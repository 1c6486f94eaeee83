namespace EasyHard.Sink.Reporting;

/// <summary>One cell of the <c>noise_transitions</c> view: samples given <see cref="Label"/> for which the scorer suggests <see cref="SuggestedLabel"/>.</summary>
public sealed record TransitionCell(int Label, int SuggestedLabel, long Samples);
