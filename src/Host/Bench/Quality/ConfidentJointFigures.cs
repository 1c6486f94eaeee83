namespace EasyHard.Host.Bench.Quality;

/// <param name="Set">The samples flagged by prune_by_noise_rate.</param>
/// <param name="RankedAuroc">AUROC of the flagged set first, each part ordered by 1 − p(given label).</param>
/// <param name="EstimatedNoiseRate">Off-diagonal mass of the calibrated confident joint.</param>
/// <param name="CalibratedJoint">Rows: given label; columns: estimated true label; counts.</param>
public sealed record ConfidentJointFigures(SetFigures Set, double RankedAuroc, double EstimatedNoiseRate, IReadOnlyList<long[]> CalibratedJoint);
