using Microsoft.Extensions.Options;

namespace EasyHard.Scorer;

/// <summary>Rules that span several <see cref="ScorerOptions"/> keys, so bad config fails at start naming them.</summary>
public sealed class ScorerOptionsValidator : IValidateOptions<ScorerOptions>
{
    public ValidateOptionsResult Validate(string? name, ScorerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.WeightMin > options.WeightMax)
        {
            failures.Add($"Scorer:WeightMin ({options.WeightMin}) must not exceed Scorer:WeightMax ({options.WeightMax}).");
        }

        if (options.HiddenSizes is { } hidden && hidden.Any(h => h is < 1 or > 65_536))
        {
            failures.Add("Scorer:HiddenSizes entries must lie in [1, 65536].");
        }

        if (options.Batching is { } batching && (batching.MaxBatchSize < 1 || batching.MaxBatchDelayMs < 1))
        {
            failures.Add("Scorer:Batching:MaxBatchSize and Scorer:Batching:MaxBatchDelayMs must be positive.");
        }

        if (string.Equals(options.Device, "cuda", StringComparison.OrdinalIgnoreCase) && !TorchSharp.torch.cuda.is_available())
        {
            failures.Add("Scorer:Device is cuda but no CUDA device is available (use auto or cpu).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
