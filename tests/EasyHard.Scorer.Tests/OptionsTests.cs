using System.ComponentModel.DataAnnotations;

namespace EasyHard.Scorer.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Validator_WeightMinAboveMax_FailsNamingKeys()
    {
        var result = new ScorerOptionsValidator().Validate(null, new ScorerOptions { WeightMin = 3, WeightMax = 2 });
        Assert.True(result.Failed);
        Assert.Contains("Scorer:WeightMin", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void DataAnnotations_UnknownDevice_Fails()
    {
        var options = new ScorerOptions { Device = "tpu" };
        var results = new List<ValidationResult>();
        bool valid = Validator.TryValidateObject(options, new(options), results, validateAllProperties: true);
        Assert.False(valid);
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(ScorerOptions.Device)));
    }

    [Fact]
    public void Validator_UnknownPolicy_FailsNamingTheKey()
    {
        var options = new ScorerOptions();
        options.Weighting.Policies = "noise,lozz";
        var result = new ScorerOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Scorer:Weighting:Policies", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("lozz", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_BadLossShapeAndOutOfRangeBeta_FailNamingKeys()
    {
        var options = new ScorerOptions();
        options.Weighting.LossShape = "cubic";
        options.Weighting.InfluenceBeta = -1;
        var result = new ScorerOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Scorer:Weighting:LossShape", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Scorer:Weighting:InfluenceBeta", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_ReducibleLossWithoutReference_FailsNamingBothKeys()
    {
        var options = new ScorerOptions();
        options.Weighting.LossSource = "reducible";
        var result = new ScorerOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Scorer:ReferenceModelPath", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_Defaults_Succeed()
    {
        Assert.True(new ScorerOptionsValidator().Validate(null, new ScorerOptions()).Succeeded);
    }
}
