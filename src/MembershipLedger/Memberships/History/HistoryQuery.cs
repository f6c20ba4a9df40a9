using System.Text.Json;
using MembershipLedger.Storage;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Memberships.History;

/// <summary>One event in a membership history.</summary>
/// <param name="Sequence">The event's global position; pass the last one as <c>after</c> to read the next page.</param>
/// <param name="EventType">The pinned event type name, e.g. <c>member-signed-up</c>.</param>
/// <param name="EffectiveAt">When the fact took effect in the world (a signature, a withdrawal), or null for facts about the record itself.</param>
/// <param name="RecordedAt">When the ledger recorded it (the store's time).</param>
/// <param name="RecordedBy">Who recorded it.</param>
/// <param name="Reason">Why, when a reason was given.</param>
/// <param name="Source">Through what: <c>http</c>, <c>import</c>, <c>cli</c>, <c>samples</c>.</param>
/// <param name="Data">The event as stored.</param>
public sealed record HistoryEntry(
    long Sequence, string EventType, string GroupId, string? Username, Instant? EffectiveAt, Instant RecordedAt,
    string? RecordedBy, string? Reason, string? Source, string? CorrelationId, JsonElement Data);

/// <summary>Which history entries to read: one event type or all, and a period [From, Before) of when each took effect (or was recorded).</summary>
public sealed record HistoryFilter(string? EventType, Instant? From, Instant? Before);

public static class HistoryQuery
{
    public const int MaxPageSize = 500;

    public static Task<IReadOnlyList<HistoryEntry>> ForGroupAsync(NpgsqlDataSource db, string groupId, long after, int limit, CancellationToken ct) =>
        ReadAsync(db, "group_id", groupId, new HistoryFilter(null, null, null), after, limit, ct);

    public static Task<IReadOnlyList<HistoryEntry>> ForPersonAsync(NpgsqlDataSource db, string username, long after, int limit, CancellationToken ct) =>
        ReadAsync(db, "username", username, new HistoryFilter(null, null, null), after, limit, ct);

    /// <summary>A page of a group's (<paramref name="ofGroup"/>) or a person's history, filtered.</summary>
    public static Task<IReadOnlyList<HistoryEntry>> FilteredAsync(
        NpgsqlDataSource db, bool ofGroup, string key, HistoryFilter filter, long after, int limit, CancellationToken ct) =>
        ReadAsync(db, ofGroup ? "group_id" : "username", key, filter, after, limit, ct);

    /// <summary>One entry of a group's history by its sequence, or null.</summary>
    public static async Task<HistoryEntry?> OneAsync(NpgsqlDataSource db, string groupId, long sequence, CancellationToken ct) =>
        (await ReadAsync(db, "group_id", groupId, new HistoryFilter(null, null, null), sequence - 1, 1, ct)) is [var entry] && entry.Sequence == sequence
            ? entry : null;

    // The period is of the fact: when it took effect, or for facts about the record itself, when it was recorded.
    private static async Task<IReadOnlyList<HistoryEntry>> ReadAsync(
        NpgsqlDataSource db, string column, string key, HistoryFilter filter, long after, int limit, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"""
             select seq, event_type, group_id, username, effective_at, recorded_at, recorded_by, reason, source, correlation_id, data::text
             from {LedgerSchema.History} where {column} = $1 and seq > $2
               and ($4::text is null or event_type = $4)
               and ($5::timestamptz is null or coalesce(effective_at, recorded_at) >= $5)
               and ($6::timestamptz is null or coalesce(effective_at, recorded_at) < $6)
             order by seq limit $3
             """);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = after });
        command.Parameters.Add(new NpgsqlParameter { Value = Math.Clamp(limit, 1, MaxPageSize) });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.EventType ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.From?.ToDateTimeOffset() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.Before?.ToDateTimeOffset() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        var entries = new List<HistoryEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            entries.Add(new HistoryEntry(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), Text(3),
                reader.IsDBNull(4) ? null : Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(4)),
                Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(5)),
                Text(6), Text(7), Text(8), Text(9),
                JsonDocument.Parse(reader.GetString(10)).RootElement.Clone()));
        }
        return entries;
    }
}
