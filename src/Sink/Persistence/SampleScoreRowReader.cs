using System.Data.Common;
using System.Globalization;

namespace EasyHard.Sink.Persistence;

/// <summary>
/// Maps a <c>sample_scores</c> row to <see cref="SampleScoreRow"/> for both providers: SQLite returns integers for
/// booleans and ISO-8601 text for timestamps, PostgreSQL returns native types.
/// </summary>
internal static class SampleScoreRowReader
{
    /// <summary>A row read with the columns of <see cref="SampleScoreSchema.ReadColumns"/>, in that order.</summary>
    public static SampleScoreRow Read(DbDataReader r) => new(
        r.GetString(0),
        ToInt(r.GetValue(1)),
        ToInt(r.GetValue(2)),
        r.GetDouble(3),
        r.GetDouble(4),
        r.GetDouble(5),
        r.GetDouble(6),
        r.GetDouble(7),
        r.GetDouble(8),
        r.GetDouble(9),
        r.GetDouble(10),
        r.GetDouble(11),
        r.GetDouble(12),
        r.GetString(13),
        Convert.ToInt64(r.GetValue(14), CultureInfo.InvariantCulture),
        Convert.ToBoolean(r.GetValue(15), CultureInfo.InvariantCulture),
        Convert.ToBoolean(r.GetValue(16), CultureInfo.InvariantCulture),
        r.GetString(17),
        r.IsDBNull(18) ? null : r.GetDouble(18),
        r.GetString(19),
        ToInt(r.GetValue(20)),
        Convert.ToInt64(r.GetValue(21), CultureInfo.InvariantCulture),
        ToInt(r.GetValue(22)),
        ToUtc(r.GetValue(23)),
        ToUtc(r.GetValue(24)),
        r.IsDBNull(25) ? null : ToInt(r.GetValue(25)),
        r.IsDBNull(26) ? null : r.GetDouble(26));

    /// <summary>SQLite's text form of a UTC timestamp; ISO-8601 with a Z, so it sorts chronologically.</summary>
    public static string ToSqliteText(DateTime utc) =>
        utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static int ToInt(object value) => Convert.ToInt32(value, CultureInfo.InvariantCulture);

    /// <summary>A timestamp as either provider returns it, as UTC.</summary>
    public static DateTime ToUtc(object value) => value switch
    {
        DateTime dt => dt.Kind == DateTimeKind.Utc ? dt : DateTime.SpecifyKind(dt, DateTimeKind.Utc),
        DateTimeOffset dto => dto.UtcDateTime,
        string text => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        _ => throw new InvalidCastException($"Unexpected timestamp type {value.GetType()}."),
    };
}
