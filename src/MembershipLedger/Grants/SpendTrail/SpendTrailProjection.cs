using System.Text.Json;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using MembershipLedger.Ledger;
using MembershipLedger.Storage;
using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql.Tables;

namespace MembershipLedger.Grants.SpendTrail;

/// <summary>
/// One row per budget movement, expense, reversal, return and closure of every grant (an award writes a row
/// per budget line), with the deltas it makes to the budget, to the money spent and to the money returned,
/// and who recorded it. The spend trail sums these deltas in date order; nothing is replayed, so every view adds up
/// from the same rows and reconciles to the cent. Beside them, <c>grant_days</c> keeps the same deltas summed per
/// grant, day and line, written in the same statement as the row it adds: the trail's totals as of a date, and the sums
/// before any page, read a few hundred day rows instead of every entry (a 100k-expense grant's trail in milliseconds).
/// </summary>
public sealed class SpendTrailProjection : EventProjection, IBulkProjection
{
    public const string ProjectionName = "spend-trail";

    public SpendTrailProjection()
    {
        Name = ProjectionName;
        IncludeType<GrantAwarded>();
        IncludeType<BudgetLineAdded>();
        IncludeType<BudgetLineRevised>();
        IncludeType<ExpenseRecorded>();
        IncludeType<ExpenseReversed>();
        IncludeType<FundsReturned>();
        IncludeType<GrantClosed>();
        IncludeType<GrantAmended>();
        IncludeType<BudgetReallocated>();
        IncludeType<FundsReceived>();

        var table = new Table(LedgerSchema.GrantEntries);
        table.AddColumn<long>("seq").AsPrimaryKey();
        table.AddColumn<int>("ordinal").AsPrimaryKey();
        table.AddColumn<string>("grant_id").NotNull();
        table.AddColumn<string>("entry_type").NotNull();
        // The last day the entry can fall on ("2019" counts from 2019-12-31): a trail as of a date shows what had
        // certainly happened by then. The date as the record gives it is kept beside it for display.
        table.AddColumn("effective_on", "date").NotNull();
        table.AddColumn<string>("effective_text").NotNull();
        table.AddColumn<string>("line_id");
        table.AddColumn<string>("category");
        table.AddColumn("budget_delta", "numeric").NotNull();
        // What the entry added to the award: its total on the award's first row, the change on an amendment's. A trail
        // as of a date counts the total as amended by then.
        table.AddColumn("awarded_delta", "numeric").NotNull().DefaultValueByExpression("0");
        table.AddColumn("spent_delta", "numeric").NotNull();
        table.AddColumn("returned_delta", "numeric").NotNull();
        table.AddColumn("paid_amount", "numeric");
        table.AddColumn<string>("paid_currency");
        table.AddColumn("exchange_rate", "numeric");
        table.AddColumn<string>("payee");
        table.AddColumn<string>("description");
        table.AddColumn<string>("reference");
        table.AddColumn<Guid>("expense_id");
        table.AddColumn("recorded_at", "timestamptz").NotNull();
        table.AddColumn<string>("recorded_by");
        table.AddColumn<string>("reason");
        table.AddColumn<string>("source");
        // The event's own fields, as recorded: a field added to an event reaches the trail (TrailEntry.Recorded) with no
        // column, no query and no mapping to change. Nullable only so that a ledger built before it can gain the column;
        // the rebuild its new definition triggers fills it.
        table.AddColumn("recorded", "jsonb");
        table.Indexes.Add(new IndexDefinition("ix_grant_entries_trail") { Columns = ["grant_id", "effective_on", "seq", "ordinal"] });
        table.Indexes.Add(new IndexDefinition("ix_grant_entries_expense") { Columns = ["expense_id"], Predicate = "expense_id is not null" });
        // A line's name as of a date: the few rows that name it (an award, an added or revised line), not the expenses between.
        table.Indexes.Add(new IndexDefinition("ix_grant_entries_category")
        {
            Columns = ["grant_id", "line_id", "effective_on", "seq", "ordinal"], Predicate = "category is not null",
        });
        SchemaObjects.Add(table);

        var days = new Table(LedgerSchema.GrantDays);
        days.AddColumn<string>("grant_id").AsPrimaryKey();
        days.AddColumn("effective_on", "date").AsPrimaryKey();
        // '' for the entries on no line (returns, receipts, closure, an award's total), so the key has no null in it.
        days.AddColumn<string>("line_key").AsPrimaryKey();
        days.AddColumn("budget", "numeric").NotNull();
        days.AddColumn("spent", "numeric").NotNull();
        days.AddColumn("returned", "numeric").NotNull();
        days.AddColumn("awarded", "numeric").NotNull();
        days.AddColumn<long>("entries").NotNull();
        days.AddColumn<bool>("closed").NotNull();
        SchemaObjects.Add(days);
    }

