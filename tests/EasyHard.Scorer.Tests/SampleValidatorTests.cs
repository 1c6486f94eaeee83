using EasyHard.Contracts.Codecs;
using EasyHard.Contracts.V1;
using EasyHard.Scorer.Scoring;

namespace EasyHard.Scorer.Tests;

/// <summary>The scorer's input checks answer with codes from the one catalogue, listed as the Scorer's.</summary>
public sealed class SampleValidatorTests
{
    private static TrainingSample Sample(string id = "a", int label = 0, params float[] features)
    {
        var sample = new TrainingSample { Id = id, Label = label };
        sample.Features.Add(features.Length == 0 ? [0.5f, 0.5f] : features);
        return sample;
    }

    public static TheoryData<string, string?> Cases() => new()
    {
        { "valid", null },
        { "no sample", RejectReasons.MissingSample },
        { "no id", RejectReasons.MissingId },
        { "three features", RejectReasons.WrongDimension },
        { "label 2 of 2", RejectReasons.LabelOutOfRange },
        { "NaN feature", RejectReasons.NonFiniteFeature },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_NamesTheScorersReason(string input, string? expected)
    {
        var sample = input switch
        {
            "valid" => Sample(),
            "no sample" => null,
            "no id" => Sample(id: ""),
            "three features" => Sample(features: [1f, 2f, 3f]),
            "label 2 of 2" => Sample(label: 2),
            _ => Sample(features: [float.NaN, 1f]),
        };

        var reason = new SampleValidator(dimension: 2, classes: 2).Validate(sample);

        Assert.Equal(expected, reason);
        if (reason is not null)
        {
            Assert.Contains(reason, RejectReasons.Scorer);
        }
    }
}
