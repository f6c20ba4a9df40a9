using System.Text.Json;
using MembershipLedger.Storage;
using Npgsql;

namespace MembershipLedger.Api.Web.Forms;

/// <summary>What the page shows of an event: what, when it was recorded, by whom, through what and why.</summary>
public sealed record RecordedEvent(
    long Sequence, string StreamKey, string Type, Instant RecordedAt, string? By, string? Through, string? Reason, string? GroupId, string? GrantId);

/// <summary>A refusal of the API as the page shows it: the API's title and detail, and each field's messages.</summary>
public sealed record FormProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    /// <summary>A stale version (412) or a rule that another write now refuses (409): the page says what changed and offers to reload.</summary>
    public bool IsConflict => Status is StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed;

    public static FormProblem From(ApiAnswer answer)
    {
        if (answer.Json is not { ValueKind: JsonValueKind.Object } json)
            return new FormProblem(answer.Status, "The ledger refused this", null, new Dictionary<string, string[]>());
        string? Text(string name) => json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (json.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
            foreach (var field in e.EnumerateObject())
                errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array ? [.. field.Value.EnumerateArray().Select(m => m.ToString())] : [field.Value.ToString()];
        else if (Text("field") is { } named && Text("detail") is { } detail)
            errors[named] = [detail];
        return new FormProblem(answer.Status, Text("title") ?? "The ledger refused this", Text("detail"), errors);
    }

    public static FormProblem Invalid(Dictionary<string, string[]> errors) =>
        new(StatusCodes.Status400BadRequest, "Some fields are invalid", string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")), errors);

    /// <summary>The messages for a field: under its own name, or under a part of it (<c>lines[2].amount</c> belongs to <c>lines</c>).</summary>
    public IEnumerable<string> For(string field) => Errors
        .Where(e => Belongs(e.Key, field))
        .SelectMany(e => e.Key == field ? e.Value : e.Value.Select(m => $"{e.Key[field.Length..].TrimStart('.')}: {m}"));

    /// <summary>The messages no field of <paramref name="fields"/> shows (a header, the body, a route value): shown above the form.</summary>
    public IEnumerable<(string Field, string Message)> Besides(IEnumerable<string> fields) => Errors
        .Where(e => !fields.Any(f => Belongs(e.Key, f)))
        .SelectMany(e => e.Value.Select(m => (e.Key, m)));

    private static bool Belongs(string key, string field) =>
        key == field || key.StartsWith(field + "[", StringComparison.Ordinal) || key.StartsWith(field + ".", StringComparison.Ordinal);
}

/// <summary>Reads the events a write recorded, or those recorded on a stream since a page was opened, straight from the event store.</summary>
public static class RecordedEvents
{
    private static readonly string Columns =
        $"seq_id, stream_id, type, timestamp, user_name, headers->>'{EventMetadata.Source}', headers->>'{EventMetadata.Reason}', coalesce(data->>'groupId', data->'details'->'groupIds'->>0), data->>'grantId'";

    public static Task<IReadOnlyList<RecordedEvent>> ByCorrelationAsync(NpgsqlDataSource db, string correlationId, CancellationToken ct) =>
        ReadAsync(db, $"select {Columns} from {LedgerSchema.Name}.mt_events where correlation_id = $1 order by seq_id limit 500", ct, correlationId);

    public static Task<IReadOnlyList<RecordedEvent>> OnStreamSinceAsync(NpgsqlDataSource db, string streamKey, long version, CancellationToken ct) =>
        ReadAsync(db, $"select {Columns} from {LedgerSchema.Name}.mt_events where stream_id = $1 and version > $2 order by seq_id limit 100", ct, streamKey, version);

    private static async Task<IReadOnlyList<RecordedEvent>> ReadAsync(NpgsqlDataSource db, string sql, CancellationToken ct, params object[] values)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        var events = new List<RecordedEvent>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            events.Add(new RecordedEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(3)), Nullable(reader, 4), Nullable(reader, 5), Nullable(reader, 6), Nullable(reader, 7), Nullable(reader, 8)));
        return events;
    }

    private static string? Nullable(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
}
