using System.Globalization;

namespace EasyHard.Sink.Persistence;

/// <summary>
/// The columns of <c>sample_scores</c> that a scored sample writes, in one list: it drives both providers' upsert
/// statements, their parameters and the order in which <see cref="SampleScoreRowReader"/> reads a row. Adding a score
/// is one line here, one in <see cref="SampleColumns"/>, one in <see cref="SampleScoreRow"/> and its reader, and a
/// migration.
/// <para>
/// <c>scored_at</c> is a parameter, not a column: a new row takes it as <c>first_scored_at</c> and
/// <c>last_scored_at</c> with <c>exposures</c> 1; a new exposure of an id moves <c>last_scored_at</c> and adds one to
/// <c>exposures</c>. A row is rewritten only for a new exposure: another origin topic or partition, or a later offset
/// of the same one. A redelivery (same origin) or an older offset (a replayed batch that also held later exposures of
/// the id) leaves it alone, so at-least-once delivery never inflates <c>exposures</c>.
/// </para>
/// </summary>
internal static class SampleScoreSchema
{
    private const string ScoredAt = "scored_at";

    /// <summary>What a scored sample writes, in the order the reader reads (with <c>scored_at</c>'s three columns in its place).</summary>
    public static readonly IReadOnlyList<SampleScoreColumn> Written =
    [
        SampleScoreColumn.Of("sample_id", "text", c => c.SampleId, updated: false),
        SampleScoreColumn.Of("label", "integer", c => c.Label),
        SampleScoreColumn.Of("predicted_label", "integer", c => c.PredictedLabel),
        SampleScoreColumn.Of("loss", "double precision", c => c.Loss),
        SampleScoreColumn.Of("self_confidence", "double precision", c => c.SelfConfidence),
        SampleScoreColumn.Of("margin", "double precision", c => c.Margin),
        SampleScoreColumn.Of("el2n", "double precision", c => c.El2n),
        SampleScoreColumn.Of("grad_norm", "double precision", c => c.GradNorm),
        SampleScoreColumn.Of("influence", "double precision", c => c.Influence),
        SampleScoreColumn.Of("difficulty", "double precision", c => c.Difficulty),
        SampleScoreColumn.Of("noise", "double precision", c => c.Noise),
        SampleScoreColumn.Of("disagreement", "double precision", c => c.Disagreement),
        SampleScoreColumn.Of("weight", "double precision", c => c.Weight),
        SampleScoreColumn.Of("bucket", "text", c => c.Bucket),
        SampleScoreColumn.Of("model_version", "bigint", c => c.ModelVersion),
        SampleScoreColumn.Of("warming", "boolean", c => c.Warming),
        SampleScoreColumn.Of("quarantined", "boolean", c => c.Quarantined),
        SampleScoreColumn.Of("source", "text", c => c.Source),
        SampleScoreColumn.Of("human_difficulty", "double precision", c => c.HumanDifficulty),
        SampleScoreColumn.Of("source_topic", "text", c => c.SourceTopic),
        SampleScoreColumn.Of("source_partition", "integer", c => c.SourcePartition),
        SampleScoreColumn.Of("source_offset", "bigint", c => c.SourceOffset),
        SampleScoreColumn.Of(ScoredAt, "timestamptz", c => c.ScoredAtUtc, updated: false),
        SampleScoreColumn.Of("suggested_label", "integer", c => c.SuggestedLabel),
        SampleScoreColumn.Of("suggested_label_p", "double precision", c => c.SuggestedLabelP),
    ];

    /// <summary>The columns of a row in the order <see cref="SampleScoreRowReader.Read"/> expects.</summary>
    public static readonly string ReadColumns = string.Join(", ", Written.SelectMany(c =>
        c.Name == ScoredAt ? ["exposures", "first_scored_at", "last_scored_at"] : new[] { c.Name }));

    /// <summary>SQLite: one row per execution, parameters <c>$name</c> (<see cref="SqliteValue"/>).</summary>
    public static readonly string SqliteUpsert = Upsert(
        "sample_scores",
        "sample_scores",
        values => $"VALUES ({values(name => "$" + name)})",
        """
        WHERE sample_scores.source_topic IS NOT excluded.source_topic
           OR sample_scores.source_partition IS NOT excluded.source_partition
           OR excluded.source_offset > sample_scores.source_offset
        """);

    /// <summary>PostgreSQL: a whole round of rows in one statement, each parameter <c>@name</c> an array of one column.</summary>
    public static readonly string PostgresUpsert = Upsert(
        "sample_scores AS s",
        "s",
        values => $"SELECT {values(name => "u." + name)} FROM unnest("
            + string.Join(", ", Written.Select(c => $"@{c.Name}::{c.PostgresType}[]"))
            + $") AS u({string.Join(", ", Written.Select(c => c.Name))})",
        """
        WHERE (s.source_topic, s.source_partition) IS DISTINCT FROM (excluded.source_topic, excluded.source_partition)
           OR excluded.source_offset > s.source_offset
        """);

    /// <summary>
    /// A value as SQLite stores it: booleans as 0 / 1, timestamps as ISO-8601 text with a Z (so they sort), no value
    /// as NULL.
    /// </summary>
    public static object SqliteValue(object? value) => value switch
    {
        null => DBNull.Value,
        bool flag => flag ? 1 : 0,
        DateTime utc => SampleScoreRowReader.ToSqliteText(utc),
        _ => value,
    };

    /// <summary>
    /// INSERT into <paramref name="table"/> (its rows named <paramref name="alias"/>) of every written column (<c>scored_at</c> as first and last scoring time, exposures 1) from the rows
    /// <paramref name="rows"/> makes of a value list (given how the dialect refers to a column's value), and on
    /// conflict the update of every updatable column, exposures plus one and the last scoring time, where
    /// <paramref name="newExposure"/> holds.
    /// </summary>
    private static string Upsert(string table, string alias, Func<Func<Func<string, string>, string>, string> rows, string newExposure)
    {
        string Values(Func<string, string> value) => string.Join(", ", Written.Select(c =>
            c.Name == ScoredAt ? $"1, {value(c.Name)}, {value(c.Name)}" : value(c.Name)));
        var updates = Written.Where(c => c.Updated).Select(c => $"{c.Name} = excluded.{c.Name}")
            .Append($"exposures = {alias}.exposures + 1")
            .Append("last_scored_at = excluded.last_scored_at");
        return string.Create(CultureInfo.InvariantCulture, $"""
            INSERT INTO {table} ({ReadColumns})
            {rows(Values)}
            ON CONFLICT (sample_id) DO UPDATE SET
                {string.Join(",\n    ", updates)}
            {newExposure}
            """);
    }
}

/// <summary>One column of <see cref="SampleScoreSchema.Written"/>.</summary>
/// <param name="Name">Column (and parameter) name.</param>
/// <param name="PostgresType">Its PostgreSQL type, for the array parameter of the unnest.</param>
/// <param name="Value">Its value in a row, boxed (SQLite binds one row at a time).</param>
/// <param name="Column">Its values in a round of rows as a typed array (Npgsql maps it to a PostgreSQL array).</param>
/// <param name="Updated">Whether a new exposure of the id overwrites it.</param>
internal sealed record SampleScoreColumn(string Name, string PostgresType, Func<SampleColumns, object?> Value, Func<SampleColumns[], Array> Column, bool Updated)
{
    public static SampleScoreColumn Of<T>(string name, string postgresType, Func<SampleColumns, T> value, bool updated = true) =>
        new(name, postgresType, c => value(c), rows => Array.ConvertAll(rows, r => value(r)), updated);
}
