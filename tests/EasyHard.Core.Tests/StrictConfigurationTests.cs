using System.ComponentModel.DataAnnotations;
using EasyHard.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace EasyHard.Core.Tests;

public sealed class StrictConfigurationTests
{
    private static readonly KnownKeys Keys = new(new Dictionary<string, Type>
    {
        [KafkaOptions.SectionName] = typeof(KafkaOptions),
        [DeliveryOptions.SectionName] = typeof(DeliveryOptions),
        ["Role"] = typeof(RoleOptions),
    });

    private static IConfiguration Config(params string[] args) => new ConfigurationBuilder().AddCommandLine(args).Build();

    [Fact]
    public void Unknown_MistypedKey_NamedWithTheClosestKey()
    {
        var problems = Keys.Problems(Config("--Role:LearningRat=0.1"));

        Assert.Equal(["Role:LearningRat is not a setting (did you mean Role:LearningRate?)"], problems);
    }

    [Fact]
    public void Unknown_MistypedNestedKey_SuggestsWithinItsSection()
    {
        var problems = Keys.Problems(Config("--Role:Batching:MaxBatchSise=5"));

        Assert.Equal(["Role:Batching:MaxBatchSise is not a setting (did you mean Role:Batching:MaxBatchSize?)"], problems);
    }

    [Fact]
    public void Unknown_KnownKeysListsAndFreeFormSections_Accepted()
    {
        var problems = Keys.Problems(Config(
            "--role:learningrate=0.1", "--Role:Sizes:0=3", "--Role:Sizes:1=4", "--Role:Batching:MaxBatchDelayMs=5",
            "--Kafka:Common:security.protocol=SASL_SSL", "--Kafka:Consumer:FetchMaxBytes=5", "--Kafka:Producer:linger.ms=1",
            "--Delivery:Guarantee=at_least_once", "--Logging:LogLevel:Default=Warning", "--Anything:Else=1"));

        Assert.Empty(problems);
    }

    [Fact]
    public void Unknown_ValueUsedAsSection_OrListIndexedByName_Reported()
    {
        var problems = Keys.Problems(Config("--Role:LearningRate:Max=1", "--Role:Sizes:first=3"));

        Assert.Equal(["Role:LearningRate:Max is not a setting (Role:LearningRate is a value, not a section)",
            "Role:Sizes:first is not a setting (Role:Sizes is a list: Role:Sizes:0, Role:Sizes:1, ...)"], problems);
    }

    [Fact]
    public void Unknown_FromEnvironmentVariable_SaysWhichVariable()
    {
        Environment.SetEnvironmentVariable("EHTEST_Role__Seeed", "1");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables("EHTEST_").Build();

            Assert.Equal(["Role:Seeed (environment variable EHTEST_Role__Seeed) is not a setting (did you mean Role:Seed?)"], Keys.Problems(configuration));
        }
        finally
        {
            Environment.SetEnvironmentVariable("EHTEST_Role__Seeed", null);
        }
    }

    [Fact]
    public void Unknown_SectionOneLetterOff_SuggestsTheSection()
    {
        var problems = Keys.Problems(Config("--Kafak:BootstrapServers=host:9092"));

        Assert.Equal(["Kafak:BootstrapServers is not a setting (did you mean Kafka:BootstrapServers?)"], problems);
    }

    [Fact]
    public void Unknown_SectionUnderTheApplicationName_ExplainsThePrefix()
    {
        Environment.SetEnvironmentVariable("EasyHard__Role__Seed", "1");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();

            var problem = Assert.Single(Keys.Problems(configuration), p => p.StartsWith("EasyHard:", StringComparison.Ordinal));
            Assert.Equal("EasyHard:Role:Seed (environment variable EasyHard__Role__Seed) is not a setting (did you mean Role:Seed? "
                + "As an environment variable: EASYHARD_Role__..., one underscore after the prefix)", problem);
        }
        finally
        {
            Environment.SetEnvironmentVariable("EasyHard__Role__Seed", null);
        }
    }

    [Fact]
    public void Failures_RangeViolation_NamesTheFullKeyAndTheValue()
    {
        var failures = KeyedValidation.Failures(new RoleOptions { LearningRate = 50 }, "Role");

        Assert.Equal(["The field Role:LearningRate must be between 1E-07 and 10 (got 50)."], failures);
    }

    [Fact]
    public void Failures_NestedOptions_NamedByTheirPath()
    {
        var failures = KeyedValidation.Failures(new RoleOptions { Batching = new BatchingOptions { MaxBatchSize = 0 } }, "Role");

        Assert.Equal(["The field Role:Batching:MaxBatchSize must be between 1 and 100000 (got 0)."], failures);
    }

    [Fact]
    public void Failures_MessageThatNamesItsKey_KeptAsWritten()
    {
        var failures = KeyedValidation.Failures(new DeliveryOptions { Guarantee = "twice" }, DeliveryOptions.SectionName);

        Assert.Equal(["Delivery:Guarantee must be 'exactly_once' or 'at_least_once', not 'twice'."], failures);
    }

    [Theory]
    [InlineData("--rol", "--role")]
    [InlineData("LearningRat", "LearningRate")]
    [InlineData("--formt", "--format")]
    public void Closest_OneOrTwoEdits_Suggested(string typed, string expected) =>
        Assert.Equal(expected, Suggestions.Closest(typed, ["--role", "--format", "LearningRate", "--help"]));

    [Fact]
    public void Closest_NothingNear_NoSuggestion() => Assert.Null(Suggestions.Closest("--bootstrap", ["--role", "--count"]));

    private static readonly KnownKeys Nested = new(
        new Dictionary<string, Type> { ["Role"] = typeof(NestedRoleOptions) },
        new Dictionary<string, string> { ["Role:LearningRate"] = "Role:Proxy:LearningRate", ["Role:Sizes"] = "Role:Proxy:Sizes" });

    [Theory]
    [InlineData("--Role:LearningRate=0.1", "Role:LearningRate has moved: it is Role:Proxy:LearningRate now")]
    [InlineData("--Role:Sizes:1=3", "Role:Sizes:1 has moved: it is Role:Proxy:Sizes:1 now")]
    [InlineData("--Role:Kind=fast", "Role:Kind is 'fast': it must be one of slow, careful")]
    [InlineData("--Role:Kind=1", "Role:Kind is '1': it must be one of slow, careful")]
    [InlineData("--Role:Proxy=3", "Role:Proxy is a section, not a value: set its keys (Role:Proxy:...)")]
    [InlineData("--Role:Learningrat=0.1", "Role:Learningrat is not a setting (did you mean Role:Proxy:LearningRate?)")]
    public void Problems_MovedKeysChoicesAndSections_EachOneLineNamingWhatToSet(string setting, string expected) =>
        Assert.Equal([expected], Nested.Problems(Config(setting)));

    [Fact]
    public void Problems_ChoiceInAnyCase_IsFine() => Assert.Empty(Nested.Problems(Config("--Role:Kind=CAREFUL", "--Role:Proxy:LearningRate=0.1")));

    public enum RoleKind
    {
        Slow,
        Careful,
    }

    public sealed class NestedRoleOptions
    {
        public RoleKind Kind { get; set; }

        public RoleOptions Proxy { get; set; } = new();
    }

    public sealed class RoleOptions
    {
        [Range(1e-7, 10.0)] public double LearningRate { get; set; } = 1e-3;

        public int Seed { get; set; }

        public int[] Sizes { get; set; } = [128];

        [Required] public BatchingOptions Batching { get; set; } = new();

        public bool Derived => Seed > 0;
    }
}
