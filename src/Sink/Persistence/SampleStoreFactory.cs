using EasyHard.Sink.Reporting;

namespace EasyHard.Sink.Persistence;

/// <summary>Creates the store for <c>Sink:Database:Provider</c>.</summary>
public static class SampleStoreFactory
{
    public static ISampleStore Create(DatabaseOptions options, TimeProvider timeProvider, ReportOptions? report = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider.ToLowerInvariant() switch
        {
            DatabaseProviders.Sqlite => new SqliteSampleStore(options, timeProvider, report),
            DatabaseProviders.Postgres => new PostgresSampleStore(options, timeProvider, report),
            _ => throw DatabaseProviders.Unsupported(options.Provider),
        };
    }
}
