using EasyHard.Host.Composition;
using Microsoft.AspNetCore.Builder;

namespace EasyHard.Bench.Common;

/// <summary>
/// EasyHard with all roles in this process, composed exactly as <c>easyhard run --role all</c> and the demo do
/// (<see cref="EasyHardApp"/>), on a benchmark's embedded cluster and topics, with SQLite and the scorer checkpoint
/// in a scratch folder that is deleted afterwards. Scoring and batching keep their defaults unless overridden.
/// </summary>
public sealed class BenchPipeline : IAsyncDisposable
{
    private BenchPipeline(WebApplication app, string directory)
    {
        App = app;
        Directory = directory;
    }

    public WebApplication App { get; }

    public string Directory { get; }

    public static async Task<BenchPipeline> StartAsync(string bootstrapServers, BenchTopics topics, int dimension, int classes,
        IEnumerable<string> extraConfig, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var directory = System.IO.Directory.CreateTempSubdirectory("easyhard-bench-").FullName;
        string[] config =
        [
            $"--Kafka:BootstrapServers={bootstrapServers}",
            "--Http:Port=0",
            $"--Schema:Dimension={dimension}",
            $"--Schema:Classes={classes}",
            "--Sink:Database:Provider=sqlite",
            $"--Sink:Database:ConnectionString=Data Source={Path.Combine(directory, "easyhard.db")}",
            $"--Scorer:CheckpointPath={Path.Combine(directory, "scorer.ckpt")}",
            "--Logging:LogLevel:Default=Warning",
            .. topics.ConfigArgs(),
            .. extraConfig,
        ];
        var app = EasyHardApp.Build(Roles.All, config);
        await app.StartAsync(cancellationToken);
        return new BenchPipeline(app, directory);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover scratch folder in /tmp is harmless.
        }
    }
}
