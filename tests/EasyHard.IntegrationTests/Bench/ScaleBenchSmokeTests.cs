using System.CommandLine;
using System.Text.Json;
using EasyHard.Bench.Commands;

namespace EasyHard.IntegrationTests.Bench;

/// <summary>
/// <c>easyhard bench scale</c> on reduced runs: the in-process simulation (both regimes, with and without model
/// averaging), and scorer processes on the embedded cluster with a scorer leaving and rejoining without its checkpoint.
/// Every sample is scored exactly once and the figures are sane; the AUROC targets belong to the full run.
/// </summary>
public sealed class ScaleBenchSmokeTests
{
    [Fact]
    public async Task BenchScale_Simulated_EveryRegimeAndCount_ScoresEverySample_AndAveragesWithSyncOn()
    {
        var directory = Directory.CreateTempSubdirectory("easyhard-bench-scale-").FullName;
        var root = new RootCommand { BenchCommand.Create() };

        var exitCode = await root.Parse(["bench", "scale", "--simulate", "--count", "3000", "--scorers", "1,2", "--out", directory]).InvokeAsync();

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "scale.json")));
        var runs = json.RootElement.GetProperty("simulated").EnumerateArray().ToList();
        // Two regimes, each 1 scorer, 2 with sync and 2 without.
        Assert.Equal(6, runs.Count);
        foreach (var run in runs)
        {
            Assert.Equal(3000, run.GetProperty("scores").GetProperty("scored").GetInt64());
            Assert.InRange(run.GetProperty("scores").GetProperty("noise_auroc").GetDouble(), 0.6, 1.0);
            var averaged = run.GetProperty("scorers").GetInt32() == 2 && run.GetProperty("sync").GetBoolean();
            Assert.Equal(averaged, run.GetProperty("merges").GetInt32() > 0);
            Assert.Equal(averaged, run.GetProperty("sync_bytes").GetInt64() > 0);
        }

        Assert.Contains("| under load | 2 | on |", File.ReadAllText(Path.Combine(directory, "scale.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchScale_TwoScorerProcesses_OneLeavesAndRejoins_EverySampleScoredOnce()
    {
        var directory = Directory.CreateTempSubdirectory("easyhard-bench-scale-").FullName;
        var root = new RootCommand { BenchCommand.Create() };

        var exitCode = await root.Parse([
            "bench", "scale", "--count", "4000", "--scorers", "2", "--without-sync", "false", "--away-seconds", "1", "--out", directory,
        ]).InvokeAsync();

        Assert.Equal(0, exitCode); // 1 = a sample was never scored or scored twice
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "scale.json")));
        var run = json.RootElement.GetProperty("runs").EnumerateArray().Single();
        Assert.Equal(4000, run.GetProperty("scores").GetProperty("scored").GetInt64());
        Assert.Equal(0, run.GetProperty("duplicates").GetInt64());
        Assert.True(run.GetProperty("sync_records").GetInt64() > 0, "the scorers published their models");
        Assert.True(run.GetProperty("samples_per_second").GetDouble() > 0);
        Assert.Empty(json.RootElement.GetProperty("problems").EnumerateArray());
    }
}