    private sealed record Entry(
        string? LineId, string? Category, decimal Budget, decimal Spent, decimal Returned, PartialDate On,
        decimal? PaidAmount = null, string? PaidCurrency = null, decimal? Rate = null, string? Payee = null,
        string? Description = null, string? Reference = null, Guid? ExpenseId = null, decimal Awarded = 0m);

    /// <summary>A row of <c>grant_entries</c>: the one reading of the events both appliers below share.</summary>
    private sealed record Row(long Seq, int Ordinal, string GrantId, string EntryType, DateOnly EffectiveOn, Entry Entry,
        DateTimeOffset RecordedAt, string? RecordedBy, string? Reason, string? Source, string Recorded)
    {
        public string LineKey => Entry.LineId ?? "";
    }

    private static IEnumerable<Row> Rows(IEvent e)
    {
        var (grantId, entries) = Describe(e.Data);
        if (entries.Count == 0) return [];
        var recorded = JsonSerializer.Serialize(e.Data, e.Data.GetType(), Json.Options);
        return entries.Select((entry, ordinal) => new Row(e.Sequence, ordinal, grantId, e.EventTypeName, entry.On.LastDay.ToDateOnly(), entry,
            e.Timestamp.ToUniversalTime(), e.UserName, EventMetadata.ReasonOf(e), EventMetadata.SourceOf(e), recorded));
    }

