namespace EasyHard.Scorer.Scoring;

/// <summary>
/// What a scored micro-batch hands to the host-side rest of its processing: the heads' scores, the influence target's
/// bias column (null without a target) and the reference loss (empty without a reference model), with the batch's ids,
/// labels, folds (<see cref="FoldAssignment"/>), packed features and the rows whose outputs were finite.
/// <paramref name="FoldHeadsOnly"/>: every sample was trained on by the other folds' heads (a delayed score), so only
/// its fold's heads score it.
/// </summary>
internal sealed record BatchScores(HeadScores Scored, float[]? InfluenceBias, string[] Ids, long[] Labels, int[] Folds, ArraySegment<float> Features, bool[] Finite, float[] ReferenceLoss,
    bool FoldHeadsOnly = false);
