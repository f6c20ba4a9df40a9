using System.Globalization;
using System.Text.Json;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using MembershipLedger.Activities;
using MembershipLedger.Grants;
using MembershipLedger.Groups;
using MembershipLedger.Ledger;
using MembershipLedger.Memberships;
using MembershipLedger.People;
using MembershipLedger.Storage;
using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql.Tables;

namespace MembershipLedger.Timelines;

/// <summary>
/// The chronological view of a group and of a person: one row per entry per subject, placed on the day it
/// happened in the group's (or the activity's) time zone. Most entries are single events (a sign-up, a role,
/// a grant awarded); an activity is one entry per subject that follows its latest description and status,
/// so a rescheduled meetup moves on the timeline instead of appearing twice.
/// Undated facts (a signature without a time) keep no day and are listed after the dated ones.
/// </summary>
public sealed class TimelineProjection : EventProjection, IBulkProjection
{
    public const string ProjectionName = "timeline";

    public TimelineProjection()
    {
        Name = ProjectionName;
        IncludeType<GroupRegistered>();
        IncludeType<GroupProfileChanged>();
        IncludeType<MemberSignedUp>();
        IncludeType<MemberWithdrew>();
        IncludeType<MemberRemoved>();
        IncludeType<SignUpRetracted>();
        IncludeType<SignatureTimeCorrected>();
        IncludeType<RoleDesignated>();
        IncludeType<RoleEnded>();
        IncludeType<ActivityPlanned>();
        IncludeType<ActivityDetailsChanged>();
        IncludeType<ActivityHeld>();
        IncludeType<ActivityCancelled>();
        IncludeType<ActivityReported>();
        IncludeType<ActivitySignUpRecorded>();
        IncludeType<ParticipationRecorded>();
        IncludeType<GrantAwarded>();
        IncludeType<FundsReturned>();
        IncludeType<GrantClosed>();

        var table = new Table(LedgerSchema.Timeline);
        table.AddColumn<string>("subject_type").AsPrimaryKey();
        table.AddColumn<string>("subject").AsPrimaryKey();
        table.AddColumn<string>("entry_key").AsPrimaryKey();
        table.AddColumn<long>("seq").NotNull();
        table.AddColumn<string>("category").NotNull();
        table.AddColumn<string>("event_type").NotNull();
        table.AddColumn("occurred_on", "date");
        table.AddColumn("occurred_at", "timestamptz");
        table.AddColumn<string>("group_ids").NotNull();
        table.AddColumn<string>("summary").NotNull();
        table.AddColumn<string>("status");
        table.AddColumn("recorded_at", "timestamptz").NotNull();
        table.AddColumn<string>("recorded_by");
        table.AddColumn("data", "jsonb").NotNull();
        table.Indexes.Add(new IndexDefinition("ix_timeline_subject_day") { Columns = ["subject_type", "subject", "occurred_on", "seq"] });
        table.Indexes.Add(new IndexDefinition("ix_timeline_entry") { Columns = ["entry_key"] });
        // A subject's entries of some categories (a group's activities and grants among its sign-ups).
        table.Indexes.Add(new IndexDefinition("ix_timeline_subject_category") { Columns = ["subject_type", "subject", "category", "occurred_on"] });
        SchemaObjects.Add(table);

        // Which zone a group (or an activity) reads its days in, kept from its own events so a rebuild needs nothing else.
        var zones = new Table(LedgerSchema.TimelineZones);
        zones.AddColumn<string>("zone_key").AsPrimaryKey();
        zones.AddColumn<string>("time_zone").NotNull();
        SchemaObjects.Add(zones);
    }

    private const string Group = "group";
    private const string Person = "person";

    /// <summary>One timeline row: for whom, under which key (an activity's rows are replaced as it changes), when and what.</summary>
    /// <param name="ZoneOf">Whose zone places <paramref name="At"/> on a day: a group id or an activity key.</param>
    /// <param name="DayOf">When neither a day nor an instant is known: the activity key whose first day it takes.</param>
    /// <param name="Status">An activity's status; null keeps the one the entry shows.</param>
    private sealed record Row(
        string SubjectType, string Subject, string Key, string Category, LocalDate? On, Instant? At, string ZoneOf, string Summary,
        string? DayOf = null, string? Status = null);

