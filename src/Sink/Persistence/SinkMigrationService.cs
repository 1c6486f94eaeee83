using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyHard.Sink.Persistence;

/// <summary>
/// Applies the SQL migrations at start, retrying with backoff while the database cannot be reached: a database that
/// comes up after EasyHard (a common start order on Kubernetes and docker compose) is a transient failure like one
/// that goes down while running, not a reason to exit. Until the schema is there, <see cref="SchemaState"/> keeps
/// batches from being written and readiness reports why, naming <c>Sink:Database:ConnectionString</c>.
/// </summary>
public sealed partial class SinkMigrationService : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly ISampleStore _store;
    private readonly SchemaState _schema;
    private readonly string _target;
    private readonly TimeProvider _time;
    private readonly ILogger<SinkMigrationService> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _migrating = Task.CompletedTask;

    public SinkMigrationService(ISampleStore store, SchemaState schema, IOptions<SinkOptions> options, TimeProvider time, ILogger<SinkMigrationService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _schema = schema;
        _target = DatabaseTarget.Describe(options.Value.Database);
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The first attempt runs before the other services start, so with a reachable database the schema is there before
    /// the first batch, as before; only when it fails does the retrying move to the background.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await TryMigrateAsync(attempt: 1, FirstBackoff, cancellationToken))
        {
            _migrating = Task.Run(() => MigrateUntilDoneAsync(_stopping.Token), CancellationToken.None);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _migrating.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task MigrateUntilDoneAsync(CancellationToken stopping)
    {
        var backoff = FirstBackoff;
        for (int attempt = 2; !stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(backoff, _time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            if (await TryMigrateAsync(attempt, backoff, stopping))
            {
                return;
            }
        }
    }

    /// <summary>True when the schema is up to date (or stopping); false, with the reason recorded and logged, when not.</summary>
    private async Task<bool> TryMigrateAsync(int attempt, TimeSpan nextBackoff, CancellationToken cancellationToken)
    {
        try
        {
            await _store.MigrateAsync(cancellationToken);
            _schema.Ready();
            LogMigrated(_logger);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return true;
        }
        catch (Exception e)
        {
            _schema.NotReady($"database not reachable, check {_target}: {e.Message}");
            LogRetrying(_logger, _target, e.Message, attempt, nextBackoff.TotalSeconds);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sink database schema is up to date")]
    private static partial void LogMigrated(ILogger logger);

    // The exception's message, not its stack trace: the cause (refused, unknown host, bad password) is the whole story.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Sink database not reachable; check {Target}: {Reason} (attempt {Attempt}, retrying in {BackoffSeconds:F0} s; not ready until then)")]
    private static partial void LogRetrying(ILogger logger, string target, string reason, int attempt, double backoffSeconds);
}
