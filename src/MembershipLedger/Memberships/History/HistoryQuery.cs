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

public static class HistoryQuery
{
    public const int MaxPageSize = 500;

    public static Task<IReadOnlyList<HistoryEntry>> ForGroupAsync(NpgsqlDataSource db, string groupId, long after, int limit, CancellationToken ct) =>
        ReadAsync(db, "group_id", groupId, after, limit, ct);

    public static Task<IReadOnlyList<HistoryEntry>> ForPersonAsync(NpgsqlDataSource db, string username, long after, int limit, CancellationToken ct) =>
        ReadAsync(db, "username", username, after, limit, ct);

    private static async Task<IReadOnlyList<HistoryEntry>> ReadAsync(
        NpgsqlDataSource db, string column, string key, long after, int limit, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"""
             select seq, event_type, group_id, username, effective_at, recorded_at, recorded_by, reason, source, correlation_id, data::text
             from {LedgerSchema.History} where {column} = $1 and seq > $2 order by seq limit $3
             """);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = after });
        command.Parameters.Add(new NpgsqlParameter { Value = Math.Clamp(limit, 1, MaxPageSize) });
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
