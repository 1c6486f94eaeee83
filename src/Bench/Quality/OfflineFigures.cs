namespace EasyHard.Bench.Quality;

/// <param name="CvAccuracyGiven">Accuracy of the out-of-fold predictions against the given (noisy) labels.</param>
/// <param name="CvAccuracyTrue">The same against the true labels.</param>
public sealed record OfflineFigures(
    double CvAccuracyGiven, double CvAccuracyTrue, RankingFigures SelfConfidence, RankingFigures NormalizedMargin, ConfidentJointFigures ConfidentJoint);
