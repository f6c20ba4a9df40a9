using MembershipLedger.Storage;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Memberships.Roster;

/// <summary>Reads a roster from the bitemporal tables in one round trip of two indexed containment queries.</summary>
public static class RosterQuery
{
    // "As known now" reads only the current beliefs (a partial index); "as known at T" reads the belief
    // periods containing T. Either way the index is searched by the moment, not scanned by history.
    private static string Where(bool knownNow) =>
        RosterProjection.OfGroup("$1") + " and valid_during @> $2 and " + (knownNow ? "upper_inf(known_during)" : "known_during @> $3");

    // PostgreSQL estimates range containment from histograms that a long, open-ended history fools: at a million
    // events it expected 200,000 rows where 161 matched, chose a sequential scan and took 250 ms. The GiST
    // indexes answer every roster question in a few pages, so the batch first tells the planner not to scan.
    // A batch runs as one implicit transaction (one Sync), so the setting holds for its statements only and
    // needs no BEGIN/ROLLBACK round trip.
    private const string IndexOnly = "select set_config('enable_seqscan', 'off', true)";

    private static string MembersSql(bool knownNow) =>
        $"""
         select username, member_kind, signed_at from {LedgerSchema.MembershipIntervals}
         where {Where(knownNow)}
         order by signed_at nulls last, username
         """;

    private static string RolesSql(bool knownNow) =>
        $"""
         select assignment_id, username, role, title, effective_from from {LedgerSchema.RoleIntervals}
         where {Where(knownNow)}
         order by role, effective_from nulls first, username
         """;

    private static readonly string[] KnownNow = [MembersSql(true), RolesSql(true)];
    private static readonly string[] KnownAt = [MembersSql(false), RolesSql(false)];

    /// <param name="knownAt">Null: everything the ledger knows now.</param>
    public static async Task<Roster> LoadAsync(NpgsqlDataSource db, string groupId, Instant at, Instant? knownAt, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(IndexOnly));
        foreach (var sql in knownAt is null ? KnownNow : KnownAt)
            batch.BatchCommands.Add(Command(sql, groupId, at, knownAt));

        var rows = new List<(string Username, MemberKind Kind, Instant? SignedAt)>();
        var roles = new List<RosterRole>();
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            await reader.NextResultAsync(ct);
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

    private static NpgsqlBatchCommand Command(string sql, string groupId, Instant at, Instant? knownAt)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = groupId });
        command.Parameters.Add(new NpgsqlParameter { Value = at.ToDateTimeOffset() });
        // Typed even when unused ("as known now"), so one statement shape serves both questions.
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = knownAt is { } known ? known.ToDateTimeOffset() : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz,
        });
        return command;
    }

    /// <summary>The plan PostgreSQL runs for the members half of a roster question, with timings (for benchmarks and operators).</summary>
    public static async Task<IReadOnlyList<string>> ExplainAsync(NpgsqlDataSource db, string groupId, Instant at, Instant? knownAt, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(IndexOnly));
        batch.BatchCommands.Add(Command("explain (analyze, buffers) " + MembersSql(knownAt is null), groupId, at, knownAt));
        var plan = new List<string>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct)) plan.Add(reader.GetString(0));
        return plan;
    }
}
