using EasyHard.Host.Commands;
using EasyHard.IntegrationTests.Operations;

namespace EasyHard.IntegrationTests.CommandLine;

/// <summary>
/// A mistyped option or key, or a value out of range, stops the CLI at once with one line that names the key and a
/// hint, and no stack trace unless --verbose: the contract "a bad value stops the process at start with the key's name".
/// </summary>
public sealed class StrictConfigurationTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(60);

    private static string[] Run(params string[] args) => ["run", "--Http:Port=0", "--Sink:Database:ConnectionString=Data Source=cli.db", .. args];

    [Fact]
    public async Task Run_MistypedOption_StopsWithOneLineSuggestingRole()
    {
        var result = await CliProcess.RunAsync(Run("--rol", "sink"), Quick);

        result.AssertShortError("easyhard run: unknown option --rol (did you mean --role?)");
    }

    [Fact]
    public async Task Run_MistypedKey_StopsSuggestingTheKey()
    {
        var result = await CliProcess.RunAsync(Run("--Scorer:Proxy:LearningRat=0.1"), Quick);

        result.AssertShortError("Scorer:Proxy:LearningRat is not a setting (did you mean Scorer:Proxy:LearningRate?)");
    }

    [Fact]
    public async Task Run_MistypedKeyInEnvironment_StopsNamingTheVariable()
    {
        var result = await CliProcess.RunAsync(Run(), Quick, new Dictionary<string, string> { ["EASYHARD_Sink__Databse__Provider"] = "postgres" });

        result.AssertShortError("Sink:Databse (environment variable EASYHARD_Sink__Databse__Provider) is not a setting (did you mean Sink:Database?)");
    }

    [Fact]
    public async Task Run_MistypedSection_StopsSuggestingTheSection()
    {
        var result = await CliProcess.RunAsync(Run("--Scorrer:Proxy:LearningRate=0.1"), Quick);

        result.AssertShortError("there is no section 'Scorrer' (did you mean --Scorer:Proxy:LearningRate?)");
    }

    [Fact]
    public async Task Run_ValueOutOfRange_NamesTheFullKeyNotTheClassMember()
    {
        var result = await CliProcess.RunAsync(Run("--Scorer:Proxy:LearningRate=50"), Quick);

        result.AssertShortError("Scorer:Proxy:LearningRate must be between 1E-07 and 10 (got 50)");
        Assert.DoesNotContain("ScorerOptions", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NestedValueOutOfRange_NamesItsPath()
    {
        var result = await CliProcess.RunAsync(Run("--Ingest:Batching:MaxBatchSize=0"), Quick);

        result.AssertShortError("Ingest:Batching:MaxBatchSize must be between 1 and 100000 (got 0)");
    }

    [Fact]
    public async Task Run_ValueOfTheWrongType_NamesTheKey()
    {
        var result = await CliProcess.RunAsync(Run("--Scorer:Proxy:LearningRate=fast"), Quick);

        result.AssertShortError("'fast' at 'Scorer:Proxy:LearningRate'");
    }

    [Fact]
    public async Task Run_UnknownRole_OneLine()
    {
        var result = await CliProcess.RunAsync(Run("--role", "snk"), Quick);

        result.AssertShortError("Argument 'snk' not recognized. Must be one of: 'all' 'ingest' 'scorer' 'sink'");
    }

    [Fact]
    public async Task Run_Verbose_AddsTheStackTrace()
    {
        var result = await CliProcess.RunAsync(Run("--Scorer:Proxy:LearningRate=50", "--verbose"), Quick);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Scorer:Proxy:LearningRate", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_MistypedScorerKey_StopsSuggestingTheKey()
    {
        var input = Path.GetTempFileName();
        var result = await CliProcess.RunAsync(["replay", "--input", input, "--output", input + ".out", "--Scorer:Foldz=3"], Quick);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Scorer:Foldz is not a setting (did you mean Scorer:Proxy:Folds?)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_MalformedImageShape_IsOneLineNamingTheKey()
    {
        var input = Path.GetTempFileName();
        var result = await CliProcess.RunAsync(["replay", "--input", input, "--output", input + ".out", "--Schema:ImageShape=28by28"], Quick);

        result.AssertShortError("Schema:ImageShape '28by28' is not HxW or CxHxW");
    }

    [Fact]
    public async Task Produce_MistypedOption_SuggestsTheOption()
    {
        var result = await CliProcess.RunAsync(["produce", "--bootstrap", "127.0.0.1:1", "--fromat", "json"], Quick);

        result.AssertShortError("easyhard produce: unknown option --fromat (did you mean --format?)");
    }

    [Fact]
    public async Task KafkaUnreachable_ClientLogsDeduplicated()
    {
        // Port 1 refuses at once, so librdkafka retries its connection as fast as its backoff allows.
        var result = await CliProcess.RunAsync(
            ["run", "--role", "ingest", "--Kafka:BootstrapServers=127.0.0.1:1", $"--Http:Port={PrometheusServer.FreePort()}"], TimeSpan.FromSeconds(15));

        Assert.True(result.TimedOut, $"the ingest role keeps retrying; it exited with {result.ExitCode}: {result.Stderr}");
        var output = (result.Stdout + result.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var connectFailures = output.Count(l => l.Contains("Connection refused", StringComparison.Ordinal));
        Assert.InRange(connectFailures, 1, 10);
        Assert.All(output.Where(l => l.Contains("Connection refused", StringComparison.Ordinal)),
            l => Assert.Contains("EasyHard.Kafka.librdkafka", l, StringComparison.Ordinal));
    }

    [Fact]
    public void KnownSections_AreEveryOptionsClassWithASectionName()
    {
        // A section missing here would have its keys accepted unchecked.
        Assert.Equal(ConfigurationKeys.Sections.Keys.Order(StringComparer.OrdinalIgnoreCase),
            Host.Composition.EasyHardSections.Types.Keys.Order(StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void CommandErrors_NonConfigurationFailure_KeepsItsStackTrace()
    {
        using var output = new StringWriter();
        Exception error;
        try
        {
            throw new InvalidOperationException("a defect");
        }
        catch (InvalidOperationException e)
        {
            error = e;
        }

        var code = CommandErrors.Report(error, "easyhard run", verbose: false, output);

        Assert.Equal(1, code);
        Assert.Contains("   at ", output.ToString(), StringComparison.Ordinal);
    }
}
