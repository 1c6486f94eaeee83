using System.Text.Json.Serialization;

namespace EasyHard.Host.Bench.Quality;

/// <summary>Clean-test accuracy of a fresh MLP trained on the noisy training data with each weighting.</summary>
public sealed record DownstreamFigures(double Unweighted, [property: JsonPropertyName("easyhard_weights")] double EasyHardWeights, double Oracle);
