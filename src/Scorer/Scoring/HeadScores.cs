namespace EasyHard.Scorer.Scoring;

/// <summary>
/// What the scoring pass of a batch leaves on the host, one row per (head, sample) in head-major order, each range of
/// heads writing its own rows: logits [E, B, C], squared norms of the last hidden layer [E, B], whether the row is
/// finite (every activation within bound, the softmax defined), and the influence projections [E, B, C] (null without
/// an influence target).
/// </summary>
internal sealed record HeadScores(float[] Logits, float[] HiddenSquares, bool[] RowFinite, float[]? Projections);
