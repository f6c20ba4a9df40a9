using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using MembershipLedger.People;
using MembershipLedger.Storage;
using NodaTime;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace MembershipLedger.Memberships.Roster;

/// <summary>
/// Keeps two bitemporal tables, one row per sign-up (or role designation) per period of belief:
/// <c>valid_during</c> is when the membership held in the world, <c>known_during</c> is when the ledger believed so.
/// A later fact never updates history in place: it closes the believed row at the event's recording time and
/// inserts the new belief, so "who was a member on D as the ledger knew it at T" is one indexed containment
/// query whose cost follows the size of the roster, not the length of the history.
/// Recording time is the event's store timestamp, never the clock, so a rebuild reproduces the same rows.
/// </summary>
public sealed class RosterProjection : EventProjection
{
    public const string ProjectionName = "roster";

    public RosterProjection()
    {
        Name = ProjectionName;
        IncludeType<MemberSignedUp>();
        IncludeType<MemberWithdrew>();
        IncludeType<MemberRemoved>();
        IncludeType<SignUpRetracted>();
        IncludeType<SignatureTimeCorrected>();
        IncludeType<RoleDesignated>();
        IncludeType<RoleEnded>();
        IncludeType<AccountRenamed>();

        // btree_gist lets one GiST index cover the group id together with both time ranges.
        SchemaObjects.Add(new Extension("btree_gist"));
        SchemaObjects.Add(MembershipTable());
        SchemaObjects.Add(RoleTable());
    }

    private static Table MembershipTable()
    {
        var table = new Table(LedgerSchema.MembershipIntervals);
        table.AddColumn("id", "bigserial").AsPrimaryKey();
        table.AddColumn<string>("stream_key").NotNull();
        table.AddColumn<string>("group_id").NotNull();
        table.AddColumn<string>("username").NotNull();
        table.AddColumn<string>("member_kind").NotNull();
        table.AddColumn<Guid>("sign_up_id").NotNull();
        table.AddColumn("signed_at", "timestamptz");
        table.AddColumn("ended_at", "timestamptz");
        table.AddColumn<string>("ended_by");
        table.AddColumn("valid_during", "tstzrange").NotNull();
        table.AddColumn("known_during", "tstzrange").NotNull();
        // GiST splits pages by its first column, so the ranges lead: a group id first would make every
        // page of a long single-group history look alike. The partial index serves "as known now".
        table.Indexes.Add(new IndexDefinition("ix_membership_intervals_bitemporal")
        {
            Method = IndexMethod.gist, Columns = ["valid_during", "known_during", "group_id"],
        });
        table.Indexes.Add(new IndexDefinition("ix_membership_intervals_current")
        {
            Method = IndexMethod.gist, Columns = ["valid_during", "group_id"], Predicate = "upper_inf(known_during)",
        });
        table.Indexes.Add(new IndexDefinition("ix_membership_intervals_sign_up") { Columns = ["sign_up_id"] });
        return table;
    }

