using EasyHard.Core.Hosting;
using EasyHard.Ingest;
using EasyHard.Scorer;
using EasyHard.Scorer.Hosting;
using EasyHard.Sink;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EasyHard.Host.Composition;

/// <summary>Joins each role's functional core to the Kafka shell.</summary>
public static class RoleRegistrationExtensions
{
    public static IHostApplicationBuilder AddIngest(this IHostApplicationBuilder builder)
    {
        builder.AddIngestCore();
        return builder.AddKafkaRole<IngestBatchProcessor>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<IngestOptions>>().Value;
            return new KafkaRoleDefinition("ingest", [sp.Topics().Input], options.GroupId, options.Batching, sp.Topics().OffsetJournal);
        });
    }

    public static IHostApplicationBuilder AddScorer(this IHostApplicationBuilder builder)
    {
        builder.AddScorerCore();
        builder.Services.AddHostedService<CheckpointOnStop>();
        return builder.AddKafkaRole<ScorerBatchProcessor>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ScorerOptions>>().Value;
            return new KafkaRoleDefinition("scorer", [sp.Topics().Samples], options.GroupId, options.Batching, sp.Topics().OffsetJournal);
        });
    }

    public static IHostApplicationBuilder AddSink(this IHostApplicationBuilder builder)
    {
        builder.AddSinkCore();
        builder.AddKafkaRole<SinkBatchProcessor>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SinkOptions>>().Value;
            return new KafkaRoleDefinition("sink", [sp.Topics().Scored], options.GroupId, options.Batching, sp.Topics().OffsetJournal);
        });
        if (builder.Configuration.GetValue($"{SinkOptions.SectionName}:Report:{nameof(Sink.Reporting.ReportOptions.CountDeadLetters)}", true))
        {
            // Beside the Sink, in a group of its own: every role's dead letters counted in SQL for the report.
            builder.AddKafkaRole<DeadLetterLedger>(sp =>
            {
                var options = sp.GetRequiredService<IOptions<SinkOptions>>().Value;
                return new KafkaRoleDefinition(DeadLetterLedgerRole, [sp.Topics().DeadLetter], $"{options.GroupId}-dead-letters", options.Batching,
                    sp.Topics().OffsetJournal);
            });
        }

        return builder;
    }

    /// <summary>The role name of the Sink's dead-letter counter (<see cref="DeadLetterLedger"/>) in logs and metrics.</summary>
    public const string DeadLetterLedgerRole = "dead_letter_ledger";

    public static IHostApplicationBuilder AddRoles(this IHostApplicationBuilder builder, Roles roles)
    {
        builder.AddKafkaShell();
        if (roles.HasFlag(Roles.Ingest))
        {
            builder.AddIngest();
        }

        if (roles.HasFlag(Roles.Scorer))
        {
            builder.AddScorer();
        }

        if (roles.HasFlag(Roles.Sink))
        {
            builder.AddSink();
        }

        return builder;
    }
}
