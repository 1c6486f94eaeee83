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

    private DatabaseOptions Options(string file = "easyhard.db") => new()
    {
        Provider = DatabaseProviders.Sqlite,
        ConnectionString = $"Data Source={Path.Combine(_directory, "nested", file)}",
    };
}
