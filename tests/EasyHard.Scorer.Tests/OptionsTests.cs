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
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        bool valid = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true);
        Assert.False(valid);
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(ScorerOptions.Device)));
    }
}
