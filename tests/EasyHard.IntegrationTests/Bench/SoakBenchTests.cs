using System.Text.Json;
using EasyHard.Bench.Common;
using EasyHard.Bench.Soak;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.IntegrationTests.Bench;

/// <summary>The soak benchmark for a few seconds: structure and sanity of what it samples and writes, never timing thresholds.</summary>
public sealed class SoakBenchTests
{
    [Fact]
    public async Task SoakBench_FewSeconds_SamplesOverTimeDeliversEverySampleAndWritesJsonAndMarkdown()
    {
        var settings = new SoakSettings(TimeSpan.FromSeconds(12), Rate: 200, Dimension: 32, SampleFormat.Protobuf, TimeSpan.FromSeconds(2), ExtraConfig: []);

        var result = await SoakBench.RunAsync(settings, new StringWriter(), CancellationToken.None);

        Assert.True(result.Sent > 0);
        Assert.Equal(result.Sent, result.Arrived);
        Assert.Equal(0, result.Lost);
        // At least one sample per interval of the run; how many more depends on the machine's load, not checked here.
        Assert.True(result.Samples.Count >= 4, $"{result.Samples.Count} samples");
        Assert.All(result.Samples, s =>
        {
            Assert.True(s.RssBytes > 0);
            Assert.True(s.GcHeapBytes > 0);
            Assert.True(s.ElapsedSeconds > 0);
            Assert.True(s.CpuPercent >= 0);
        });
        Assert.True(result.Samples.Zip(result.Samples.Skip(1)).All(p => p.Second.ElapsedSeconds > p.First.ElapsedSeconds && p.Second.Sent >= p.First.Sent));
        Assert.True(result.RssMeanAfterWarmupBytes > 0);
        Assert.InRange(result.RssMaxDeviation, 0, 1);

        var directory = Directory.CreateTempSubdirectory("easyhard-soak-test-");
        try
        {
            var (jsonPath, markdownPath) = BenchOutput.Write(directory, "soak", result, SoakReport.Markdown(result), new StringWriter());
            using var json = JsonDocument.Parse(File.ReadAllText(jsonPath));
            var root = json.RootElement;
            Assert.Equal(result.Samples.Count, root.GetProperty("samples").GetArrayLength());
            Assert.True(root.GetProperty("samples")[0].GetProperty("rss_bytes").GetInt64() > 0);
            Assert.Equal(result.RssStable, root.GetProperty("rss_stable").GetBoolean());
            Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() > 0);
            Assert.Equal(result.Sent, root.GetProperty("arrived").GetInt64());
            Assert.Contains("RSS stable within ±10 %", File.ReadAllText(markdownPath), StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
