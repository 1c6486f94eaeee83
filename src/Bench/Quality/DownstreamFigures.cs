using System.Text.Json.Serialization;

namespace EasyHard.Bench.Quality;

/// <summary>Clean-test accuracy of a fresh MLP trained on the noisy training data with each weighting.</summary>
/// <param name="EasyHardWeights">Loss × EasyHard's <c>weight</c> (all enabled policies).</param>
/// <param name="EasyHardWeightsCorrected">
/// Loss × EasyHard's <c>weight</c> under the given label, plus <c>suggested_label_p</c> × the loss under
/// <c>suggested_label</c> where the suggestion differs from the given label: down-weighting and correction together.
/// </param>
/// <param name="NoiseFactorOnly">
/// Diagnostic: loss × (1 − <c>noise</c>) (1 while warming), EasyHard's noise factor without the other policies, so
/// that the noise score's effect can be told apart from the loss policy's.
/// </param>
/// <param name="Oracle">Loss × 0 on noisy samples, 1 on clean ones.</param>
/// <param name="EasyHardNoisyShare">Share of the total EasyHard weight that lies on noisy samples (unweighted: the noise rate).</param>
/// <param name="NoiseFactorNoisyShare">The same for the (1 − noise) weights.</param>
/// <param name="EasyHardRelabel">
/// Each sample under EasyHard's <c>suggested_label</c> instead of its given label, weighted by
/// <c>suggested_label_p</c> (1 while warming): what a trainer that prefers correction to down-weighting does.
/// </param>
/// <param name="CleanlabPipeline">
/// The offline pipeline a user would run instead: K-fold cross-validated probabilities, cleanlab's
/// <c>prune_by_noise_rate</c>, the flagged samples dropped, the same MLP retrained on the rest.
/// </param>
/// <param name="Resampled">
/// Unweighted, on the samples the resampled trainer stream carries (<c>Sink:TrainerStream:Sampling=resample</c>,
/// ceiling 1): each sample as many times as the stream draws (w on average), quarantined ones left out.
/// </param>
/// <param name="ResampledShare">Records that stream carries (copies counted) per sample.</param>
/// <param name="RelabelCorrect">Share of samples whose suggested label is the true one (given labels: 1 − noise rate).</param>
public sealed record DownstreamFigures(
    double Unweighted,
    [property: JsonPropertyName("easyhard_weights")] double EasyHardWeights,
    [property: JsonPropertyName("easyhard_weights_corrected")] double EasyHardWeightsCorrected,
    double NoiseFactorOnly,
    double Oracle,
    [property: JsonPropertyName("easyhard_noisy_share")] double EasyHardNoisyShare,
    double NoiseFactorNoisyShare,
    [property: JsonPropertyName("easyhard_relabel")] double EasyHardRelabel,
    double CleanlabPipeline,
    double RelabelCorrect,
    double Resampled,
    double ResampledShare);