    /// <summary>What an event changes on the timelines: the one reading of the events both appliers below share.</summary>
    /// <param name="Zone">The zone a group or an activity now reads its days in.</param>
    /// <param name="Status">An activity's new status, shown by its entries.</param>
    private sealed record Change((string Key, string Zone)? Zone, IReadOnlyList<Row> Rows, (string ActivityKey, string Status)? Status, string Data);

    private static Change Read(IEvent e)
    {
        var zone = ZoneOf(e.Data) is var (zoneKey, timeZone) ? (zoneKey, timeZone.Id) : ((string, string)?)null;
        var status = e.Data switch
        {
            ActivityHeld h => (ActivityKey(h.ActivityId), "held"),
            ActivityCancelled c => (ActivityKey(c.ActivityId), "cancelled"),
            ActivityReported r => (ActivityKey(r.ActivityId), "reported"),
            _ => ((string, string)?)null,
        };
        return new Change(zone, Describe(e, e.Timestamp.ToInstant()).ToList(), status, PublicForm.JsonOf(e.Data));
    }

    /// <summary>One event, as SQL, by the daemon.</summary>
    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        // Run by the daemon: every statement applies the event only when a rebuild has not already (AsyncProjections).
        AsyncProjections.EnterBatch(operations);
        var change = Read(e);
        if (change.Zone is var (zoneKey, zone))
            operations.QueueSql(
                $"""
                 insert into {LedgerSchema.TimelineZones} (zone_key, time_zone) select ?, ? where {AsyncProjections.NotYetApplied}
                 on conflict (zone_key) do update set time_zone = excluded.time_zone
                 """,
                zoneKey, zone, e.Sequence);

        var recordedAt = e.Timestamp.ToInstant();
        foreach (var row in change.Rows)
        {
            // A day given as a date is kept; an instant is placed on its day in the zone of the group it concerns.
            operations.QueueSql(
                $"""
                 insert into {LedgerSchema.Timeline}
                   (subject_type, subject, entry_key, seq, category, event_type, occurred_on, occurred_at, group_ids, summary, status, recorded_at, recorded_by, data)
                 select ?, ?, ?, ?, ?, ?,
                   coalesce(?::date,
                     (?::timestamptz at time zone coalesce((select time_zone from {LedgerSchema.TimelineZones} where zone_key = ?), 'UTC'))::date,
                     (select min(occurred_on) from {LedgerSchema.Timeline} where entry_key = ?)),
                   ?::timestamptz, ?, ?, ?, ?::timestamptz, ?, ?::jsonb
                 where {AsyncProjections.NotYetApplied}
                 on conflict (subject_type, subject, entry_key) do update set
                   occurred_on = excluded.occurred_on, group_ids = excluded.group_ids, summary = excluded.summary,
                   status = coalesce(excluded.status, {LedgerSchema.Timeline}.status), data = excluded.data
                 """,
                row.SubjectType, row.Subject, row.Key, e.Sequence, row.Category, e.EventTypeName,
                SqlValue.OrNull(row.On?.ToDateOnly()), SqlValue.OrNull(row.At?.ToDateTimeOffset()), row.ZoneOf, row.DayOf ?? "",
                SqlValue.OrNull(row.At?.ToDateTimeOffset()), GroupsOf(e.Data), row.Summary, SqlValue.OrNull(row.Status), recordedAt.ToDateTimeOffset(), SqlValue.OrNull(e.UserName), change.Data, e.Sequence);
        }

        // Status changes of an activity change the status its entries show.
        if (change.Status is var (activityKey, status))
            operations.QueueSql($"update {LedgerSchema.Timeline} set status = ? where entry_key in (?, ?) and {AsyncProjections.NotYetApplied}",
                status, activityKey, activityKey + ":organizer", e.Sequence);

