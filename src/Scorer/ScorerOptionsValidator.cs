using Microsoft.Extensions.Options;

namespace EasyHard.Scorer;

/// <summary>Rules that span several <see cref="ScorerOptions"/> keys, so bad config fails at start naming them.</summary>
public sealed class ScorerOptionsValidator : IValidateOptions<ScorerOptions>
{
    /// <summary>The rules for the Kafka scorer, which emits every batch it consumes.</summary>
    public ValidateOptionsResult Validate(string? name, ScorerOptions options) => Validate(options, offline: false);

    /// <param name="options">The options to check.</param>
    /// <param name="offline">True for <c>replay</c> and the benchmarks that hold the stream back themselves, where a
    /// <see cref="ScorerOptions.ScoreDelaySamples"/> lookahead is allowed.</param>
    public static ValidateOptionsResult Validate(ScorerOptions options, bool offline)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.WeightMin > options.WeightMax)
        {
            failures.Add($"Scorer:WeightMin ({options.WeightMin}) must not exceed Scorer:WeightMax ({options.WeightMax}).");
        }

        if (options.Folds > options.EnsembleSize)
        {
            failures.Add($"Scorer:Folds ({options.Folds}) must not exceed Scorer:EnsembleSize ({options.EnsembleSize}): every fold needs a head that never trains on it.");
        }

        if (options.LookaheadConflict() is { } lookahead)
        {
            failures.Add(lookahead);
        }

        if (options.ScoreDelaySamples > 0 && !offline)
        {
            failures.Add($"Scorer:ScoreDelaySamples ({options.ScoreDelaySamples}) is for replay and bench quality: the Kafka scorer emits every batch it consumes; set it to 0.");
        }

        if (options.HiddenSizes is { } hidden && hidden.Any(h => h is < 1 or > 65_536))
        {
            failures.Add("Scorer:HiddenSizes entries must lie in [1, 65536].");
        }

        if (options.Weighting is { } weighting)
        {
            foreach (var policy in weighting.EnabledPolicies().Where(p => !WeightingOptions.KnownPolicies.Contains(p)))
            {
                failures.Add($"{WeightingOptions.KeyPrefix}:Policies lists unknown policy '{policy}' (known: {string.Join(", ", WeightingOptions.KnownPolicies)}).");
            }

            if (string.Equals(weighting.LossSource, "reducible", StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(options.ReferenceModelPath))
            {
                failures.Add($"{WeightingOptions.KeyPrefix}:LossSource is reducible but Scorer:ReferenceModelPath is not set.");
            }
        }

        if (options.HeadThreadsConflict(onCpu: !string.Equals(options.Device, "cuda", StringComparison.OrdinalIgnoreCase)) is { } conflict)
        {
            failures.Add(conflict);
        }

        if (!string.IsNullOrWhiteSpace(options.ReferenceModelPath) && !File.Exists(options.ReferenceModelPath))
        {
            failures.Add($"Scorer:ReferenceModelPath: file '{options.ReferenceModelPath}' does not exist (train one with easyhard train-reference).");
        }

        if (string.Equals(options.Device, "cuda", StringComparison.OrdinalIgnoreCase) && !TorchSharp.torch.cuda.is_available())
        {
            failures.Add(ScorerDevice.CudaUnavailable);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
