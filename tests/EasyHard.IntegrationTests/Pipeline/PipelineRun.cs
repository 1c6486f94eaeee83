using Confluent.Kafka;
using EasyHard.Bench.Common;
using EasyHard.Contracts;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using EasyHard.Evaluation.Datasets;
using EasyHard.Host.Composition;
using EasyHard.Host.Producing;
using EasyHard.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace EasyHard.IntegrationTests.Pipeline;

/// <summary>One EasyHard pipeline on its own topics of a shared mock cluster, with small synthetic samples.</summary>
internal sealed class PipelineRun : IAsyncDisposable
{
    public const int Dimension = 16;

    private readonly List<string> _config;

    public PipelineRun(EmbeddedKafkaCluster cluster, string prefix, IEnumerable<string> extraConfig)
    {
        Cluster = cluster;
        InstanceId = prefix;
        Topics = new TestTopics(prefix);
        Topics.CreateOn(cluster);
        Directory = System.IO.Directory.CreateTempSubdirectory("easyhard-it-").FullName;
        CheckpointPath = Path.Combine(Directory, "scorer.ckpt");
        _config =
        [
            $"--Kafka:BootstrapServers={cluster.BootstrapServers}",
            "--Http:Port=0",
            $"--Schema:Dimension={Dimension}",
            "--Schema:Classes=10",
            $"--Scorer:CheckpointPath={CheckpointPath}",
            "--Scorer:Statistics:WarmupSamples=500",
            "--Logging:LogLevel:Default=Warning",
            $"--Delivery:InstanceId={prefix}",
            // Against the mock cluster offsets need the journal; `auto` recognises it by its cluster id too, but the
            // fault scenarios depend on it, so they say so (RequestErrors_... turns it off explicitly).
            "--Delivery:OffsetJournal=on",
            // A member stopped mid-transaction holds back read_committed readers until the coordinator aborts it.
            "--Delivery:TransactionTimeoutMs=10000",
            // The mock cluster's group coordinator waits up to the session timeout (less 1 s) for every member to
            // rejoin whenever membership changes; librdkafka's default (45 s) makes each join or leave a 44 s pause.
            "--Kafka:Consumer:SessionTimeoutMs=10000",
            "--Kafka:Consumer:HeartbeatIntervalMs=1000",
            .. Topics.ConfigArgs(),
            .. extraConfig,
        ];
    }

    public EmbeddedKafkaCluster Cluster { get; }

    /// <summary>The <c>Delivery:InstanceId</c> of the first instance (transactional ids <c>easyhard-&lt;role&gt;-&lt;id&gt;</c>).</summary>
    public string InstanceId { get; }

    public TestTopics Topics { get; }

    public string Directory { get; }

    public string CheckpointPath { get; }

    public WebApplication? App { get; private set; }

    /// <summary>The configuration every instance of this run shares (topics, groups, cluster, schema).</summary>
    public IReadOnlyList<string> Config => _config;

    public async Task StartAsync(Roles roles = Roles.All)
    {
        App = EasyHardApp.Build(roles, [.. _config]);
        await App.StartAsync();
    }

    /// <summary>Another member of the same consumer groups (its own transactional id, checkpoint and HTTP port).</summary>
    public async Task<WebApplication> StartInstanceAsync(string instanceId, Roles roles = Roles.All)
    {
        var app = EasyHardApp.Build(roles, [.. _config, $"--Delivery:InstanceId={instanceId}",
            $"--Scorer:CheckpointPath={Path.Combine(Directory, instanceId + ".ckpt")}"]);
        await app.StartAsync();
        return app;
    }

    public async Task StopAsync()
    {
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
            App = null;
        }
    }

    /// <summary>Produces <paramref name="count"/> valid synthetic samples (ids prefixed) and returns them.</summary>
    /// <param name="ratePerSecond">Pace of the producer (0: as fast as it can), so that faults can strike mid-stream.</param>
    public async Task<(IReadOnlyList<LabelledSample> Samples, long Malformed)> ProduceAsync(int count, double malformedFraction, int seed, string idPrefix,
        double ratePerSecond = 0)
    {
        var data = SyntheticDataset.Generate(count, Dimension, classes: 10, seed: seed);
        var labels = new NoiseInjector(NoiseSpec.Parse("symmetric:0.2"), 10, seed).Apply(data.Labels);
        var samples = data.WithLabels(labels, idPrefix);
        var generator = new LoadGenerator(Cluster.BootstrapServers, Topics.Options.Input);
        var report = await generator.RunAsync(samples, new SampleEncoder(SampleFormat.Json), malformedFraction, seed, ratePerSecond, Dimension, 10, null, CancellationToken.None);
        Assert.Equal(0, report.Failed);
        return (samples, report.Malformed);
    }

    public List<ConsumeResult<byte[], byte[]>> Read(string topic) => TopicReader.ReadAll(Cluster.BootstrapServers, topic, TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    public static string HeaderText(ConsumeResult<byte[], byte[]> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var bytes) ? System.Text.Encoding.UTF8.GetString(bytes) : "";

    public static string[] TrainerHeaders { get; } =
        [HeaderNames.Weight, HeaderNames.Difficulty, HeaderNames.Noise, HeaderNames.Influence, HeaderNames.Bucket, HeaderNames.ModelVersion];
}
