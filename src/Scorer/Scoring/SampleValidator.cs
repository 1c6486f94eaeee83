using System.Numerics;
using System.Runtime.InteropServices;
using EasyHard.Contracts.Codecs;
using EasyHard.Contracts.V1;

namespace EasyHard.Scorer.Scoring;

/// <summary>Whether a sample fits an engine of <c>dimension</c> features and <c>classes</c> classes, with a reason code when not.</summary>
internal sealed class SampleValidator(int dimension, int classes)
{
    /// <summary>Reason code when the sample cannot be scored, else null.</summary>
    public string? Validate(TrainingSample? sample)
    {
        if (ValidateShape(sample) is { } reason)
        {
            return reason;
        }

        // Indexed rather than foreach: RepeatedField's enumerator costs a call per feature, 200,000 per batch.
        var features = sample!.Features;
        for (int i = 0; i < features.Count; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                return RejectReasons.NonFiniteFeature;
            }
        }

        return null;
    }

    /// <summary>Every check of <see cref="Validate"/> but the features' finiteness, which the engine runs on the packed batch (<see cref="FirstNonFinite"/>).</summary>
    public string? ValidateShape(TrainingSample? sample)
    {
        if (sample is null)
        {
            return RejectReasons.MissingSample;
        }

        if (string.IsNullOrEmpty(sample.Id))
        {
            return RejectReasons.MissingId;
        }

        if (sample.Features.Count != dimension)
        {
            return RejectReasons.WrongDimension;
        }

        return sample.Label < 0 || sample.Label >= classes ? RejectReasons.LabelOutOfRange : null;
    }

    /// <summary>Index of the first NaN or infinity, or −1. Vectorized: x − x is 0 for every finite x and NaN otherwise.</summary>
    public static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        int k = 0;
        while (k < vectors.Length && Vector.EqualsAll(vectors[k] - vectors[k], Vector<float>.Zero))
        {
            k++;
        }

        for (int i = k * Vector<float>.Count; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
