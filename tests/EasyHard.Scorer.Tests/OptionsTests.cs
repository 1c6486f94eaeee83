using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

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
    public void Validator_MoreFoldsThanHeads_FailsNamingBothKeys()
    {
        var result = new ScorerOptionsValidator().Validate(null, new ScorerOptions { Folds = 4, EnsembleSize = 3 });
        Assert.True(result.Failed);
        Assert.Contains("Scorer:Folds (4)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Scorer:EnsembleSize (3)", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new ScorerOptionsValidator().Validate(null, new ScorerOptions { Folds = 3, EnsembleSize = 3 }).Succeeded);
    }

    [Fact]
    public void Binding_LookaheadOffline_IsAllowed_ButNotForTheKafkaScorer()
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(["--Scorer:ScoreDelaySamples=2000"]).Build();
        Assert.Equal(2000, ScorerOptionsBinding.Bind(configuration, offline: true).ScoreDelaySamples);
        var error = Assert.Throws<OptionsValidationException>(() => ScorerOptionsBinding.Bind(configuration, offline: false));
        Assert.Contains(error.Failures, f => f.StartsWith("Scorer:ScoreDelaySamples (2000)", StringComparison.Ordinal));
    }

    [Fact]
    public void Binding_BadValues_FailWithEveryKeyNamed()
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(
            ["--Scorer:Folds=1", "--Scorer:ScoreDelaySamples=500", "--Scorer:EnsembleSize=0"]).Build();
        var error = Assert.Throws<OptionsValidationException>(() => ScorerOptionsBinding.Bind(configuration, offline: true));
        Assert.Contains("The field Scorer:EnsembleSize must be between 1 and 64 (got 0).", error.Failures);
        Assert.Contains(error.Failures, f => f.Contains("needs Scorer:Folds of 2 or more", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sgd", "cpu")]
    [InlineData("adam", "cuda")]
    public void Validator_HeadThreadsWhereLibtorchStepsEveryHead_FailsNamingTheKey(string optimizer, string device)
    {
        var result = new ScorerOptionsValidator().Validate(null, new ScorerOptions { HeadThreads = 2, Optimizer = optimizer, Device = device });
        Assert.True(result.Failed);
        Assert.Contains("Scorer:HeadThreads", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "adam", true, 3)]
    [InlineData(0, "adam", false, 1)]
    [InlineData(0, "sgd", true, 1)]
    [InlineData(2, "adam", true, 2)]
    [InlineData(5, "adam", true, 3)]
    public void ResolvedHeadThreads_AutomaticIsOnePerCoreAtMostOnePerHead_WhereAdamStepsOnTheCpu(int configured, string optimizer, bool onCpu, int expectedWithManyCores)
    {
        var options = new ScorerOptions { HeadThreads = configured, Optimizer = optimizer, EnsembleSize = 3 };
        int expected = configured == 0 && expectedWithManyCores > 1 ? Math.Min(3, Environment.ProcessorCount) : expectedWithManyCores;
        Assert.Equal(expected, options.ResolvedHeadThreads(onCpu));
    }

    [Fact]
    public void ResolvedThreads_Automatic_SharesTheCoresButOneAmongTheHeadThreads()
    {
        var options = new ScorerOptions();
        Assert.Equal(Math.Max(1, (Environment.ProcessorCount - 1) / 3), options.ResolvedThreads(3));
        Assert.Equal(Math.Max(1, Environment.ProcessorCount - 1), options.ResolvedThreads(1));
        options.Threads = 4;
        Assert.Equal(4, options.ResolvedThreads(3));
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
    public void Binding_BadLossShapeAndOutOfRangeBeta_FailNamingKeys()
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(
            ["--Scorer:Weighting:LossShape=cubic", "--Scorer:Weighting:InfluenceBeta=-1", "--Scorer:Weighting:LossGate=soft"]).Build();
        var error = Assert.Throws<OptionsValidationException>(() => ScorerOptionsBinding.Bind(configuration, offline: false));
        Assert.Contains("Scorer:Weighting:LossShape must be linupper, quadratic, extremes or uniform.", error.Failures);
        Assert.Contains("Scorer:Weighting:LossGate must be posterior or none.", error.Failures);
        Assert.Contains("The field Scorer:Weighting:InfluenceBeta must be between 0 and 10 (got -1).", error.Failures);
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
