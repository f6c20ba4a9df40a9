using System.Buffers;
using System.Text.Json;
using Marten;
using MembershipLedger.Storage;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Interchange;

/// <summary>What to export: the whole ledger, one group, or one person.</summary>
public abstract record ExportScope
{
    public sealed record Everything : ExportScope;

    /// <summary>The group's stream, its members' affiliation streams, and the activities and grants that name it.</summary>
    public sealed record Group(string GroupId) : ExportScope;

    /// <summary>The person's affiliation streams in every group, and the activity events that name them.</summary>
    public sealed record Person(string Username) : ExportScope;
}

/// <summary>
/// Writes events as NDJSON ledger lines in the order the store holds them (global sequence), so an import
/// into an empty ledger replays them in the same order. Data is written as stored.
/// </summary>
public static class LedgerExport
{
    private static readonly string Events = $"{LedgerSchema.Name}.mt_events";

    // Activity and grant streams are named by their own slugs; which group or person they concern is in their data.
    private static string Where(ExportScope scope) => scope switch
    {
        ExportScope.Group => $"""
            stream_id = $1 or starts_with(stream_id, $1 || ':')
            or stream_id in (select stream_id from {Events} where type in ('activity-planned', 'activity-details-changed') and data -> 'details' -> 'groupIds' ? $1)
            or stream_id in (select stream_id from {Events} where type = 'grant-awarded' and data ->> 'groupId' = $1)
            """,
        ExportScope.Person => $"""
            (position(':' in stream_id) > 0 and substr(stream_id, position(':' in stream_id) + 1) = $1)
            or (type in ('activity-sign-up-recorded', 'participation-recorded') and data ->> 'username' = $1)
            """,
        _ => "true",
    };

    /// <summary>Writes the ledger's events as NDJSON; Marten's tombstones (rows that fill the numbers of failed appends) are no events of the ledger.</summary>
    /// <returns>How many events were written.</returns>
    public static async Task<long> ExportAsync(NpgsqlDataSource db, ExportScope scope, Stream output, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand(
            $"""
             select id, stream_id, version, type, data::text, timestamp, user_name, headers ->> '{EventMetadata.Source}', headers ->> '{EventMetadata.Reason}', correlation_id
             from {Events} where ({Where(scope)}) and stream_id <> '{JasperFx.Events.Tombstone.StreamKey}' order by seq_id
             """);
        switch (scope)
        {
            case ExportScope.Group g: command.Parameters.Add(new NpgsqlParameter { Value = g.GroupId }); break;
            case ExportScope.Person p: command.Parameters.Add(new NpgsqlParameter { Value = p.Username }); break;
        }

        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        await using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        await using var reader = await command.ExecuteReaderAsync(ct);
        long count = 0;
        while (await reader.ReadAsync(ct))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            LedgerLines.Write(writer, reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3),
                reader.GetString(4), Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(5)),
                Text(6), Text(7), Text(8), Text(9));
            // One JSON value a line: the writer is reset after each, as NDJSON has no enclosing array.
            await writer.FlushAsync(ct);
            writer.Reset(buffer);
            buffer.Write("\n"u8);
            count++;
            if (buffer.WrittenCount >= 48 * 1024)
            {
                await output.WriteAsync(buffer.WrittenMemory, ct);
                buffer.ResetWrittenCount();
            }
        }
        await output.WriteAsync(buffer.WrittenMemory, ct);
        await output.FlushAsync(ct);
        return count;
    }
}
