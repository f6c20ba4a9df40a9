using MembershipLedger.Storage;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Memberships.Roster;

/// <summary>One month of a group's membership: sign-ups and leavings in it, and the dated members at its end.</summary>
public sealed record MembershipMonth(YearMonth Month, int Joined, int Left, int MembersAtEnd);

/// <summary>A group's member count today: dated members, and undated ones listed apart.</summary>
public sealed record GroupCount(string GroupId, int Members, int Undated);

/// <summary>A span in which a person held a membership or a role in a group; null ends are unknown or open.</summary>
/// <param name="Role">Null for the membership itself; otherwise the role held.</param>
public sealed record PersonLane(string GroupId, RoleKind? Role, string? Title, MemberKind? Kind, Instant? From, Instant? To);

/// <summary>A role held in a group, with its span (null ends: unknown start, still held).</summary>
public sealed record RoleSpan(string Username, RoleKind Role, string? Title, Instant? From, Instant? To, Guid AssignmentId);

/// <summary>
/// Figures drawn from the same bitemporal tables the roster reads: counts per month, counts per group, and a person's
/// spans across groups. Each reads the current beliefs (or those held at <c>knownAt</c>), never the event history.
/// </summary>
public static class MembershipFigures
{
    private static string Known(bool knownNow) => knownNow ? "upper_inf(known_during)" : "known_during @> $3::timestamptz";

    /// <summary>
    /// Every month from the first dated sign-up to the month holding <paramref name="until"/>, in <paramref name="zone"/>:
    /// sign-ups and departures that month and the dated members at its end. Undated members are not placed in time.
    /// </summary>
    public static async Task<IReadOnlyList<MembershipMonth>> MonthlyAsync(
        NpgsqlDataSource db, string groupId, DateTimeZone zone, Instant until, Instant? knownAt, CancellationToken ct)
    {
        var (joined, left) = (await MonthlyCountsAsync(db, [(groupId, zone)], knownAt, ct))[groupId];
        return Months(joined, left, until.InZone(zone).Date);
    }

