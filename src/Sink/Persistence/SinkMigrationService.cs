using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EasyHard.Sink.Persistence;

/// <summary>
/// Applies the SQL migrations when the host starts. Hosted services start in registration order and the Kafka
/// worker is registered after the roles, so no batch is written before the schema exists. A failure stops the
/// host: running without a schema would only fill the retry loop.
/// </summary>
public sealed partial class SinkMigrationService(ISampleStore store, ILogger<SinkMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken);
        LogMigrated(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Sink database schema is up to date")]
    private static partial void LogMigrated(ILogger logger);
}
