using System.Text.Json.Serialization;

namespace EasyHard.Bench.Quality;

/// <param name="Set">The samples flagged by prune_by_noise_rate.</param>
/// <param name="RankedAuroc">AUROC of the flagged set first, each part ordered by 1 − p(given label).</param>
/// <param name="EstimatedNoiseRate">Off-diagonal mass of the calibrated confident joint.</param>
/// <param name="CalibratedJoint">Rows: given label; columns: estimated true label; counts.</param>
/// <param name="Flagged">Per sample, whether <c>prune_by_noise_rate</c> flagged it (what the offline pipeline drops; not written to JSON).</param>
public sealed record ConfidentJointFigures(
    SetFigures Set, double RankedAuroc, double EstimatedNoiseRate, IReadOnlyList<long[]> CalibratedJoint, [property: JsonIgnore] IReadOnlyList<bool> Flagged);
