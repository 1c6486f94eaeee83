using System.Diagnostics;
using System.Text.Json;
using EasyHard.IntegrationTests.Operations;

namespace EasyHard.IntegrationTests.TwoProcesses;

/// <summary>
/// Runs <c>kafka_client.py</c> (a producer and a read_committed trainer over confluent-kafka, Debian's
/// python3-confluent-kafka; its stream and feedback commands use the repository's easyhard client, clients/python)
/// with the system's python3 and returns the JSON object it prints.
/// </summary>
internal static class KafkaClientScript
{
    private const string Python = "/usr/bin/python3";

    public static async Task<JsonElement> RunAsync(params string[] arguments)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: install python3 and python3-confluent-kafka.");
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PYTHONPATH"] = RepositoryFiles.PathOf("clients/python");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TwoProcesses", "kafka_client.py"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start python3");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"kafka_client.py {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await stderr}");
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }
}