    /// <summary>
    /// Dated sign-ups and departures per month of each group asked, in each group's own zone, as known now or at
    /// <paramref name="knownAt"/>: one query over the roster's table, however many groups.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, (Dictionary<YearMonth, int> Joined, Dictionary<YearMonth, int> Left)>> MonthlyCountsAsync(
        NpgsqlDataSource db, IReadOnlyList<(string GroupId, DateTimeZone Zone)> groups, Instant? knownAt, CancellationToken ct)
    {
        var known = knownAt is null ? "upper_inf(m.known_during)" : "m.known_during @> $3::timestamptz";
        var sql = $"""
            with g(group_id, zone) as (select * from unnest($1::text[], $2::text[]))
            select m.group_id, to_char(lower(m.valid_during) at time zone g.zone, 'YYYY-MM'), 'j', count(*)
            from {LedgerSchema.MembershipIntervals} m join g using (group_id)
            where m.signed_at is not null and {known} group by 1, 2
            union all
            select m.group_id, to_char(upper(m.valid_during) at time zone g.zone, 'YYYY-MM'), 'l', count(*)
            from {LedgerSchema.MembershipIntervals} m join g using (group_id)
            where m.signed_at is not null and not upper_inf(m.valid_during) and {known} group by 1, 2
            """;
        await using var command = db.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = groups.Select(g => g.GroupId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = groups.Select(g => g.Zone.Id).ToArray() });
        if (knownAt is { } at) command.Parameters.Add(new NpgsqlParameter { Value = at.ToDateTimeOffset() });
        var counts = groups.Select(g => g.GroupId).Distinct().ToDictionary(id => id, _ => (Joined: new Dictionary<YearMonth, int>(), Left: new Dictionary<YearMonth, int>()));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var parts = reader.GetString(1).Split('-');
            var month = new YearMonth(int.Parse(parts[0]), int.Parse(parts[1]));
            var (joined, left) = counts[reader.GetString(0)];
            (reader.GetString(2) == "j" ? joined : left)[month] = (int)reader.GetInt64(3);
        }
        return counts;
    }

    /// <summary>The running count: pure, so the chart, the table and the API agree by construction.</summary>
    public static IReadOnlyList<MembershipMonth> Months(IReadOnlyDictionary<YearMonth, int> joined, IReadOnlyDictionary<YearMonth, int> left, LocalDate until)
    {
        if (joined.Count == 0) return [];
        var last = until.ToYearMonth();
        var months = new List<MembershipMonth>();
        var members = 0;
        for (var month = joined.Keys.Min(); month <= last; month = month.PlusMonths(1))
        {
            var j = joined.GetValueOrDefault(month);
            var l = left.GetValueOrDefault(month);
            members += j - l;
            months.Add(new MembershipMonth(month, j, l, members));
        }
        return months;
    }

    /// <summary>Every group's dated and undated members at <paramref name="at"/>, as known now; groups without members are absent.</summary>
    public static async Task<IReadOnlyDictionary<string, GroupCount>> CountsAsync(NpgsqlDataSource db, Instant at, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"""
             select group_id, count(*) filter (where signed_at is not null), count(*) filter (where signed_at is null)
             from {LedgerSchema.MembershipIntervals} where valid_during @> $1 and upper_inf(known_during) group by group_id
             """);
        command.Parameters.Add(new NpgsqlParameter { Value = at.ToDateTimeOffset() });
        var counts = new Dictionary<string, GroupCount>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            counts[reader.GetString(0)] = new GroupCount(reader.GetString(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2));
        return counts;
    }

    /// <summary>A person's memberships and roles in every group, as the ledger knows them now, in time order.</summary>
    public static async Task<IReadOnlyList<PersonLane>> LanesAsync(NpgsqlDataSource db, string username, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"""
             select group_id, null, null, member_kind, nullif(lower(valid_during), '-infinity'), upper(valid_during) from {LedgerSchema.MembershipIntervals}
             where username = $1 and upper_inf(known_during)
             union all
             select group_id, role, title, null, nullif(lower(valid_during), '-infinity'), upper(valid_during) from {LedgerSchema.RoleIntervals}
             where username = $1 and upper_inf(known_during)
             order by 1, 2 nulls first, 5
             """);
        command.Parameters.Add(new NpgsqlParameter { Value = username });
        var lanes = new List<PersonLane>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            lanes.Add(new PersonLane(reader.GetString(0),
                reader.IsDBNull(1) ? null : WireNames<RoleKind>.Parse(reader.GetString(1)),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : WireNames<MemberKind>.Parse(reader.GetString(3)),
                Bound(reader, 4), Bound(reader, 5)));
        return lanes;
    }

    /// <summary>Every role the group's people held, as the ledger knows it now: founders, contacts, officers, with their spans.</summary>
    public static async Task<IReadOnlyList<RoleSpan>> RolesAsync(NpgsqlDataSource db, string groupId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"""
             select username, role, title, nullif(lower(valid_during), '-infinity'), upper(valid_during), assignment_id from {LedgerSchema.RoleIntervals}
             where {RosterProjection.OfGroup("$1")} and upper_inf(known_during)
             order by role, lower(valid_during), username
             """);
        command.Parameters.Add(new NpgsqlParameter { Value = groupId });
        var roles = new List<RoleSpan>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            roles.Add(new RoleSpan(reader.GetString(0), WireNames<RoleKind>.Parse(reader.GetString(1)),
                reader.IsDBNull(2) ? null : reader.GetString(2), Bound(reader, 3), Bound(reader, 4), reader.GetGuid(5)));
        return roles;
    }

    // An unknown start is stored as -infinity (turned to null above); an open end has no upper bound.
    private static Instant? Bound(NpgsqlDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(column));
}