    private static Table RoleTable()
    {
        var table = new Table(LedgerSchema.RoleIntervals);
        table.AddColumn("id", "bigserial").AsPrimaryKey();
        table.AddColumn<string>("stream_key").NotNull();
        table.AddColumn<string>("group_id").NotNull();
        table.AddColumn<string>("username").NotNull();
        table.AddColumn<Guid>("assignment_id").NotNull();
        table.AddColumn<string>("role").NotNull();
        table.AddColumn<string>("title");
        table.AddColumn("effective_from", "timestamptz");
        table.AddColumn("ended_at", "timestamptz");
        table.AddColumn("valid_during", "tstzrange").NotNull();
        table.AddColumn("known_during", "tstzrange").NotNull();
        table.Indexes.Add(new IndexDefinition("ix_role_intervals_bitemporal")
        {
            Method = IndexMethod.gist, Columns = ["valid_during", "known_during", "group_id"],
        });
        table.Indexes.Add(new IndexDefinition("ix_role_intervals_current")
        {
            Method = IndexMethod.gist, Columns = ["valid_during", "group_id"], Predicate = "upper_inf(known_during)",
        });
        table.Indexes.Add(new IndexDefinition("ix_role_intervals_assignment") { Columns = ["assignment_id"] });
        return table;
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        var recordedAt = e.Timestamp.ToUniversalTime();
        switch (e.Data)
        {
            case MemberSignedUp s:
                operations.QueueSql(
                    $"""
                     insert into {LedgerSchema.MembershipIntervals}
                       (stream_key, group_id, username, member_kind, sign_up_id, signed_at, valid_during, known_during)
                     values (?, ?, ?, ?, ?, ?::timestamptz,
                       tstzrange(coalesce(?::timestamptz, '-infinity'), null, '[)'), tstzrange(?::timestamptz, null, '[)'))
                     """,
                    e.StreamKey!, s.GroupId, s.Username, Json.Kind(s.Kind), s.SignUpId, Db(s.SignedAt), Db(s.SignedAt), recordedAt);
                break;
            case MemberWithdrew w:
                EndMembership(operations, w.SignUpId, w.EffectiveAt, "withdrawal", recordedAt);
                break;
            case MemberRemoved r:
                EndMembership(operations, r.SignUpId, r.EffectiveAt, "removal", recordedAt);
                break;
            case SignUpRetracted r:
                operations.QueueSql(
                    $"update {LedgerSchema.MembershipIntervals} set known_during = tstzrange(lower(known_during), ?::timestamptz, '[)') where sign_up_id = ? and upper_inf(known_during)",
                    recordedAt, r.SignUpId);
                break;
            case SignatureTimeCorrected c:
                operations.QueueSql(
                    $"""
                     with closed as (
                       update {LedgerSchema.MembershipIntervals} set known_during = tstzrange(lower(known_during), ?::timestamptz, '[)')
                       where sign_up_id = ? and upper_inf(known_during) returning *)
                     insert into {LedgerSchema.MembershipIntervals}
                       (stream_key, group_id, username, member_kind, sign_up_id, signed_at, ended_at, ended_by, valid_during, known_during)
                     select stream_key, group_id, username, member_kind, sign_up_id, ?::timestamptz, ended_at, ended_by,
                       tstzrange(?::timestamptz, upper(valid_during), '[)'), tstzrange(?::timestamptz, null, '[)')
                     from closed
                     """,
                    recordedAt, c.SignUpId, Db(c.SignedAt)!, Db(c.SignedAt)!, recordedAt);
                break;
            case RoleDesignated d:
                operations.QueueSql(
                    $"""
                     insert into {LedgerSchema.RoleIntervals}
                       (stream_key, group_id, username, assignment_id, role, title, effective_from, valid_during, known_during)
                     values (?, ?, ?, ?, ?, ?, ?::timestamptz,
                       tstzrange(coalesce(?::timestamptz, '-infinity'), null, '[)'), tstzrange(?::timestamptz, null, '[)'))
                     """,
                    e.StreamKey!, d.GroupId, d.Username, d.AssignmentId, Json.Kind(d.Role), (object?)d.Title ?? DBNull.Value,
                    Db(d.EffectiveFrom), Db(d.EffectiveFrom), recordedAt);
                break;
            case RoleEnded ended:
                operations.QueueSql(
                    $"""
                     with closed as (
                       update {LedgerSchema.RoleIntervals} set known_during = tstzrange(lower(known_during), ?::timestamptz, '[)')
                       where assignment_id = ? and upper_inf(known_during) returning *)
                     insert into {LedgerSchema.RoleIntervals}
                       (stream_key, group_id, username, assignment_id, role, title, effective_from, ended_at, valid_during, known_during)
                     select stream_key, group_id, username, assignment_id, role, title, effective_from, ?::timestamptz,
                       tstzrange(lower(valid_during), ?::timestamptz, '[)'), tstzrange(?::timestamptz, null, '[)')
                     from closed
                     """,
                    recordedAt, ended.AssignmentId, Db(ended.EffectiveAt)!, Db(ended.EffectiveAt)!, recordedAt);
                break;
            case AccountRenamed renamed:
                // One history under the new name: the person is the stream, the name is how the ledger shows them.
                operations.QueueSql($"update {LedgerSchema.MembershipIntervals} set username = ? where stream_key = ?", renamed.NewName, e.StreamKey!);
                operations.QueueSql($"update {LedgerSchema.RoleIntervals} set username = ? where stream_key = ?", renamed.NewName, e.StreamKey!);
                break;
        }

        return ValueTask.CompletedTask;
    }

    private static void EndMembership(IDocumentOperations operations, Guid signUpId, Instant effectiveAt, string endedBy, DateTimeOffset recordedAt) =>
        operations.QueueSql(
            $"""
             with closed as (
               update {LedgerSchema.MembershipIntervals} set known_during = tstzrange(lower(known_during), ?::timestamptz, '[)')
               where sign_up_id = ? and upper_inf(known_during) returning *)
             insert into {LedgerSchema.MembershipIntervals}
               (stream_key, group_id, username, member_kind, sign_up_id, signed_at, ended_at, ended_by, valid_during, known_during)
             select stream_key, group_id, username, member_kind, sign_up_id, signed_at, ?::timestamptz, ?,
               tstzrange(lower(valid_during), ?::timestamptz, '[)'), tstzrange(?::timestamptz, null, '[)')
             from closed
             """,
            recordedAt, signUpId, Db(effectiveAt)!, endedBy, Db(effectiveAt)!, recordedAt);

    /// <summary>Npgsql writes timestamptz from a UTC DateTimeOffset; NodaTime stays in the domain.</summary>
    private static object Db(Instant? instant) => instant is { } i ? i.ToDateTimeOffset() : DBNull.Value;
}
