namespace EasyHard.Sink.Persistence;

/// <summary>Creates the store for <c>Sink:Database:Provider</c>.</summary>
public static class SampleStoreFactory
{
    public static ISampleStore Create(DatabaseOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider.ToLowerInvariant() switch
        {
            DatabaseProviders.Sqlite => new SqliteSampleStore(options, timeProvider),
            DatabaseProviders.Postgres => new PostgresSampleStore(options, timeProvider),
            _ => throw DatabaseProviders.Unsupported(options.Provider),
        };
    }
}
