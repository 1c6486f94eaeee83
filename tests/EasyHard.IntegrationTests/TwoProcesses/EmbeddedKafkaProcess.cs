using System.Net;
using System.Net.Sockets;
using EasyHard.Bench.Common;
using EasyHard.IntegrationTests.Faults;
using EasyHard.IntegrationTests.Infrastructure;

namespace EasyHard.IntegrationTests.TwoProcesses;

/// <summary>
/// The two-terminal setup: <c>easyhard kafka</c> in one process, <c>easyhard run --role all</c> against its address in
/// another, each with nothing but the command line a user would type (no journal or session settings).
/// </summary>
internal sealed class EmbeddedKafkaProcess : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("easyhard-two-processes-").FullName;
    private readonly RoleProcess _kafka;
    private RoleProcess? _run;

    private EmbeddedKafkaProcess(RoleProcess kafka, string bootstrapServers)
    {
        _kafka = kafka;
        BootstrapServers = bootstrapServers;
        HttpPort = FreePort();
    }

    public string BootstrapServers { get; }

    public int HttpPort { get; }

    public RoleProcess Run => _run ?? throw new InvalidOperationException("easyhard run is not started");

    public static async Task<EmbeddedKafkaProcess> StartAsync()
    {
        var bootstrapFile = Path.Combine(Path.GetTempPath(), $"easyhard-bootstrap-{Guid.NewGuid():N}");
        var kafka = RoleProcess.StartCommand(["kafka", "--bootstrap-file", bootstrapFile]);
        await Eventually.WaitUntilAsync(() => Task.FromResult(File.Exists(bootstrapFile) && new FileInfo(bootstrapFile).Length > 0),
            TimeSpan.FromSeconds(60), () => $"easyhard kafka wrote its address:\n{kafka.RecentOutput}");
        var bootstrap = await File.ReadAllTextAsync(bootstrapFile);
        File.Delete(bootstrapFile);
        return new EmbeddedKafkaProcess(kafka, bootstrap);
    }

    /// <summary>Starts <c>easyhard run --role all</c>; the same database, checkpoint, instance id and port each time.</summary>
    public void StartRun(int dimension = 16)
    {
        _run?.Dispose();
        _run = RoleProcess.StartCommand(
        [
            "run", "--role", "all",
            $"--Kafka:BootstrapServers={BootstrapServers}",
            $"--Http:Port={HttpPort}",
            $"--Schema:Dimension={dimension}",
            "--Schema:Classes=10",
            "--Sink:Database:Provider=sqlite",
            $"--Sink:Database:ConnectionString=Data Source={DatabasePath}",
            $"--Scorer:CheckpointPath={Path.Combine(_directory, "scorer.ckpt")}",
            "--Delivery:InstanceId=two-processes",
        ]);
    }

    /// <summary>The SQLite database of <c>easyhard run</c>'s sink.</summary>
    public string DatabasePath => Path.Combine(_directory, "easyhard.db");

    public string KafkaOutput => _kafka.Output;

    /// <summary>The last lines of <c>easyhard run</c>, for a failing test's report.</summary>
    public string RunOutput => _run?.RecentOutput ?? "(easyhard run was not started)";

    public async Task<string> GetAsync(string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        // /health/ready answers 503 while a role is not ready; its body still says why.
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{HttpPort}{path}"));
        return await response.Content.ReadAsStringAsync();
    }

    public Task<System.Text.Json.JsonElement> ProduceAsync(int first, int count, params string[] extra) =>
        KafkaClientScript.RunAsync(["produce", "--bootstrap", BootstrapServers, "--first", $"{first}", "--count", $"{count}", .. extra]);

    /// <summary>What a read_committed trainer finds on the trainer stream once it holds at least <paramref name="expect"/> records.</summary>
    public async Task<(int Records, int Distinct)> ReadTrainerStreamAsync(int expect)
    {
        var result = await KafkaClientScript.RunAsync("read", "--bootstrap", BootstrapServers, "--expect", $"{expect}", "--timeout", "150");
        return (result.GetProperty("records").GetInt32(), result.GetProperty("distinct").GetInt32());
    }

    public async Task<(long Low, long High, int Partitions)> WatermarksAsync(string topic, int partition)
    {
        var result = await KafkaClientScript.RunAsync("watermarks", "--bootstrap", BootstrapServers, "--topic", topic, "--partition", $"{partition}");
        return (result.GetProperty("low").GetInt64(), result.GetProperty("high").GetInt64(), result.GetProperty("partitions").GetInt32());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _run?.Dispose();
        _kafka.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
