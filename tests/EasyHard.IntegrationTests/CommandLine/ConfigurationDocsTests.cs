using System.Text.RegularExpressions;
using EasyHard.Host.Composition;

namespace EasyHard.IntegrationTests.CommandLine;

/// <summary>
/// Every setting EasyHard reads (its options classes, through <see cref="EasyHardSections.Keys"/>) is documented:
/// docs/configuration.md lists the general keys and docs/scoring.md the Scorer's. A key added to an options class
/// without a line in the docs fails here, with its name.
/// </summary>
public sealed partial class ConfigurationDocsTests
{
    [Fact]
    public void EveryKey_IsNamedInTheConfigurationDocs()
    {
        var docs = string.Concat(new[] { "configuration.md", "scoring.md" }.Select(f => File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", f))));
        // The docs name a key in backticks, whole (`Sink:Report:MaxFeatureRows`) or by its last parts after a shared
        // prefix (`Topics:Input`, `:Samples`; `<Role>:Batching:MaxBatchSize`).
        var named = BacktickedKey().Matches(docs).Select(m => Normalize(m.Groups[1].Value.Replace("<Role>:", "", StringComparison.Ordinal)).TrimStart(':'))
            .Where(n => n.Length > 0).ToList();
        var undocumented = EasyHardSections.Keys.All()
            .Select(Normalize)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(key => !named.Exists(n => key.EndsWith(n, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(undocumented.Count == 0, "keys missing from docs/configuration.md and docs/scoring.md: " + string.Join(", ", undocumented));
    }

    /// <summary>A key without list indexes and free-form tails: <c>Schema:ClassNames:0</c> → <c>Schema:ClassNames</c>, <c>Kafka:Common:*</c> → <c>Kafka:Common</c>.</summary>
    private static string Normalize(string key) => string.Join(':', key.Split(':').Where(step => step != "*" && !int.TryParse(step, out _)));

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "EasyHard.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("EasyHard.sln not found above the test's directory");
    }

    [GeneratedRegex(@"`((?:<Role>:)?:?[A-Za-z][A-Za-z0-9]*(?::[A-Za-z0-9<>*]+)*)`")]
    private static partial Regex BacktickedKey();
}
