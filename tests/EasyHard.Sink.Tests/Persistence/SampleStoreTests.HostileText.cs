using System.Text;

namespace EasyHard.Sink.Tests.Persistence;

/// <summary>
/// Ids and sources are producer-controlled text. Whatever they contain, they are values: stored and read back
/// byte-exact, never executed, and the table survives. Runs against SQLite and PostgreSQL like the rest.
/// </summary>
public abstract partial class SampleStoreTests
{
    /// <summary>The longest id Ingest accepts by default (<c>Schema:MaxIdLength</c> = 256 UTF-8 bytes).</summary>
    private const int DefaultMaxIdBytes = 256;

    public static TheoryData<string> HostileTexts => new()
    {
        "'); DROP TABLE sample_scores;--",
        "x' OR '1'='1",
        "x\"; DELETE FROM sample_scores; --",
        "\\'; DROP TABLE sample_scores; --",
        "\\\\'' \\\" \\",
        "$$; DROP TABLE sample_scores; $$",
        "$1 @SampleId $sample_id :sample_id ? %s {0}",
        "%_%' ESCAPE '\\",
        "/* comment */ -- line comment",
        "E'\\x27' || chr(39) || U&'\\0027'",
        "tab\tnewline\ncarriage\rreturn",
        "日本語-🙂-é-e\u0301-עברית-\uFEFF-\u200B",
        "\U0001F4A9\U0001F4A9 surrogate pairs",
        string.Concat(Enumerable.Repeat("🙂", DefaultMaxIdBytes / 4)),
        new string('x', DefaultMaxIdBytes),
    };

    [Theory]
    [MemberData(nameof(HostileTexts))]
    public async Task Upsert_HostileIdAndSource_AreStoredAsValuesAndReadBackExactly(string text)
    {
        await Store.UpsertAsync([Samples.Scored("sentinel")], CancellationToken.None);
        var source = text.Length > 64 ? text[..64] : text;

        await Store.UpsertAsync([Samples.Scored(text, source: source)], CancellationToken.None);
        await Store.UpsertAsync([Samples.Scored(text, originOffset: 11, source: source)], CancellationToken.None);

        var row = await Store.FindAsync(text, CancellationToken.None);
        Assert.NotNull(row);
        Assert.Equal(Encoding.UTF8.GetBytes(text), Encoding.UTF8.GetBytes(row.SampleId));
        Assert.Equal(Encoding.UTF8.GetBytes(source), Encoding.UTF8.GetBytes(row.Source));
        Assert.Equal(2, row.Exposures);
        Assert.Equal(2, await Store.CountAsync(CancellationToken.None));
        Assert.NotNull(await Store.FindAsync("sentinel", CancellationToken.None));
    }

    [Fact]
    public async Task Upsert_IdsDifferingOnlyInCaseOrNormalization_AreDistinctRows()
    {
        // Ids are compared as exact strings: no case folding, no Unicode normalization, no trimming.
        string[] ids = ["abc", "ABC", "é", "e\u0301", "abc ", " abc"];

        await Store.UpsertAsync([.. ids.Select(id => Samples.Scored(id))], CancellationToken.None);

        Assert.Equal(ids.Length, await Store.CountAsync(CancellationToken.None));
        foreach (var id in ids)
        {
            Assert.Equal(id, (await Store.FindAsync(id, CancellationToken.None))?.SampleId);
        }
    }

    [Fact]
    public async Task Find_InjectionPayload_MatchesNoOtherRow()
    {
        await Store.UpsertAsync([Samples.Scored("a"), Samples.Scored("b")], CancellationToken.None);

        Assert.Null(await Store.FindAsync("x' OR '1'='1", CancellationToken.None));
        Assert.Null(await Store.FindAsync("%", CancellationToken.None));
        Assert.Equal(2, await Store.CountAsync(CancellationToken.None));
    }
}