    /// <summary>One event, as SQL in the write's own transaction.</summary>
    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        foreach (var row in Rows(e))
        {
            var entry = row.Entry;
            operations.QueueSql(
                $"""
                 with entry as (
                   insert into {LedgerSchema.GrantEntries}
                     (seq, ordinal, grant_id, entry_type, effective_on, effective_text, line_id, category, budget_delta, spent_delta, returned_delta,
                      paid_amount, paid_currency, exchange_rate, payee, description, reference, expense_id, recorded_at, recorded_by, reason, source, recorded,
                      awarded_delta)
                   values (?, ?, ?, ?, ?::date, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::timestamptz, ?, ?, ?, ?::jsonb, ?)
                   on conflict do nothing
                   returning grant_id, effective_on, coalesce(line_id, '') as line_key, budget_delta, spent_delta, returned_delta, awarded_delta, entry_type)
                 -- The day's sums move with the row, and only when the row was written: an entry applied twice counts once.
                 insert into {LedgerSchema.GrantDays} as d (grant_id, effective_on, line_key, budget, spent, returned, awarded, entries, closed)
                 select grant_id, effective_on, line_key, budget_delta, spent_delta, returned_delta, awarded_delta, 1, entry_type = 'grant-closed' from entry
                 on conflict (grant_id, effective_on, line_key) do update set
                   budget = d.budget + excluded.budget, spent = d.spent + excluded.spent, returned = d.returned + excluded.returned,
                   awarded = d.awarded + excluded.awarded, entries = d.entries + 1, closed = d.closed or excluded.closed
                 """,
                row.Seq, row.Ordinal, row.GrantId, row.EntryType, row.EffectiveOn, entry.On.ToString(), SqlValue.OrNull(entry.LineId), SqlValue.OrNull(entry.Category),
                entry.Budget, entry.Spent, entry.Returned, SqlValue.OrNull(entry.PaidAmount), SqlValue.OrNull(entry.PaidCurrency), SqlValue.OrNull(entry.Rate),
                SqlValue.OrNull(entry.Payee), SqlValue.OrNull(entry.Description), SqlValue.OrNull(entry.Reference), SqlValue.OrNull(entry.ExpenseId),
                row.RecordedAt, SqlValue.OrNull(row.RecordedBy), SqlValue.OrNull(row.Reason), SqlValue.OrNull(row.Source), row.Recorded, entry.Awarded);
        }
        return ValueTask.CompletedTask;
    }

    public BulkReplay StartReplay() => new Replay();

    /// <summary>Every event of a rebuild, in memory (the statement above: a row written once, the day's sums moved by it), then one COPY per table.</summary>
    private sealed class Replay : BulkReplay
    {
        private sealed class Day
        {
            public decimal Budget, Spent, Returned, Awarded;
            public long Entries;
            public bool Closed;
        }

        private readonly List<Row> _rows = [];
        private readonly HashSet<(long, int)> _written = [];
        private readonly Dictionary<(string GrantId, DateOnly On, string LineKey), Day> _days = [];

        public override void Apply(IEvent e)
        {
            foreach (var row in Rows(e).ToList())
            {
                if (!_written.Add((row.Seq, row.Ordinal))) continue;
                _rows.Add(row);
                if (!_days.TryGetValue((row.GrantId, row.EffectiveOn, row.LineKey), out var day)) _days[(row.GrantId, row.EffectiveOn, row.LineKey)] = day = new Day();
                day.Budget += row.Entry.Budget;
                day.Spent += row.Entry.Spent;
                day.Returned += row.Entry.Returned;
                day.Awarded += row.Entry.Awarded;
                day.Entries++;
                day.Closed |= row.EntryType == "grant-closed";
            }
        }

        private static readonly Column<Row>[] EntryColumns =
        [
            new("seq", NpgsqlDbType.Bigint, r => r.Seq), new("ordinal", NpgsqlDbType.Integer, r => r.Ordinal),
            new("grant_id", NpgsqlDbType.Varchar, r => r.GrantId), new("entry_type", NpgsqlDbType.Varchar, r => r.EntryType),
            new("effective_on", NpgsqlDbType.Date, r => r.EffectiveOn), new("effective_text", NpgsqlDbType.Varchar, r => r.Entry.On.ToString()),
            new("line_id", NpgsqlDbType.Varchar, r => r.Entry.LineId), new("category", NpgsqlDbType.Varchar, r => r.Entry.Category),
            new("budget_delta", NpgsqlDbType.Numeric, r => r.Entry.Budget), new("spent_delta", NpgsqlDbType.Numeric, r => r.Entry.Spent),
            new("returned_delta", NpgsqlDbType.Numeric, r => r.Entry.Returned), new("paid_amount", NpgsqlDbType.Numeric, r => r.Entry.PaidAmount),
            new("paid_currency", NpgsqlDbType.Varchar, r => r.Entry.PaidCurrency), new("exchange_rate", NpgsqlDbType.Numeric, r => r.Entry.Rate),
            new("payee", NpgsqlDbType.Varchar, r => r.Entry.Payee), new("description", NpgsqlDbType.Varchar, r => r.Entry.Description),
            new("reference", NpgsqlDbType.Varchar, r => r.Entry.Reference), new("expense_id", NpgsqlDbType.Uuid, r => r.Entry.ExpenseId),
            new("recorded_at", NpgsqlDbType.TimestampTz, r => r.RecordedAt), new("recorded_by", NpgsqlDbType.Varchar, r => r.RecordedBy),
            new("reason", NpgsqlDbType.Varchar, r => r.Reason), new("source", NpgsqlDbType.Varchar, r => r.Source),
            new("recorded", NpgsqlDbType.Jsonb, r => r.Recorded), new("awarded_delta", NpgsqlDbType.Numeric, r => r.Entry.Awarded),
        ];

        private static readonly Column<KeyValuePair<(string GrantId, DateOnly On, string LineKey), Day>>[] DayColumns =
        [
            new("grant_id", NpgsqlDbType.Varchar, d => d.Key.GrantId), new("effective_on", NpgsqlDbType.Date, d => d.Key.On),
            new("line_key", NpgsqlDbType.Varchar, d => d.Key.LineKey), new("budget", NpgsqlDbType.Numeric, d => d.Value.Budget),
            new("spent", NpgsqlDbType.Numeric, d => d.Value.Spent), new("returned", NpgsqlDbType.Numeric, d => d.Value.Returned),
            new("awarded", NpgsqlDbType.Numeric, d => d.Value.Awarded), new("entries", NpgsqlDbType.Bigint, d => d.Value.Entries),
            new("closed", NpgsqlDbType.Boolean, d => d.Value.Closed),
        ];

        public override async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
        {
            await CopyAsync(connection, LedgerSchema.GrantEntries, _rows, EntryColumns, ct);
            await CopyAsync(connection, LedgerSchema.GrantDays, _days, DayColumns, ct);
        }
    }

    private static (string GrantId, IReadOnlyList<Entry> Entries) Describe(object data) => data switch
    {
        // An award without lines still leaves a row, so the trail opens with it.
        GrantAwarded a => (a.GrantId, a.Lines.Count == 0
            ? [new Entry(null, null, 0m, 0m, 0m, a.AwardedOn, Description: a.Purpose, Awarded: a.Total)]
            : a.Lines.Select((l, i) => new Entry(l.LineId, l.Category, l.Amount, 0m, 0m, a.AwardedOn, Description: a.Purpose, Awarded: i == 0 ? a.Total : 0m)).ToList()),
        GrantAmended m => (m.GrantId, [new Entry(null, null, 0m, 0m, 0m, m.ApprovedOn,
            Description: $"Total amended from {m.PreviousTotal} to {m.Total}", Reference: m.ApprovalReference, Awarded: m.Total - m.PreviousTotal)]),
        // One request, a row per line it touches: taken from one, given to the other, under the same event.
        BudgetReallocated r => (r.GrantId, r.Moves.SelectMany(m => new[]
        {
            new Entry(m.FromLineId, null, -m.Amount, 0m, 0m, r.ApprovedOn, Description: $"Moved to {m.ToLineId}", Reference: r.ApprovalReference),
            new Entry(m.ToLineId, null, m.Amount, 0m, 0m, r.ApprovedOn, Description: $"Moved from {m.FromLineId}", Reference: r.ApprovalReference),
        }).ToList()),
        BudgetLineAdded l => (l.GrantId, [new Entry(l.Line.LineId, l.Line.Category, l.Line.Amount, 0m, 0m, l.RevisedOn)]),
        BudgetLineRevised r => (r.GrantId, [new Entry(r.LineId, r.Category, r.Amount - r.PreviousAmount, 0m, 0m, r.RevisedOn)]),
        ExpenseRecorded x => (x.GrantId, [new Entry(x.LineId, null, 0m, x.AmountInGrantCurrency, 0m, x.SpentOn,
            x.Amount, x.Currency, x.ExchangeRate, x.Payee, x.Description, x.Receipt, x.ExpenseId)]),
        ExpenseReversed r => (r.GrantId, [new Entry(r.LineId, null, 0m, -r.AmountInGrantCurrency, 0m, r.ReversedOn, ExpenseId: r.ExpenseId)]),
        FundsReturned f => (f.GrantId, [new Entry(null, null, 0m, 0m, f.Amount, f.ReturnedOn, Reference: f.Reference)]),
        // What arrived, in the currency it arrived in and at the rate it gives; the amount sent is in the recorded event.
        FundsReceived r => (r.GrantId, [new Entry(null, null, 0m, 0m, 0m, r.ReceivedOn, r.Received, r.Currency, new Receipts(r.Currency, r.Sent, r.Received).Rate,
            Description: $"Received {r.Received} {r.Currency} of {r.Sent} sent", Reference: r.Reference)]),
        GrantClosed c => (c.GrantId, [new Entry(null, null, 0m, 0m, 0m, c.ClosedOn, Reference: c.FinalReportUrl)]),
        _ => ("", []),
    };
}
