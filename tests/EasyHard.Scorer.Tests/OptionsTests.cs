using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using EasyHard.Scorer.Weighting;
using Microsoft.Extensions.Options;

namespace EasyHard.Scorer.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Validator_WeightMinAboveMax_FailsNamingKeys()
    {
        var result = new ScorerOptionsValidator().Validate(null, new ScorerOptions { Weighting = { WeightMin = 3, WeightMax = 2 } });
        Assert.True(result.Failed);
        Assert.Contains("Scorer:Weighting:WeightMin", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_KeyAtTheWrongLevel_SuggestsTheLeaf_NotAShortSectionBesideIt()
    {
        var keys = new EasyHard.Core.Configuration.KnownKeys(new Dictionary<string, Type> { [ScorerOptions.SectionName] = typeof(ScorerOptions) });

        var problems = keys.Problems(new ConfigurationBuilder().AddCommandLine(["--Scorer:Foldz=3", "--Scorer:Laod:TrainerGroups:0=t"]).Build());

        Assert.Equal(["Scorer:Foldz is not a setting (did you mean Scorer:Proxy:Folds?)", "Scorer:Laod is not a setting (did you mean Scorer:Load?)"], problems);
    }

    [Fact]
    public void Validator_BlankTrainerGroup_FailsNamingItsKey()
    {
        var result = new ScorerOptionsValidator().Validate(null, new ScorerOptions { Load = { TrainerGroups = ["trainer-a", " "] } });
        Assert.True(result.Failed);
        Assert.Contains("Scorer:Load:TrainerGroups:1 is empty", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new ScorerOptionsValidator().Validate(null, new ScorerOptions { Load = { TrainerGroups = ["trainer-a"] } }).Succeeded);
    }

    [Fact]
    public void Validator_MoreFoldsThanHeads_FailsNamingBothKeys()
    {
        var result = new ScorerOptionsValidator().Validate(null, new ScorerOptions { Proxy = { Folds = 4, EnsembleSize = 3 } });
        Assert.True(result.Failed);
        Assert.Contains("Scorer:Proxy:Folds (4)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Scorer:Proxy:EnsembleSize (3)", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new ScorerOptionsValidator().Validate(null, new ScorerOptions { Proxy = { Folds = 3, EnsembleSize = 3 } }).Succeeded);
    }

    [Fact]
    public void Binding_LookaheadOffline_IsAllowed_ButNotForTheKafkaScorer()
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(["--Scorer:Proxy:ScoreDelaySamples=2000"]).Build();
        Assert.Equal(2000, ScorerOptionsBinding.Bind(configuration, offline: true).Proxy.ScoreDelaySamples);
        var error = Assert.Throws<OptionsValidationException>(() => ScorerOptionsBinding.Bind(configuration, offline: false));
        Assert.Contains(error.Failures, f => f.StartsWith("Scorer:Proxy:ScoreDelaySamples (2000)", StringComparison.Ordinal));
    }

    [Fact]
    public void Binding_BadValues_FailWithEveryKeyNamed()
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(
            ["--Scorer:Proxy:Folds=1", "--Scorer:Proxy:ScoreDelaySamples=500", "--Scorer:Proxy:EnsembleSize=0"]).Build();
        var error = Assert.Throws<OptionsValidationException>(() => ScorerOptionsBinding.Bind(configuration, offline: true));
        Assert.Contains("The field Scorer:Proxy:EnsembleSize must be between 1 and 64 (got 0).", error.Failures);
        Assert.Contains(error.Failures, f => f.Contains("needs Scorer:Proxy:Folds of 2 or more", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ProxyOptimizer.Sgd, ComputeDevice.Cpu)]
    [InlineData(ProxyOptimizer.Adam, ComputeDevice.Cuda)]
    public void Validator_HeadThreadsWhereLibtorchStepsEveryHead_FailsNamingTheKey(ProxyOptimizer optimizer, ComputeDevice device)
    {
        var result = new ScorerOptionsValidator().Validate(null, new ScorerOptions { Threads = { Heads = 2 }, Proxy = { Optimizer = optimizer }, Device = device });
        Assert.True(result.Failed);
        Assert.Contains("Scorer:Threads:Heads", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, ProxyOptimizer.Adam, true, 3)]
    [InlineData(0, ProxyOptimizer.Adam, false, 1)]
    [InlineData(0, ProxyOptimizer.Sgd, true, 1)]
    [InlineData(2, ProxyOptimizer.Adam, true, 2)]
    [InlineData(5, ProxyOptimizer.Adam, true, 3)]
    public void ResolvedHeadThreads_AutomaticIsOnePerCoreAtMostOnePerHead_WhereAdamStepsOnTheCpu(int configured, ProxyOptimizer optimizer, bool onCpu, int expectedWithManyCores)
    {
        var options = new ScorerOptions { Threads = { Heads = configured }, Proxy = { Optimizer = optimizer, EnsembleSize = 3 } };
        int expected = configured == 0 && expectedWithManyCores > 1 ? Math.Min(3, Environment.ProcessorCount) : expectedWithManyCores;
        Assert.Equal(expected, options.ResolvedHeadThreads(onCpu));
    }

    [Fact]
    public void ResolvedThreads_Automatic_SharesTheCoresButOneAmongTheHeadThreads()
    {
        var options = new ScorerOptions();
        Assert.Equal(Math.Max(1, (Environment.ProcessorCount - 1) / 3), options.ResolvedThreads(3));
        Assert.Equal(Math.Max(1, Environment.ProcessorCount - 1), options.ResolvedThreads(1));
        options.Threads.Torch = 4;
        Assert.Equal(4, options.ResolvedThreads(3));
    }

    [Fact]
    public void DataAnnotations_UndefinedDevice_Fails()
    {
        var options = new ScorerOptions { Device = (ComputeDevice)7 };
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
        Assert.Contains("Scorer:Weighting:LossShape is 'cubic': it must be one of uniform, linupper, quadratic, extremes", error.Failures);
        Assert.Contains("Scorer:Weighting:LossGate is 'soft': it must be one of posterior, none", error.Failures);
        var range = Assert.Throws<OptionsValidationException>(() => ScorerOptionsBinding.Bind(
            new ConfigurationBuilder().AddCommandLine(["--Scorer:Weighting:InfluenceBeta=-1"]).Build(), offline: false));
        Assert.Contains("The field Scorer:Weighting:InfluenceBeta must be between 0 and 10 (got -1).", range.Failures);
    }

    [Fact]
    public void Validator_ReducibleLossWithoutReference_FailsNamingBothKeys()
    {
        var options = new ScorerOptions();
        options.Weighting.LossSource = LossSource.Reducible;
        var result = new ScorerOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Scorer:ReferenceModelPath", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_Defaults_Succeed()
    {
        Assert.True(new ScorerOptionsValidator().Validate(null, new ScorerOptions()).Succeeded);
    }

    [Theory]
    [InlineData("--Scorer:LearningRate=0.002", "Scorer:LearningRate has moved: it is Scorer:Proxy:LearningRate now")]
    [InlineData("--Scorer:HiddenSizes:0=64", "Scorer:HiddenSizes:0 has moved: it is Scorer:Proxy:HiddenSizes:0 now")]
    [InlineData("--Scorer:HeadThreads=2", "Scorer:HeadThreads has moved: it is Scorer:Threads:Heads now")]
    [InlineData("--Scorer:Threads=2", "Scorer:Threads has moved: it is Scorer:Threads:Torch now")]
    [InlineData("--Scorer:WarmupSamples=10", "Scorer:WarmupSamples has moved: it is Scorer:Statistics:WarmupSamples now")]
    [InlineData("--Scorer:WeightMax=3", "Scorer:WeightMax has moved: it is Scorer:Weighting:WeightMax now")]
    public void Binding_KeyOfTheFlatLayout_FailsNamingItsNewKey(string setting, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => ScorerOptionsBinding.Bind(new ConfigurationBuilder().AddCommandLine([setting]).Build(), offline: true));
        Assert.Equal([expected], error.Failures);
    }

    [Fact]
    public void Binding_ChoicesTakeTheirNamesInAnyCase_NotNumbers()
    {
        var options = ScorerOptionsBinding.Bind(new ConfigurationBuilder().AddCommandLine(
            ["--Scorer:Device=CPU", "--Scorer:Proxy:Optimizer=sgd", "--Scorer:Weighting:LossShape=Quadratic"]).Build(), offline: true);
        Assert.Equal((ComputeDevice.Cpu, ProxyOptimizer.Sgd, LossShape.Quadratic), (options.Device, options.Proxy.Optimizer, options.Weighting.LossShape));
        var error = Assert.Throws<OptionsValidationException>(() => ScorerOptionsBinding.Bind(
            new ConfigurationBuilder().AddCommandLine(["--Scorer:Device=1"]).Build(), offline: true));
        Assert.Equal(["Scorer:Device is '1': it must be one of auto, cpu, cuda"], error.Failures);
    }
}
