using System.Text.Json;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using MembershipLedger.Groups;
using MembershipLedger.People;
using MembershipLedger.Storage;
using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql.Tables;

namespace MembershipLedger.Memberships.History;

/// <summary>
/// One row per ledger event about a group or a person: when it took effect, when it was recorded, by whom,
/// through what and why. Answers "what happened to this membership, and who said so" without replaying
/// streams, and pages by the event's global sequence.
/// </summary>
public sealed class HistoryProjection : EventProjection, IBulkProjection
{
    public const string ProjectionName = "history";

    public HistoryProjection()
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
        IncludeType<ContactDetailsRecorded>();
        IncludeType<AccountRenamed>();
        // A group's recognition is part of its audited history; a person's capacities (personal data) never are.
        IncludeType<Governance.RecognitionApplied>();
        IncludeType<Governance.ProvisionallyApproved>();
        IncludeType<Governance.GroupRecognized>();
        IncludeType<Governance.AgreementSigned>();
        IncludeType<Governance.ReportSubmitted>();
        IncludeType<Governance.RecognitionSuspended>();
        IncludeType<Governance.RecognitionReinstated>();
        IncludeType<Governance.GroupDerecognized>();

        var table = new Table(LedgerSchema.History);
        table.AddColumn<long>("seq").AsPrimaryKey();
        table.AddColumn<Guid>("event_id").NotNull();
        table.AddColumn<string>("stream_key").NotNull();
        table.AddColumn<string>("group_id").NotNull();
        table.AddColumn<string>("username");
        table.AddColumn<string>("event_type").NotNull();
        table.AddColumn("effective_at", "timestamptz");
        table.AddColumn("recorded_at", "timestamptz").NotNull();
        table.AddColumn<string>("recorded_by");
        table.AddColumn<string>("reason");
        table.AddColumn<string>("source");
        table.AddColumn<string>("correlation_id");
        table.AddColumn("data", "jsonb").NotNull();
        table.Indexes.Add(new IndexDefinition("ix_ledger_history_group") { Columns = ["group_id", "seq"] });
        table.Indexes.Add(new IndexDefinition("ix_ledger_history_username") { Columns = ["username", "seq"] });
        SchemaObjects.Add(table);
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        if (Entry.Of(e) is not { } entry) return ValueTask.CompletedTask;
        // Run by the daemon: every statement applies the event only when a rebuild has not already (AsyncProjections).
        AsyncProjections.EnterBatch(operations);
        // One history under the new name: earlier rows of the person's stream follow the rename.
        if (e.Data is AccountRenamed renamed)
            operations.QueueSql($"update {LedgerSchema.History} set username = ? where stream_key = ? and {AsyncProjections.NotYetApplied}",
                renamed.NewName, e.StreamKey!, e.Sequence);
        operations.QueueSql(
            $"""
             insert into {LedgerSchema.History}
               (seq, event_id, stream_key, group_id, username, event_type, effective_at, recorded_at, recorded_by, reason, source, correlation_id, data)
             select ?, ?, ?, ?, ?, ?, ?::timestamptz, ?::timestamptz, ?, ?, ?, ?, ?::jsonb
             where {AsyncProjections.NotYetApplied}
             on conflict (seq) do nothing
             """,
            entry.Seq, entry.EventId, entry.Stream, entry.GroupId, SqlValue.OrNull(entry.Username), entry.EventType, SqlValue.OrNull(entry.EffectiveAt),
            entry.RecordedAt, SqlValue.OrNull(entry.RecordedBy), SqlValue.OrNull(entry.Reason), SqlValue.OrNull(entry.Source), SqlValue.OrNull(entry.CorrelationId),
            entry.Data, e.Sequence);
        return ValueTask.CompletedTask;
    }

    /// <summary>The row an event adds: the one reading of the events both appliers share.</summary>
    private sealed record Entry(
        long Seq, Guid EventId, string Stream, string GroupId, string? Username, string EventType, DateTimeOffset? EffectiveAt, DateTimeOffset RecordedAt,
        string? RecordedBy, string? Reason, string? Source, string? CorrelationId, string Data)
    {
        public string? Username { get; set; } = Username;

        public static Entry? Of(IEvent e) => Describe(e.Data) is not { } row ? null : new Entry(
            e.Sequence, e.Id, e.StreamKey!, row.GroupId, row.Username, e.EventTypeName, row.EffectiveAt?.ToDateTimeOffset(), e.Timestamp.ToUniversalTime(),
            e.UserName, EventMetadata.ReasonOf(e), EventMetadata.SourceOf(e), e.CorrelationId, PublicForm.JsonOf(e.Data));
    }

    public BulkReplay StartReplay() => new Replay();

    /// <summary>Every event of a rebuild, in memory (the statements above: a rename renames the stream's earlier rows), then one COPY.</summary>
    private sealed class Replay : BulkReplay
    {
        private readonly List<Entry> _rows = [];
        private readonly HashSet<long> _written = [];
        private readonly Dictionary<string, List<Entry>> _ofStream = new(StringComparer.Ordinal);

        public override void Apply(IEvent e)
        {
            if (Entry.Of(e) is not { } entry) return;
            if (e.Data is AccountRenamed renamed)
                foreach (var row in _ofStream.GetValueOrDefault(entry.Stream) ?? []) row.Username = renamed.NewName;
            if (!_written.Add(entry.Seq)) return;
            _rows.Add(entry);
            if (!_ofStream.TryGetValue(entry.Stream, out var rows)) _ofStream[entry.Stream] = rows = [];
            rows.Add(entry);
        }

        private static readonly Column<Entry>[] Columns =
        [
            new("seq", NpgsqlDbType.Bigint, r => r.Seq), new("event_id", NpgsqlDbType.Uuid, r => r.EventId),
            new("stream_key", NpgsqlDbType.Varchar, r => r.Stream), new("group_id", NpgsqlDbType.Varchar, r => r.GroupId),
            new("username", NpgsqlDbType.Varchar, r => r.Username), new("event_type", NpgsqlDbType.Varchar, r => r.EventType),
            new("effective_at", NpgsqlDbType.TimestampTz, r => r.EffectiveAt), new("recorded_at", NpgsqlDbType.TimestampTz, r => r.RecordedAt),
            new("recorded_by", NpgsqlDbType.Varchar, r => r.RecordedBy), new("reason", NpgsqlDbType.Varchar, r => r.Reason),
            new("source", NpgsqlDbType.Varchar, r => r.Source), new("correlation_id", NpgsqlDbType.Varchar, r => r.CorrelationId),
            new("data", NpgsqlDbType.Jsonb, r => r.Data),
        ];

        public override Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct) =>
            CopyAsync(connection, LedgerSchema.History, _rows, Columns, ct);
    }

    private sealed record Row(string GroupId, string? Username, Instant? EffectiveAt);

    private static Row? Describe(object data) => data switch
    {
        GroupRegistered g => new Row(g.GroupId, null, null),
        GroupProfileChanged g => new Row(g.GroupId, null, null),
        MemberSignedUp s => new Row(s.GroupId, s.Username, s.SignedAt),
        MemberWithdrew w => new Row(w.GroupId, w.Username, w.EffectiveAt),
        MemberRemoved r => new Row(r.GroupId, r.Username, r.EffectiveAt),
        SignUpRetracted r => new Row(r.GroupId, r.Username, null),
        SignatureTimeCorrected c => new Row(c.GroupId, c.Username, c.SignedAt),
        RoleDesignated d => new Row(d.GroupId, d.Username, d.EffectiveFrom),
        RoleEnded r => new Row(r.GroupId, r.Username, r.EffectiveAt),
        ContactDetailsRecorded c => new Row(c.GroupId, c.Username, null),
        AccountRenamed r => new Row(r.GroupId, r.NewName, null),
        Governance.RecognitionApplied or Governance.ProvisionallyApproved or Governance.GroupRecognized or Governance.AgreementSigned
            or Governance.ReportSubmitted or Governance.RecognitionSuspended or Governance.RecognitionReinstated or Governance.GroupDerecognized =>
            new Row((string)data.GetType().GetProperty("GroupId")!.GetValue(data)!, null, null),
        _ => null,
    };
}
