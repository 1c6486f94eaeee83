using EasyHard.Contracts;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// Cross-fitting of the ensemble, streaming K-fold cross-validation: every sample id belongs to one of K folds by a
/// stable hash, and head e never trains on fold e mod K. Whatever the order and however often an id comes back
/// (epochs, backfills, replays of a topic), the heads of its own fold have never trained on it, so a score from them
/// alone is out-of-sample exactly as a K-fold cross-validated prediction is (cleanlab's
/// <c>estimate_cv_predicted_probabilities</c>).
/// </summary>
internal sealed class FoldAssignment
{
    /// <param name="folds">K; 1 means no cross-fitting (every head trains on every sample).</param>
    /// <param name="heads">E ≥ K, so every fold keeps at least one head that never trains on it.</param>
    public FoldAssignment(int folds, int heads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, folds);
        Folds = folds;
        Heads = heads;
    }

    public int Folds { get; }

    public int Heads { get; }

    public bool Enabled => Folds > 1;

    /// <summary>The fold of <paramref name="id"/>: FNV-1a (64 bit) of its UTF-8 bytes, modulo K; the same in every process and run.</summary>
    public int FoldOf(string id)
    {
        if (!Enabled)
        {
            return 0;
        }

        return (int)(StableHash.Fnv1a(id) % (ulong)Folds);
    }

    /// <summary>Whether head <paramref name="head"/> may train on samples of <paramref name="fold"/>.</summary>
    public bool Trains(int head, int fold) => !Enabled || head % Folds != fold;
}
