using MembershipLedger.Storage;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Memberships.Roster;

/// <summary>Reads a roster from the bitemporal tables in one round trip of two indexed containment queries.</summary>
public static class RosterQuery
{
    // "As known now" reads only the current beliefs (a partial index); "as known at T" reads the belief
    // periods containing T. Either way the index is searched by the moment, not scanned by history.
    private static string MembersSql(bool knownNow) =>
        $"""
         select username, member_kind, signed_at from {LedgerSchema.MembershipIntervals}
         where group_id = $1 and valid_during @> $2 and {(knownNow ? "upper_inf(known_during)" : "known_during @> $3")}
         order by signed_at nulls last, username
         """;

    private static string RolesSql(bool knownNow) =>
        $"""
         select assignment_id, username, role, title, effective_from from {LedgerSchema.RoleIntervals}
         where group_id = $1 and valid_during @> $2 and {(knownNow ? "upper_inf(known_during)" : "known_during @> $3")}
         order by role, effective_from nulls first, username
         """;

    private static readonly string[] KnownNow = [MembersSql(true), RolesSql(true)];
    private static readonly string[] KnownAt = [MembersSql(false), RolesSql(false)];

    /// <param name="knownAt">Null: everything the ledger knows now.</param>
    public static async Task<Roster> LoadAsync(NpgsqlDataSource db, string groupId, Instant at, Instant? knownAt, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var sql in knownAt is null ? KnownNow : KnownAt)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = groupId });
            command.Parameters.Add(new NpgsqlParameter { Value = at.ToDateTimeOffset() });
            if (knownAt is { } known) command.Parameters.Add(new NpgsqlParameter { Value = known.ToDateTimeOffset() });
            batch.BatchCommands.Add(command);
        }

        var rows = new List<(string Username, MemberKind Kind, Instant? SignedAt)>();
        var roles = new List<RosterRole>();
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetString(0), WireNames<MemberKind>.Parse(reader.GetString(1)),
                    reader.IsDBNull(2) ? null : Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(2))));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                roles.Add(new RosterRole(reader.GetGuid(0), reader.GetString(1), WireNames<RoleKind>.Parse(reader.GetString(2)),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(4))));
        }

        var rolesByHolder = roles.ToLookup(r => r.Username, StringComparer.Ordinal);
        RosterMember Member((string Username, MemberKind Kind, Instant? SignedAt) row) =>
            new(row.Username, row.Kind, row.SignedAt, rolesByHolder[row.Username].ToList());

        return new Roster(groupId, at, knownAt,
            rows.Where(r => r.SignedAt is not null).Select(Member).ToList(),
            rows.Where(r => r.SignedAt is null).Select(Member).ToList(),
            roles);
    }
}
