using EasyHard.Sink.Persistence;

namespace EasyHard.Sink.Tests.Persistence;

public sealed class SqliteSampleStoreTests : SampleStoreTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "easyhard-sink-tests-" + Guid.NewGuid().ToString("N"));

    protected override Task<ISampleStore> CreateStoreAsync() =>
        Task.FromResult<ISampleStore>(new SqliteSampleStore(Options(), Clock));

    protected override Task DisposeResourcesAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void Create_MissingDirectory_IsCreated()
    {
        Assert.True(Directory.Exists(Path.Combine(_directory, "nested")));
    }

    [Fact]
    public async Task Migrate_FromTwoStoresAtOnce_AppliesOnce()
    {
        var fresh = Options("concurrent.db");
        await using var a = new SqliteSampleStore(fresh, Clock);
        await using var b = new SqliteSampleStore(fresh, Clock);

        await Task.WhenAll(Task.Run(() => a.MigrateAsync(CancellationToken.None)), Task.Run(() => b.MigrateAsync(CancellationToken.None)));

        await a.UpsertAsync([Samples.Scored("s-a")], CancellationToken.None);
        Assert.Equal(1, await b.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Upsert_IdAndSourceWithNul_RoundTripExactly()
    {
        // SQLite text is length-delimited; Ingest and the Sink processor keep NUL out anyway, for PostgreSQL's sake.
        await Store.UpsertAsync([Samples.Scored("nul\0id", source: "web\0")], CancellationToken.None);

        var row = await Store.FindAsync("nul\0id", CancellationToken.None);
        Assert.Equal("nul\0id", row?.SampleId);
        Assert.Equal("web\0", row?.Source);
        Assert.Null(await Store.FindAsync("nul", CancellationToken.None));
    }

    private DatabaseOptions Options(string file = "easyhard.db") => new()
    {
        Provider = DatabaseProviders.Sqlite,
        ConnectionString = $"Data Source={Path.Combine(_directory, "nested", file)}",
    };
}
