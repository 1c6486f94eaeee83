namespace EasyHard.Scorer.Scoring;

/// <summary>
/// What a scored micro-batch hands to the host-side rest of its processing: the per-sample signals, influence and
/// reference loss (empty without a reference model), with the batch's ids, labels, packed features and the rows whose
/// outputs were finite.
/// </summary>
internal sealed record BatchScores(BatchSignals Signals, string[] Ids, long[] Labels, ArraySegment<float> Features, bool[] Finite, float[] Influence, float[] ReferenceLoss);
