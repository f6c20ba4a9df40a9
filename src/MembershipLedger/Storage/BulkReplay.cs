using JasperFx.Events;
using Npgsql;
using NpgsqlTypes;

namespace MembershipLedger.Storage;

/// <summary>
/// A projection a rebuild replays in bulk: every event applied in memory, then its tables written by COPY, instead of a
/// statement per event (docs/benchmarks.md, "Rebuilding the projections").
/// <para>
/// One meaning, two appliers: each such projection first turns an event into the facts it records (its <c>Describe</c>),
/// and applies those facts either as SQL, one event at a time (a write's own transaction, the daemon), or to rows in
/// memory (a rebuild). Both appliers sit side by side in the projection's file; <c>Import_then_rebuild</c> and the fault
/// suite compare what they write, row for row.
/// </para>
/// </summary>
public interface IBulkProjection
{
    string Name { get; }

    /// <summary>An empty replay: the projection's tables as they are before the first event.</summary>
    BulkReplay StartReplay();
}

/// <summary>One rebuild's rows of one projection, in memory until <see cref="WriteAsync"/>.</summary>
public abstract class BulkReplay
{
    /// <summary>
    /// Applies one event. It throws, as the SQL would have failed, on an event the projection cannot apply, and then
    /// leaves the rows as they were (the rebuild records a dead letter and goes on).
    /// </summary>
    public abstract void Apply(IEvent e);

    /// <summary>Writes the rows into the projection's emptied tables, in <paramref name="tx"/>.</summary>
    public abstract Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct);

    /// <summary>A column of a table a replay copies into: its name, its database type, and the row's value (null is NULL).</summary>
    protected sealed record Column<T>(string Name, NpgsqlDbType Type, Func<T, object?> Value);

    /// <summary>Binary COPY of <paramref name="rows"/> into <paramref name="table"/>, each column named beside its value.</summary>
    protected static async Task CopyAsync<T>(NpgsqlConnection connection, string table, IEnumerable<T> rows, IReadOnlyList<Column<T>> columns,
        CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            $"copy {table} ({string.Join(", ", columns.Select(c => c.Name))}) from stdin (format binary)", ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            foreach (var column in columns)
            {
                if (column.Value(row) is { } value) importer.Write(value, column.Type);
                else importer.WriteNull();
            }
        }
        await importer.CompleteAsync(ct);
    }
}

/// <summary>
/// A <c>tstzrange</c> as PostgreSQL builds it with <c>tstzrange(lower, upper, '[)')</c>, for rows built in memory that
/// must equal the rows SQL builds: equal bounds make the empty range, a lower bound above the upper one is an error, a
/// null bound is unbounded, and comparisons are at PostgreSQL's microsecond precision (Npgsql truncates the rest).
/// </summary>
public readonly record struct TimeRange(bool Empty, DateTimeOffset? Lower, DateTimeOffset? Upper)
{
    /// <summary>PostgreSQL's <c>-infinity</c>, which Npgsql writes for the least value.</summary>
    public static readonly DateTimeOffset MinusInfinity = DateTimeOffset.MinValue;

    public static TimeRange Of(DateTimeOffset? lower, DateTimeOffset? upper)
    {
        if (lower is { } l && upper is { } u)
        {
            var order = Micros(l).CompareTo(Micros(u));
            if (order > 0) throw new InvalidOperationException($"range lower bound must be less than or equal to range upper bound ({l:O} > {u:O})");
            if (order == 0) return new TimeRange(true, null, null);
        }
        return new TimeRange(false, lower, upper);
    }

    /// <summary>SQL's <c>lower(range)</c>: null when the range is empty or unbounded below.</summary>
    public DateTimeOffset? LowerBound => Empty ? null : Lower;

    /// <summary>SQL's <c>upper(range)</c>.</summary>
    public DateTimeOffset? UpperBound => Empty ? null : Upper;

    /// <summary>SQL's <c>upper_inf(range)</c>: false for the empty range.</summary>
    public bool UpperInfinite => !Empty && Upper is null;

    public NpgsqlRange<DateTime> ToNpgsql() => Empty
        ? NpgsqlRange<DateTime>.Empty
        : new NpgsqlRange<DateTime>(Lower?.UtcDateTime ?? default, Lower is not null, Lower is null,
            Upper?.UtcDateTime ?? default, false, Upper is null);

    private const long PostgresEpochTicks = 630822816000000000L;

    /// <summary>The value PostgreSQL stores, as Npgsql encodes it: microseconds, the rest dropped; the least value is -infinity.</summary>
    private static long Micros(DateTimeOffset value) =>
        value == DateTimeOffset.MinValue ? long.MinValue : (value.UtcTicks - PostgresEpochTicks) / 10;
}
