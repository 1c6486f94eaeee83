namespace EasyHard.Scorer.Sync;

/// <summary>
/// Federated averaging (McMahan et al. 2017, "Communication-Efficient Learning of Deep Networks from Decentralized
/// Data"): the merged model is the mean of the instances' parameters weighted by the samples each trained on since its
/// last merge. Instances start from the same seeded initialisation and average every few dozen local steps, which is
/// local SGD (Lin et al. 2020, "Don't Use Large Mini-Batches, Use Local SGD"): the models stay in one basin, so the
/// average is a model of the union of their data.
/// </summary>
internal static class ParameterAveraging
{
    /// <summary>Σ wᵢ θᵢ / Σ wᵢ over the sources; throws when they differ in length or no weight is positive.</summary>
    public static float[] Average(IReadOnlyList<(float[] Values, double Weight)> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        double total = sources.Sum(s => Math.Max(0, s.Weight));
        if (sources.Count == 0 || !(total > 0))
        {
            throw new ArgumentException("averaging needs at least one source with a positive weight", nameof(sources));
        }

        int length = sources[0].Values.Length;
        var sum = new double[length];
        foreach (var (values, weight) in sources)
        {
            if (values.Length != length)
            {
                throw new ArgumentException($"a source has {values.Length} values where the first has {length}", nameof(sources));
            }

            double share = Math.Max(0, weight) / total;
            if (share == 0)
            {
                continue;
            }

            for (int i = 0; i < length; i++)
            {
                sum[i] += share * values[i];
            }
        }

        var merged = new float[length];
        for (int i = 0; i < length; i++)
        {
            merged[i] = (float)sum[i];
        }

        return merged;
    }
}
