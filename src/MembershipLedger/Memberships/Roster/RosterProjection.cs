using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using MembershipLedger.Ledger;
using MembershipLedger.People;
using MembershipLedger.Storage;
using NodaTime;
using Npgsql;
using NpgsqlTypes;
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
public sealed class RosterProjection : EventProjection, IBulkProjection
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

    /// <summary>The group's key in the GiST indexes, written as PostgreSQL prints it back (Weasel compares the two).</summary>
    public const string GroupKey = "hashtext((group_id)::text)";

    /// <summary>The condition that lets a query by group use the GiST indexes (parameter: the group id, given twice).</summary>
    public static string OfGroup(string parameter) => $"hashtext(group_id) = hashtext({parameter}) and group_id = {parameter}";

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
        // The name's look-alike skeleton (Usernames.Skeleton): a sign-up finds the members whose names look like its own
        // through an index, instead of reading the whole group. Null only in a ledger built before it, until the rebuild
        // its definition triggers.
        table.AddColumn<string>("skeleton");
        // GiST splits pages by its first column, so the ranges lead: a group id first would make every
        // page of a long single-group history look alike. The partial index serves "as known now".
        // The group enters the indexes as its hashtext, an integer: btree_gist's penalty function on text made every
        // insert (and a rebuild's copy) twice as slow, 4.7 s against 2.4 s for 100k rows, and the integer key reads
        // fewer pages (14 against 25 for a roster of 1,000). Queries name both: the hash finds, the id confirms.
        table.Indexes.Add(new IndexDefinition("ix_membership_intervals_bitemporal")
        {
            Method = IndexMethod.gist, Columns = ["valid_during", "known_during", GroupKey],
        });
        table.Indexes.Add(new IndexDefinition("ix_membership_intervals_current")
        {
            Method = IndexMethod.gist, Columns = ["valid_during", GroupKey], Predicate = "upper_inf(known_during)",
        });
        table.Indexes.Add(new IndexDefinition("ix_membership_intervals_sign_up") { Columns = ["sign_up_id"] });
        table.Indexes.Add(new IndexDefinition("ix_membership_intervals_skeleton")
        {
            Columns = ["group_id", "skeleton"], Predicate = "upper_inf(known_during)",
        });
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
            Method = IndexMethod.gist, Columns = ["valid_during", "known_during", GroupKey],
        });
        table.Indexes.Add(new IndexDefinition("ix_role_intervals_current")
        {
            Method = IndexMethod.gist, Columns = ["valid_during", GroupKey], Predicate = "upper_inf(known_during)",
        });
        table.Indexes.Add(new IndexDefinition("ix_role_intervals_assignment") { Columns = ["assignment_id"] });
        return table;
    }

    /// <summary>What an event records in the roster: the one reading of the events both appliers below share.</summary>
    private abstract record Fact;
    private sealed record SignedUp(string Stream, string GroupId, string Username, string Kind, Guid SignUpId, Instant? SignedAt, DateTimeOffset RecordedAt) : Fact;
    private sealed record Ended(Guid SignUpId, Instant EffectiveAt, string EndedBy, DateTimeOffset RecordedAt) : Fact;
    private sealed record Retracted(Guid SignUpId, DateTimeOffset RecordedAt) : Fact;
    private sealed record Corrected(Guid SignUpId, Instant SignedAt, DateTimeOffset RecordedAt) : Fact;
    private sealed record Designated(string Stream, string GroupId, string Username, Guid AssignmentId, string Role, string? Title, Instant? EffectiveFrom, DateTimeOffset RecordedAt) : Fact;
    private sealed record RoleClosed(Guid AssignmentId, Instant EffectiveAt, DateTimeOffset RecordedAt) : Fact;
    private sealed record Renamed(string Stream, string NewName) : Fact;

    private static Fact? Describe(IEvent e)
    {
        var recordedAt = e.Timestamp.ToUniversalTime();
        return e.Data switch
        {
            MemberSignedUp s => new SignedUp(e.StreamKey!, s.GroupId, s.Username, Json.Kind(s.Kind), s.SignUpId, s.SignedAt, recordedAt),
            MemberWithdrew w => new Ended(w.SignUpId, w.EffectiveAt, "withdrawal", recordedAt),
            MemberRemoved r => new Ended(r.SignUpId, r.EffectiveAt, "removal", recordedAt),
            SignUpRetracted r => new Retracted(r.SignUpId, recordedAt),
            SignatureTimeCorrected c => new Corrected(c.SignUpId, c.SignedAt, recordedAt),
            RoleDesignated d => new Designated(e.StreamKey!, d.GroupId, d.Username, d.AssignmentId, Json.Kind(d.Role), d.Title, d.EffectiveFrom, recordedAt),
            RoleEnded ended => new RoleClosed(ended.AssignmentId, ended.EffectiveAt, recordedAt),
            // One history under the new name: the person is the stream, the name is how the ledger shows them.
            AccountRenamed renamed => new Renamed(e.StreamKey!, renamed.NewName),
            _ => null,
        };
    }

    /// <summary>One event, as SQL in the write's own transaction.</summary>
    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        switch (Describe(e))
        {
            case SignedUp s:
                operations.QueueSql(
                    $"""
                     insert into {LedgerSchema.MembershipIntervals}
                       (stream_key, group_id, username, skeleton, member_kind, sign_up_id, signed_at, valid_during, known_during)
                     values (?, ?, ?, ?, ?, ?, ?::timestamptz,
                       tstzrange(coalesce(?::timestamptz, '-infinity'), null, '[)'), tstzrange(?::timestamptz, null, '[)'))
                     """,
                    s.Stream, s.GroupId, s.Username, Usernames.Skeleton(s.Username), s.Kind, s.SignUpId, Db(s.SignedAt), Db(s.SignedAt), s.RecordedAt);
                break;
            case Ended ended:
                operations.QueueSql(EndMembershipSql,
                    ended.RecordedAt, ended.SignUpId, Db(ended.EffectiveAt), ended.EndedBy, Db(ended.EffectiveAt), ended.RecordedAt);
                break;
            case Retracted r:
                operations.QueueSql(
                    $"update {LedgerSchema.MembershipIntervals} set known_during = tstzrange(lower(known_during), ?::timestamptz, '[)') where sign_up_id = ? and upper_inf(known_during)",
                    r.RecordedAt, r.SignUpId);
                break;
            case Corrected c:
                operations.QueueSql(CorrectSignatureSql, c.RecordedAt, c.SignUpId, Db(c.SignedAt), Db(c.SignedAt), c.RecordedAt);
                break;
            case Designated d:
                operations.QueueSql(
                    $"""
                     insert into {LedgerSchema.RoleIntervals}
                       (stream_key, group_id, username, assignment_id, role, title, effective_from, valid_during, known_during)
                     values (?, ?, ?, ?, ?, ?, ?::timestamptz,
                       tstzrange(coalesce(?::timestamptz, '-infinity'), null, '[)'), tstzrange(?::timestamptz, null, '[)'))
                     """,
                    d.Stream, d.GroupId, d.Username, d.AssignmentId, d.Role, SqlValue.OrNull(d.Title), Db(d.EffectiveFrom), Db(d.EffectiveFrom), d.RecordedAt);
                break;
            case RoleClosed ended:
                operations.QueueSql(EndRoleSql, ended.RecordedAt, ended.AssignmentId, Db(ended.EffectiveAt), Db(ended.EffectiveAt), ended.RecordedAt);
                break;
            case Renamed renamed:
                operations.QueueSql($"update {LedgerSchema.MembershipIntervals} set username = ?, skeleton = ? where stream_key = ?",
                    renamed.NewName, Usernames.Skeleton(renamed.NewName), renamed.Stream);
                operations.QueueSql($"update {LedgerSchema.RoleIntervals} set username = ? where stream_key = ?", renamed.NewName, renamed.Stream);
                break;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A new belief superseding the believed rows of one key (parameters: the recording time, the key, then the successor's
    /// own): each row is closed at the recording time and followed by the successor <paramref name="successor"/> selects
    /// from it. The in-memory applier's <c>Supersede</c> does the same to rows.
    /// </summary>
    private static string SupersedeSql(string table, string key, string columns, string successor) =>
        $"""
         with closed as (
           update {table} set known_during = tstzrange(lower(known_during), ?::timestamptz, '[)')
           where {key} = ? and upper_inf(known_during) returning *)
         insert into {table} ({columns})
         select {successor} from closed
         """;

    private const string MembershipColumns =
        "stream_key, group_id, username, skeleton, member_kind, sign_up_id, signed_at, ended_at, ended_by, valid_during, known_during";

    // Ended: the believed span closes at the ending (parameters: the ending, how, the ending again, the recording time).
    private static readonly string EndMembershipSql = SupersedeSql(LedgerSchema.MembershipIntervals, "sign_up_id", MembershipColumns,
        "stream_key, group_id, username, skeleton, member_kind, sign_up_id, signed_at, ?::timestamptz, ?, " +
        "tstzrange(lower(valid_during), ?::timestamptz, '[)'), tstzrange(?::timestamptz, null, '[)')");

    // Corrected: the span starts at the corrected signature (parameters: the signature twice, the recording time).
    private static readonly string CorrectSignatureSql = SupersedeSql(LedgerSchema.MembershipIntervals, "sign_up_id", MembershipColumns,
        "stream_key, group_id, username, skeleton, member_kind, sign_up_id, ?::timestamptz, ended_at, ended_by, " +
        "tstzrange(?::timestamptz, upper(valid_during), '[)'), tstzrange(?::timestamptz, null, '[)')");

    // A role ended (parameters: the ending twice, the recording time).
    private static readonly string EndRoleSql = SupersedeSql(LedgerSchema.RoleIntervals, "assignment_id",
        "stream_key, group_id, username, assignment_id, role, title, effective_from, ended_at, valid_during, known_during",
        "stream_key, group_id, username, assignment_id, role, title, effective_from, ?::timestamptz, " +
        "tstzrange(lower(valid_during), ?::timestamptz, '[)'), tstzrange(?::timestamptz, null, '[)')");

    public BulkReplay StartReplay() => new Replay();

    /// <summary>Every event of a rebuild, in memory: the statements above, row for row, then one COPY per table.</summary>
    private sealed class Replay : BulkReplay
    {
        private sealed class Membership
        {
            public required string Stream, GroupId, Username, Skeleton, Kind;
            public required Guid SignUpId;
            public DateTimeOffset? SignedAt, EndedAt;
            public string? EndedBy;
            public required TimeRange Valid, Known;
        }

        private sealed class Role
        {
            public required string Stream, GroupId, Username, Kind;
            public required Guid AssignmentId;
            public string? Title;
            public DateTimeOffset? EffectiveFrom, EndedAt;
            public required TimeRange Valid, Known;
        }

        private readonly List<Membership> _memberships = [];
        private readonly List<Role> _roles = [];
        // The rows each statement's "where ... and upper_inf(known_during)" finds, and each stream's rows for a rename.
        private readonly Dictionary<Guid, List<Membership>> _believedMemberships = [];
        private readonly Dictionary<Guid, List<Role>> _believedRoles = [];
        private readonly Dictionary<string, List<Membership>> _membershipsOf = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<Role>> _rolesOf = new(StringComparer.Ordinal);

        public override void Apply(IEvent e)
        {
            switch (Describe(e))
            {
                case SignedUp s:
                    Add(new Membership
                    {
                        Stream = s.Stream, GroupId = s.GroupId, Username = s.Username, Skeleton = Usernames.Skeleton(s.Username), Kind = s.Kind,
                        SignUpId = s.SignUpId, SignedAt = At(s.SignedAt),
                        Valid = TimeRange.Of(At(s.SignedAt) ?? TimeRange.MinusInfinity, null), Known = TimeRange.Of(s.RecordedAt, null),
                    });
                    break;
                case Ended ended:
                    Supersede(ended.SignUpId, ended.RecordedAt, row => new Membership
                    {
                        Stream = row.Stream, GroupId = row.GroupId, Username = row.Username, Skeleton = row.Skeleton, Kind = row.Kind, SignUpId = row.SignUpId,
                        SignedAt = row.SignedAt,
                        EndedAt = At(ended.EffectiveAt), EndedBy = ended.EndedBy,
                        Valid = TimeRange.Of(row.Valid.LowerBound, At(ended.EffectiveAt)), Known = TimeRange.Of(ended.RecordedAt, null),
                    });
                    break;
                case Retracted r:
                    Supersede(r.SignUpId, r.RecordedAt, successor: null);
                    break;
                case Corrected c:
                    Supersede(c.SignUpId, c.RecordedAt, row => new Membership
                    {
                        Stream = row.Stream, GroupId = row.GroupId, Username = row.Username, Skeleton = row.Skeleton, Kind = row.Kind, SignUpId = row.SignUpId,
                        SignedAt = At(c.SignedAt), EndedAt = row.EndedAt, EndedBy = row.EndedBy,
                        Valid = TimeRange.Of(At(c.SignedAt), row.Valid.UpperBound), Known = TimeRange.Of(c.RecordedAt, null),
                    });
                    break;
                case Designated d:
                    Add(new Role
                    {
                        Stream = d.Stream, GroupId = d.GroupId, Username = d.Username, AssignmentId = d.AssignmentId, Kind = d.Role, Title = d.Title,
                        EffectiveFrom = At(d.EffectiveFrom), Valid = TimeRange.Of(At(d.EffectiveFrom) ?? TimeRange.MinusInfinity, null), Known = TimeRange.Of(d.RecordedAt, null),
                    });
                    break;
                case RoleClosed ended:
                    SupersedeRole(ended.AssignmentId, ended.RecordedAt, row => new Role
                    {
                        Stream = row.Stream, GroupId = row.GroupId, Username = row.Username, AssignmentId = row.AssignmentId, Kind = row.Kind, Title = row.Title,
                        EffectiveFrom = row.EffectiveFrom, EndedAt = At(ended.EffectiveAt),
                        Valid = TimeRange.Of(row.Valid.LowerBound, At(ended.EffectiveAt)), Known = TimeRange.Of(ended.RecordedAt, null),
                    });
                    break;
                case Renamed renamed:
                    foreach (var row in _membershipsOf.GetValueOrDefault(renamed.Stream) ?? [])
                        (row.Username, row.Skeleton) = (renamed.NewName, Usernames.Skeleton(renamed.NewName));
                    foreach (var row in _rolesOf.GetValueOrDefault(renamed.Stream) ?? []) row.Username = renamed.NewName;
                    break;
            }
        }

        private void Add(Membership row)
        {
            _memberships.Add(row);
            Believed(_believedMemberships, row.SignUpId).Add(row);
            Believed(_membershipsOf, row.Stream).Add(row);
        }

        private void Add(Role row)
        {
            _roles.Add(row);
            Believed(_believedRoles, row.AssignmentId).Add(row);
            Believed(_rolesOf, row.Stream).Add(row);
        }

        /// <summary>The "with closed as (update ... returning *) insert ... from closed" statements: every believed row closed, each followed by its successor.</summary>
        private void Supersede(Guid signUpId, DateTimeOffset recordedAt, Func<Membership, Membership>? successor)
        {
            var believed = _believedMemberships.GetValueOrDefault(signUpId) ?? [];
            // Everything is computed before anything changes: a statement that fails changes nothing.
            var closed = believed.Select(row => TimeRange.Of(row.Known.LowerBound, recordedAt)).ToList();
            var next = successor is null ? [] : believed.Select(successor).ToList();
            for (var i = 0; i < believed.Count; i++) believed[i].Known = closed[i];
            believed.Clear();
            next.ForEach(Add);
        }

        private void SupersedeRole(Guid assignmentId, DateTimeOffset recordedAt, Func<Role, Role> successor)
        {
            var believed = _believedRoles.GetValueOrDefault(assignmentId) ?? [];
            var closed = believed.Select(row => TimeRange.Of(row.Known.LowerBound, recordedAt)).ToList();
            var next = believed.Select(successor).ToList();
            for (var i = 0; i < believed.Count; i++) believed[i].Known = closed[i];
            believed.Clear();
            next.ForEach(Add);
        }

        private static List<TRow> Believed<TKey, TRow>(Dictionary<TKey, List<TRow>> index, TKey key) where TKey : notnull
        {
            if (!index.TryGetValue(key, out var rows)) index[key] = rows = [];
            return rows;
        }

        private static readonly Column<Membership>[] MembershipColumns =
        [
            new("stream_key", NpgsqlDbType.Varchar, r => r.Stream), new("group_id", NpgsqlDbType.Varchar, r => r.GroupId),
            new("username", NpgsqlDbType.Varchar, r => r.Username), new("skeleton", NpgsqlDbType.Varchar, r => r.Skeleton),
            new("member_kind", NpgsqlDbType.Varchar, r => r.Kind), new("sign_up_id", NpgsqlDbType.Uuid, r => r.SignUpId),
            new("signed_at", NpgsqlDbType.TimestampTz, r => r.SignedAt), new("ended_at", NpgsqlDbType.TimestampTz, r => r.EndedAt),
            new("ended_by", NpgsqlDbType.Varchar, r => r.EndedBy), new("valid_during", NpgsqlDbType.TimestampTzRange, r => r.Valid.ToNpgsql()),
            new("known_during", NpgsqlDbType.TimestampTzRange, r => r.Known.ToNpgsql()),
        ];

        private static readonly Column<Role>[] RoleColumns =
        [
            new("stream_key", NpgsqlDbType.Varchar, r => r.Stream), new("group_id", NpgsqlDbType.Varchar, r => r.GroupId),
            new("username", NpgsqlDbType.Varchar, r => r.Username), new("assignment_id", NpgsqlDbType.Uuid, r => r.AssignmentId),
            new("role", NpgsqlDbType.Varchar, r => r.Kind), new("title", NpgsqlDbType.Varchar, r => r.Title),
            new("effective_from", NpgsqlDbType.TimestampTz, r => r.EffectiveFrom), new("ended_at", NpgsqlDbType.TimestampTz, r => r.EndedAt),
            new("valid_during", NpgsqlDbType.TimestampTzRange, r => r.Valid.ToNpgsql()), new("known_during", NpgsqlDbType.TimestampTzRange, r => r.Known.ToNpgsql()),
        ];

        public override async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
        {
            await CopyAsync(connection, LedgerSchema.MembershipIntervals, _memberships, MembershipColumns, ct);
            await CopyAsync(connection, LedgerSchema.RoleIntervals, _roles, RoleColumns, ct);
        }
    }

    private static DateTimeOffset? At(Instant? instant) => instant?.ToDateTimeOffset();

    /// <summary>Npgsql writes timestamptz from a UTC DateTimeOffset; NodaTime stays in the domain.</summary>
    private static object Db(Instant? instant) => instant is { } i ? i.ToDateTimeOffset() : DBNull.Value;
}
