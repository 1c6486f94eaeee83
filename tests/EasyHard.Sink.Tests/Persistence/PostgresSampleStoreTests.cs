using EasyHard.Sink.Persistence;

namespace EasyHard.Sink.Tests.Persistence;

/// <summary>Needs a PostgreSQL server: <c>eval "$(scripts/postgres.sh start)"</c>.</summary>
public sealed class PostgresSampleStoreTests : SampleStoreTests
{
    private PostgresTestDatabase? _database;

    protected override async Task<ISampleStore> CreateStoreAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        return new PostgresSampleStore(_database.Options, Clock);
    }

    protected override async Task DisposeResourcesAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task Migrate_FromTwoInstancesAtOnce_AppliesOnce()
    {
        // A schema of its own, so both instances race for the very first migration.
        await using var fresh = await PostgresTestDatabase.CreateAsync();
        await using var a = new PostgresSampleStore(fresh.Options, Clock);
        await using var b = new PostgresSampleStore(fresh.Options, Clock);

        await Task.WhenAll(a.MigrateAsync(CancellationToken.None), b.MigrateAsync(CancellationToken.None));

        await a.UpsertAsync([Samples.Scored("s-a")], CancellationToken.None);
        Assert.Equal(1, await b.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Upsert_IdWithNulCharacter_IsRejectedBySqlNotSilentlyTruncated()
    {
        // The processor dead-letters such ids before they reach SQL; this pins down why it must.
        await Assert.ThrowsAnyAsync<Exception>(() => Store.UpsertAsync([Samples.Scored("bad\0id")], CancellationToken.None));
        Assert.Equal(0, await Store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Upsert_BatchWithOneNulId_WritesNothing()
    {
        await Store.UpsertAsync([Samples.Scored("kept")], CancellationToken.None);

        await Assert.ThrowsAnyAsync<Exception>(() => Store.UpsertAsync([Samples.Scored("good"), Samples.Scored("bad\0id")], CancellationToken.None));

        Assert.Equal(1, await Store.CountAsync(CancellationToken.None));
        Assert.Null(await Store.FindAsync("good", CancellationToken.None));
    }
}
