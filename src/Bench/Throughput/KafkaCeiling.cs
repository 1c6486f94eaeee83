using EasyHard.Core.Configuration;
using EasyHard.Core.Hosting;
using EasyHard.Bench.Common;
using EasyHard.Ingest;
using EasyHard.Scorer;
using EasyHard.Sink;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EasyHard.Bench.Throughput;

/// <summary>
/// What the transport alone allows: the pipeline's three Kafka hops (input → samples → scored → weighted) run by the
/// same Kafka shell (<see cref="KafkaBatchWorker"/>: consume a micro-batch, produce, await delivery, commit) with the
/// same client settings and each role's batching, but processors that only pass records through.
/// </summary>
public static class KafkaCeiling
{
    /// <summary>The passthrough roles' names in their metrics.</summary>
    public static IReadOnlyList<string> Roles { get; } = ["ceiling_ingest", "ceiling_scorer", "ceiling_sink"];

    public static async Task<IHost> StartAsync(string bootstrapServers, BenchTopics topics, IEnumerable<string> extraConfig, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topics);
        string[] config =
        [
            $"--Kafka:BootstrapServers={bootstrapServers}",
            "--Logging:LogLevel:Default=Warning",
            .. topics.ConfigArgs(),
            .. extraConfig,
        ];
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = config, ContentRootPath = AppContext.BaseDirectory });
        builder.AddKafkaShell();
        var names = topics.Options;
        var ingest = Batching<IngestOptions>(builder, IngestOptions.SectionName, o => o.Batching);
        var scorer = Batching<ScorerOptions>(builder, ScorerOptions.SectionName, o => o.Batching);
        var sink = Batching<SinkOptions>(builder, SinkOptions.SectionName, o => o.Batching);
        builder.Services.AddSingleton(new IngestPassthrough(names.Samples));
        builder.Services.AddSingleton(new ScorerPassthrough(names.Scored));
        builder.Services.AddSingleton(new SinkPassthrough(names.Weighted));
        builder.AddKafkaRole<IngestPassthrough>(_ => new KafkaRoleDefinition(Roles[0], [names.Input], topics.GroupOf("ceiling-ingest"), ingest, names.OffsetJournal));
        builder.AddKafkaRole<ScorerPassthrough>(_ => new KafkaRoleDefinition(Roles[1], [names.Samples], topics.GroupOf("ceiling-scorer"), scorer, names.OffsetJournal));
        builder.AddKafkaRole<SinkPassthrough>(_ => new KafkaRoleDefinition(Roles[2], [names.Scored], topics.GroupOf("ceiling-sink"), sink, names.OffsetJournal));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static BatchingOptions Batching<TOptions>(HostApplicationBuilder builder, string section, Func<TOptions, BatchingOptions> pick)
        where TOptions : class, new() =>
        pick(builder.Configuration.GetSection(section).Get<TOptions>() ?? new TOptions());
}
