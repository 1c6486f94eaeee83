using EasyHard.Scorer.Weighting;
using Microsoft.Extensions.Options;

namespace EasyHard.Scorer;

/// <summary>Rules that span several <see cref="ScorerOptions"/> keys, so bad config fails at start naming them.</summary>
public sealed class ScorerOptionsValidator : IValidateOptions<ScorerOptions>
{
    /// <summary>The rules for the Kafka scorer, which emits every batch it consumes.</summary>
    public ValidateOptionsResult Validate(string? name, ScorerOptions options) => Validate(options, offline: false);

    /// <param name="options">The options to check.</param>
    /// <param name="offline">True for <c>replay</c> and the benchmarks that hold the stream back themselves, where a
    /// <see cref="ProxyOptions.ScoreDelaySamples"/> lookahead is allowed.</param>
    public static ValidateOptionsResult Validate(ScorerOptions options, bool offline)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var (proxy, weighting) = (options.Proxy, options.Weighting);
        if (weighting.WeightMin > weighting.WeightMax)
        {
            failures.Add($"Scorer:Weighting:WeightMin ({weighting.WeightMin}) must not exceed Scorer:Weighting:WeightMax ({weighting.WeightMax}).");
        }

        if (proxy.Folds > proxy.EnsembleSize)
        {
            failures.Add($"Scorer:Proxy:Folds ({proxy.Folds}) must not exceed Scorer:Proxy:EnsembleSize ({proxy.EnsembleSize}): every fold needs a head that never trains on it.");
        }

        if (options.LookaheadConflict() is { } lookahead)
        {
            failures.Add(lookahead);
        }

        if (proxy.ScoreDelaySamples > 0 && !offline)
        {
            failures.Add($"Scorer:Proxy:ScoreDelaySamples ({proxy.ScoreDelaySamples}) is for replay and bench quality: the Kafka scorer emits every batch it consumes; set it to 0.");
        }

        if (proxy.HiddenSizes is { } hidden && hidden.Any(h => h is < 1 or > 65_536))
        {
            failures.Add("Scorer:Proxy:HiddenSizes entries must lie in [1, 65536].");
        }

        foreach (var policy in weighting.EnabledPolicies().Where(p => !WeightingOptions.KnownPolicies.Contains(p)))
        {
            failures.Add($"{WeightingOptions.KeyPrefix}:Policies lists unknown policy '{policy}' (known: {string.Join(", ", WeightingOptions.KnownPolicies)}).");
        }

        for (int i = 0; i < options.Load.TrainerGroups.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Load.TrainerGroups[i]))
            {
                failures.Add($"Scorer:Load:TrainerGroups:{i} is empty: name the consumer group of a trainer that reads the weighted topic, or leave the entry out.");
            }
        }

        if (weighting.LossSource == LossSource.Reducible && string.IsNullOrWhiteSpace(options.ReferenceModelPath))
        {
            failures.Add($"{WeightingOptions.KeyPrefix}:LossSource is reducible but Scorer:ReferenceModelPath is not set.");
        }

        if (options.HeadThreadsConflict(onCpu: options.Device != ComputeDevice.Cuda) is { } conflict)
        {
            failures.Add(conflict);
        }

        if (!string.IsNullOrWhiteSpace(options.ReferenceModelPath) && !File.Exists(options.ReferenceModelPath))
        {
            failures.Add($"Scorer:ReferenceModelPath: file '{options.ReferenceModelPath}' does not exist (train one with easyhard train-reference).");
        }

        if (options.Device == ComputeDevice.Cuda && !TorchSharp.torch.cuda.is_available())
        {
            failures.Add(ScorerDevice.CudaUnavailable);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