        return ValueTask.CompletedTask;
    }

    public BulkReplay StartReplay() => new Replay();

    /// <summary>
    /// Every event of a rebuild, in memory: the statements above, an upsert as a row replaced under its key. The one thing
    /// left to SQL is placing an instant on its day in a zone, which PostgreSQL's time zone database does for both: the
    /// rows are copied into a temporary table beside the instant and the zone name, and inserted from there.
    /// </summary>
    private sealed class Replay : BulkReplay
    {
        private sealed class Entry
        {
            public required string SubjectType, Subject, Key, Category, EventType, GroupIds, Summary, Data;
            public required long Seq;
            public LocalDate? On;
            public DateTimeOffset? DayAt, OccurredAt;
            public string? DayZone, Status, RecordedBy;
            public required DateTimeOffset RecordedAt;
        }

        private readonly Dictionary<string, string> _zones = new(StringComparer.Ordinal);
        private readonly Dictionary<(string, string, string), Entry> _entries = [];
        private readonly Dictionary<string, List<Entry>> _byKey = new(StringComparer.Ordinal);

        public override void Apply(IEvent e)
        {
            var change = Read(e);
            // As the statements run: the zone first, then each row, then the status. What can fail is read first, so an
            // event that fails changes nothing (no event has a row whose day follows another row of the same event).
            var days = change.Rows.Select(row => (Row: row, On: row.On ?? (row.At is null && row.DayOf is { } dayOf ? FirstDayOf(dayOf) : null))).ToList();
            if (change.Zone is var (zoneKey, zone)) _zones[zoneKey] = zone;
            foreach (var (row, on) in days)
            {
                var dayAt = row.On is null ? row.At?.ToDateTimeOffset() : null;
                var dayZone = dayAt is null ? null : _zones.GetValueOrDefault(row.ZoneOf, "UTC");
                if (_entries.TryGetValue((row.SubjectType, row.Subject, row.Key), out var entry))
                {
                    // "on conflict ... do update": the day, the groups, the summary, the status (when given) and the data follow.
                    (entry.On, entry.DayAt, entry.DayZone) = (on, dayAt, dayZone);
                    entry.GroupIds = GroupsOf(e.Data);
                    entry.Summary = row.Summary;
                    entry.Status = row.Status ?? entry.Status;
                    entry.Data = change.Data;
                    continue;
                }
                entry = new Entry
                {
                    SubjectType = row.SubjectType, Subject = row.Subject, Key = row.Key, Seq = e.Sequence, Category = row.Category, EventType = e.EventTypeName,
                    On = on, DayAt = dayAt, DayZone = dayZone, OccurredAt = row.At?.ToDateTimeOffset(), GroupIds = GroupsOf(e.Data), Summary = row.Summary,
                    Status = row.Status, RecordedAt = e.Timestamp.ToUniversalTime(), RecordedBy = e.UserName, Data = change.Data,
                };
                _entries[(row.SubjectType, row.Subject, row.Key)] = entry;
                if (!_byKey.TryGetValue(row.Key, out var keyed)) _byKey[row.Key] = keyed = [];
                keyed.Add(entry);
            }
            if (change.Status is var (activityKey, status))
                foreach (var entry in (_byKey.GetValueOrDefault(activityKey) ?? []).Concat(_byKey.GetValueOrDefault(activityKey + ":organizer") ?? []))
                    entry.Status = status;
        }

        /// <summary>"select min(occurred_on) ... where entry_key = ?": an activity's entries always carry their day as a date.</summary>
        private LocalDate? FirstDayOf(string key)
        {
            var entries = _byKey.GetValueOrDefault(key) ?? [];
            if (entries.Any(entry => entry.On is null && entry.DayAt is not null))
                throw new InvalidOperationException($"The entries of {key} are placed by an instant, which a replay cannot compare before they are written.");
            return entries.Where(entry => entry.On is not null).Select(entry => entry.On).Min();
        }

        private static readonly Column<KeyValuePair<string, string>>[] ZoneColumns =
            [new("zone_key", NpgsqlDbType.Varchar, z => z.Key), new("time_zone", NpgsqlDbType.Varchar, z => z.Value)];

        // The timeline's columns but its day, which PostgreSQL computes from the last three on the way in.
        private static readonly Column<Entry>[] EntryColumns =
        [
            new("subject_type", NpgsqlDbType.Varchar, e => e.SubjectType), new("subject", NpgsqlDbType.Varchar, e => e.Subject),
            new("entry_key", NpgsqlDbType.Varchar, e => e.Key), new("seq", NpgsqlDbType.Bigint, e => e.Seq),
            new("category", NpgsqlDbType.Varchar, e => e.Category), new("event_type", NpgsqlDbType.Varchar, e => e.EventType),
            new("occurred_at", NpgsqlDbType.TimestampTz, e => e.OccurredAt), new("group_ids", NpgsqlDbType.Varchar, e => e.GroupIds),
            new("summary", NpgsqlDbType.Varchar, e => e.Summary), new("status", NpgsqlDbType.Varchar, e => e.Status),
            new("recorded_at", NpgsqlDbType.TimestampTz, e => e.RecordedAt), new("recorded_by", NpgsqlDbType.Varchar, e => e.RecordedBy),
            new("data", NpgsqlDbType.Jsonb, e => e.Data),
            new("occurred_on", NpgsqlDbType.Date, e => e.On?.ToDateOnly()), new("day_at", NpgsqlDbType.TimestampTz, e => e.DayAt),
            new("day_zone", NpgsqlDbType.Varchar, e => e.DayZone),
        ];

        public override async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
        {
            await CopyAsync(connection, LedgerSchema.TimelineZones, _zones, ZoneColumns, ct);
            var stored = EntryColumns.Take(EntryColumns.Length - 3).Select(c => c.Name).ToList();
            await using (var create = new NpgsqlCommand(
                $"create temporary table timeline_replay (like {LedgerSchema.Timeline} excluding all, day_at timestamptz, day_zone varchar) on commit drop",
                connection, tx))
                await create.ExecuteNonQueryAsync(ct);
            await CopyAsync(connection, "timeline_replay", _entries.Values, EntryColumns, ct);
            await using var insert = new NpgsqlCommand(
                $"""
                 insert into {LedgerSchema.Timeline} ({string.Join(", ", stored)}, occurred_on)
                 select {string.Join(", ", stored)}, coalesce(occurred_on, (day_at at time zone day_zone)::date) from timeline_replay
                 """, connection, tx);
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    private static IEnumerable<Row> Describe(IEvent e, Instant recordedAt)
    {
        var key = $"event:{e.Sequence.ToString(CultureInfo.InvariantCulture)}";
        IEnumerable<Row> Both(string groupId, string username, string category, Instant? at, string summary) =>
        [
            new Row(Group, groupId, key, category, null, at, groupId, summary),
            new Row(Person, username, key, category, null, at, groupId, summary),
        ];

        switch (e.Data)
        {
            case GroupRegistered g:
                return [new Row(Group, g.GroupId, key, "profile", null, recordedAt, g.GroupId, $"{g.Profile.Name} registered in the ledger")];
            case GroupProfileChanged g:
                return [new Row(Group, g.GroupId, key, "profile", null, recordedAt, g.GroupId, $"Profile changed: {string.Join(", ", g.ChangedFields)}")];
            case MemberSignedUp s:
                return Both(s.GroupId, s.Username, "membership", s.SignedAt, s.SignedAt is null ? $"{s.Username} signed up (undated)" : $"{s.Username} signed up");
            case MemberWithdrew w:
                return Both(w.GroupId, w.Username, "membership", w.EffectiveAt, $"{w.Username} withdrew");
            case MemberRemoved r:
                return Both(r.GroupId, r.Username, "membership", r.EffectiveAt, $"{r.Username} was removed");
            case SignUpRetracted r:
                return Both(r.GroupId, r.Username, "membership", recordedAt, $"{r.Username}'s sign-up was retracted as recorded in error");
            case SignatureTimeCorrected c:
                return Both(c.GroupId, c.Username, "membership", recordedAt, $"{c.Username}'s signature time was corrected to {c.SignedAt}");
            case RoleDesignated d:
                return Both(d.GroupId, d.Username, "role", d.EffectiveFrom, $"{d.Username} designated {RoleName(d.Role, d.Title)}");
            case RoleEnded r:
                return Both(r.GroupId, r.Username, "role", r.EffectiveAt, $"{r.Username}'s role ended");
            case ActivityPlanned p:
                return ActivityRows(p.ActivityId, p.Details, "planned");
            case ActivityDetailsChanged c:
                return ActivityRows(c.ActivityId, c.Details, null);
            case ActivitySignUpRecorded s:
                return [new Row(Person, s.Username, key, "activity", null, s.SignedAt, ActivityKey(s.ActivityId),
                    $"{s.Username} signed up for {s.ActivityId}", DayOf: ActivityKey(s.ActivityId))];
            case ParticipationRecorded p:
                return [new Row(Person, p.Username, key, "participation", p.On, null, ActivityKey(p.ActivityId),
                    $"{p.Username} {Json.Kind(p.Part)} at {p.ActivityId}{(p.Note is null ? "" : ": " + p.Note)}", DayOf: ActivityKey(p.ActivityId))];
            case GrantAwarded a:
                return [new Row(Group, a.GroupId, key, "grant", a.AwardedOn.FirstDay, null, a.GroupId,
                    $"Grant {a.GrantId} awarded by {a.Grantor} ({a.Program}): {a.Total} {a.Currency} for {a.Purpose}")];
            case FundsReturned f:
                return [new Row(Group, f.GroupId, key, "grant", f.ReturnedOn, null, f.GroupId, $"{f.Amount} returned from grant {f.GrantId}")];
            case GrantClosed c:
                return [new Row(Group, c.GroupId, key, "grant", c.ClosedOn.FirstDay, null, c.GroupId,
                    $"Grant {c.GrantId} closed: {c.Spent} spent, {c.Returned} returned, {c.Unspent} unspent")];
            default:
                return [];
        }
    }

    /// <summary>An activity's entries: one per group it belongs to and one per organizer, at its first day.</summary>
    private static IEnumerable<Row> ActivityRows(string activityId, ActivityDetails details, string? status)
    {
        // A description change passes no status, so the entry keeps the one it shows.
        // A day known only to its month or year sits at the first day it can be, and says how little is known.
        var when = details.StartsOn.IsExact ? "" : $", {details.StartsOn}";
        var summary = $"{details.Title} ({Json.Kind(details.Kind)}, {Where(details.Place)}{when})";
        foreach (var groupId in details.GroupIds)
            yield return new Row(Group, groupId, ActivityKey(activityId), "activity", details.StartsOn.FirstDay, null, groupId, summary, Status: status);
        foreach (var organizer in details.Organizers)
            yield return new Row(Person, organizer, ActivityKey(activityId) + ":organizer", "activity", details.StartsOn.FirstDay, null, "",
                $"Organized {summary}", Status: status);
    }

    private static string ActivityKey(string activityId) => $"activity:{activityId}";

    private static string Where(Place place) =>
        string.Join(", ", new[] { place.City, place.CountryCode, place.Online ? "online" : null }.Where(p => p is not null)) is { Length: > 0 } where
            ? where
            : "place not stated";

    private static string RoleName(RoleKind role, string? title) => title is null ? Json.Kind(role) : $"{Json.Kind(role)} ({title})";

    private static (string Key, DateTimeZone Zone)? ZoneOf(object data) => data switch
    {
        GroupRegistered g => (g.GroupId, g.Profile.TimeZone),
        GroupProfileChanged g => (g.GroupId, g.Profile.TimeZone),
        ActivityPlanned p => (ActivityKey(p.ActivityId), p.Details.TimeZone),
        ActivityDetailsChanged c => (ActivityKey(c.ActivityId), c.Details.TimeZone),
        _ => null,
    };

    private static string GroupsOf(object data) => data switch
    {
        ActivityPlanned p => string.Join(",", p.Details.GroupIds),
        ActivityDetailsChanged c => string.Join(",", c.Details.GroupIds),
        _ => "",
    };
}
