using System.Text.Json;
using MembershipLedger.Ledger;
using MembershipLedger.Storage;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Grants.SpendTrail;

/// <summary>A grant's balances and its entries in date order, as of a date.</summary>
/// <param name="AsOf">The last date counted; null: everything recorded.</param>
/// <param name="Status"><c>open</c>, or <c>closed</c> when the closure falls on or before <paramref name="AsOf"/>.</param>
/// <param name="EntryCount">Entries in the whole trail up to <paramref name="AsOf"/>; <paramref name="Entries"/> is one page of them.</param>
/// <param name="NextAfter">Pass as <c>after</c> to read the next page; null on the last page.</param>
public sealed record SpendTrailView(
    string GrantId, string GroupId, string Grantor, string Program, string Currency, PartialDate PeriodStart, PartialDate PeriodEnd,
    LocalDate? AsOf, string Status, SpendTotals Totals, IReadOnlyList<LineBalance> Lines, long EntryCount,
    IReadOnlyList<TrailEntry> Entries, long? NextAfter);

/// <param name="Awarded">The grant's total, as amended by the date asked about.</param>
/// <param name="Budgeted">Allocated to budget lines.</param>
/// <param name="Unallocated">Awarded but on no line.</param>
/// <param name="Remaining">Awarded, less spent, less returned.</param>
public sealed record SpendTotals(decimal Awarded, decimal Budgeted, decimal Unallocated, decimal Spent, decimal Returned, decimal Remaining);

public sealed record LineBalance(string LineId, string Category, decimal Budgeted, decimal Spent, decimal Remaining, bool Overspent);

/// <summary>One entry of the trail, with the balances as they stood after it.</summary>
/// <param name="Position">1-based place in the trail (date order, then recording order).</param>
/// <param name="Sequence">The event's global sequence in the store.</param>
/// <param name="Type">The pinned event type name, e.g. <c>expense-recorded</c>.</param>
/// <param name="BudgetChange">What the entry added to (or took from) its line's budget.</param>
/// <param name="SpentChange">What the entry added to (or, for a reversal, took from) the money spent, in the grant's currency.</param>
/// <param name="PaidAmount">For an expense: the amount as paid, in <paramref name="PaidCurrency"/>.</param>
/// <param name="ExchangeRate">Grant currency per unit paid, when the currencies differ.</param>
/// <param name="Reference">Receipt, return reference or final report link.</param>
/// <param name="SpentToDate">Spent after this entry, net of reversals.</param>
/// <param name="Remaining">Awarded, less spent and returned, after this entry.</param>
/// <param name="Flags"><c>outside-grant-period</c>, <c>overspends-line</c>, <c>exceeds-grant</c>, <c>reversed</c>.</param>
/// <param name="Recorded">The event's own fields as recorded (an expense's receipt, payee, rate, and any field added later).</param>
public sealed record TrailEntry(
    long Position, long Sequence, string Type, PartialDate EffectiveOn, string? LineId, string? Category,
    decimal BudgetChange, decimal SpentChange, decimal ReturnedChange, decimal? PaidAmount, string? PaidCurrency, decimal? ExchangeRate,
    string? Payee, string? Description, string? Reference, Guid? ExpenseId, decimal SpentToDate, decimal Remaining,
    IReadOnlyList<string> Flags, Instant RecordedAt, string? RecordedBy, string? Reason, string? Source, JsonElement? Recorded);

public static class SpendTrailQuery
{
    public const int MaxPageSize = 1000;

    // The trail's order: by date, then as recorded (an award's lines in their order).
    private const string Order = "effective_on, seq, ordinal";

    // Where a page starts, from the day sums: the day holding the entry at position $3 (the entries before the page) and
    // how many of that day's entries come before it. Past the last entry, the day is 'infinity' and nothing is skipped.
    private static readonly string Anchor =
        $"""
         per_day as (
           select effective_on, sum(entries)::bigint as entries from {LedgerSchema.GrantDays}
           where grant_id = $1 and effective_on <= $2 group by effective_on),
         cumulative as (
           select effective_on, entries, (sum(entries) over (order by effective_on) - entries)::bigint as before from per_day),
         starting as (select effective_on, $3 - before as skip from cumulative where before <= $3 and $3 < before + entries),
         anchor as (
           select coalesce((select effective_on from starting), 'infinity'::date) as day, coalesce((select skip from starting), 0)::bigint as skip)
         """;

    // One page, read through the (grant, date, sequence) index from the anchor's day on; whether an expense was later
    // reversed is asked for the page's rows only.
    private static readonly string PageSql =
        $"""
         with {Anchor},
         page as (
           select e.* from {LedgerSchema.GrantEntries} e
           where e.grant_id = $1 and e.effective_on <= $2 and e.effective_on >= (select day from anchor)
           order by {Order} offset (select skip from anchor) limit $4)
         select page.*, entry_type = 'expense-recorded' and exists (
                  select 1 from {LedgerSchema.GrantEntries} r
                  where r.expense_id = page.expense_id and r.entry_type = 'expense-reversed' and r.effective_on <= $2) as reversed
         from page order by {Order}
         """;

    // Per line (and for entries on no line): the sums up to the date, and the sums before the page, from which the page's
    // running balances continue. Read from the day sums (whole days before the anchor's day), plus the anchor day's own
    // entries before the page: a few hundred rows whatever the grant's length.
    private static readonly string SumsSql =
        $"""
         with {Anchor},
         partial as (
           select line_id, budget_delta, spent_delta, returned_delta, awarded_delta from {LedgerSchema.GrantEntries}
           where grant_id = $1 and effective_on = (select day from anchor)
           order by seq, ordinal limit (select skip from anchor)),
         partial_sums as (
           select coalesce(line_id, '') as line_key, sum(budget_delta) as budget, sum(spent_delta) as spent,
                  sum(returned_delta) as returned, sum(awarded_delta) as awarded
           from partial group by 1),
         sums as (
           select line_key, sum(budget) as budgeted, sum(spent) as spent, sum(returned) as returned, sum(awarded) as awarded,
                  sum(entries)::bigint as entries, bool_or(closed) as closed,
                  coalesce(sum(budget) filter (where effective_on < (select day from anchor)), 0) as budgeted_before,
                  coalesce(sum(spent) filter (where effective_on < (select day from anchor)), 0) as spent_before,
                  coalesce(sum(returned) filter (where effective_on < (select day from anchor)), 0) as returned_before,
                  coalesce(sum(awarded) filter (where effective_on < (select day from anchor)), 0) as awarded_before
           from {LedgerSchema.GrantDays} where grant_id = $1 and effective_on <= $2 group by line_key)
         select nullif(s.line_key, '') as line_id,
                (select c.category from {LedgerSchema.GrantEntries} c
                 where c.grant_id = $1 and c.line_id = nullif(s.line_key, '') and c.category is not null and c.effective_on <= $2
                 order by c.effective_on desc, c.seq desc, c.ordinal desc limit 1) as category,
                s.budgeted, s.spent, s.returned, s.awarded, s.entries, s.closed,
                s.budgeted_before + coalesce(p.budget, 0) as budgeted_before, s.spent_before + coalesce(p.spent, 0) as spent_before,
                s.returned_before + coalesce(p.returned, 0) as returned_before, s.awarded_before + coalesce(p.awarded, 0) as awarded_before
         from sums s left join partial_sums p using (line_key)
         order by line_id nulls last
         """;

    public static async Task<SpendTrailView> LoadAsync(NpgsqlDataSource db, Grant grant, LocalDate? asOf, long after, int limit, CancellationToken ct)
    {
        var until = (asOf ?? LocalDate.MaxIsoValue).ToDateOnly();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var sql in new[] { SumsSql, PageSql })
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = grant.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = until });
            command.Parameters.Add(new NpgsqlParameter { Value = after });
            if (sql == PageSql) command.Parameters.Add(new NpgsqlParameter { Value = Math.Clamp(limit, 1, MaxPageSize) });
            batch.BatchCommands.Add(command);
        }

        var lines = new List<LineBalance>();
        var entries = new List<TrailEntry>();
        decimal spent = 0m, returned = 0m, awarded = 0m, spentBefore = 0m, returnedBefore = 0m, awardedBefore = 0m;
        long count = 0;
        var closed = false;
        var lineBefore = new Dictionary<string, (decimal Budget, decimal Spent)>(StringComparer.Ordinal);
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            // Columns are read by name: a select that changes cannot shift them silently.
            T? Column<T>(string name) => reader.IsDBNull(reader.GetOrdinal(name)) ? default : reader.GetFieldValue<T>(reader.GetOrdinal(name));
            while (await reader.ReadAsync(ct))
            {
                var (budgeted, lineSpent) = (Column<decimal>("budgeted"), Column<decimal>("spent"));
                spent += lineSpent;
                returned += Column<decimal>("returned");
                awarded += Column<decimal>("awarded");
                awardedBefore += Column<decimal>("awarded_before");
                count += Column<long>("entries");
                closed |= Column<bool>("closed");
                spentBefore += Column<decimal>("spent_before");
                returnedBefore += Column<decimal>("returned_before");
                if (Column<string>("line_id") is not { } lineId) continue;
                lineBefore[lineId] = (Column<decimal>("budgeted_before"), Column<decimal>("spent_before"));
                lines.Add(new LineBalance(lineId, Column<string>("category") ?? lineId, budgeted, lineSpent, budgeted - lineSpent, lineSpent > budgeted));
            }
            await reader.NextResultAsync(ct);

            // Running balances continue from the sums before the page, entry by entry.
            var (spentToDate, returnedToDate, awardedToDate) = (spentBefore, returnedBefore, awardedBefore);
            var position = after;
            while (await reader.ReadAsync(ct))
            {
                var type = Column<string>("entry_type")!;
                PartialDate.TryParse(Column<string>("effective_text"), out var effectiveOn);
                var lineId = Column<string>("line_id");
                var (budgetChange, spentChange, returnedChange) = (Column<decimal>("budget_delta"), Column<decimal>("spent_delta"), Column<decimal>("returned_delta"));
                spentToDate += spentChange;
                returnedToDate += returnedChange;
                awardedToDate += Column<decimal>("awarded_delta");
                var line = (Budget: 0m, Spent: 0m);
                if (lineId is not null)
                {
                    line = lineBefore.GetValueOrDefault(lineId);
                    line = (line.Budget + budgetChange, line.Spent + spentChange);
                    lineBefore[lineId] = line;
                }

                var flags = new List<string>();
                if (type == "expense-recorded")
                {
                    // Flagged when it cannot fall within the period at all; "2019" against a 2019 period is not.
                    if (effectiveOn.LastDay < grant.PeriodStart.FirstDay || effectiveOn.FirstDay > grant.PeriodEnd.LastDay) flags.Add("outside-grant-period");
                    if (line.Spent > line.Budget) flags.Add("overspends-line");
                    if (spentToDate + returnedToDate > awardedToDate) flags.Add("exceeds-grant");
                    if (Column<bool>("reversed")) flags.Add("reversed");
                }
                entries.Add(new TrailEntry(
                    ++position, Column<long>("seq"), type, effectiveOn, lineId, Column<string>("category"),
                    budgetChange, spentChange, returnedChange, Column<decimal?>("paid_amount"), Column<string>("paid_currency"), Column<decimal?>("exchange_rate"),
                    Column<string>("payee"), Column<string>("description"), Column<string>("reference"), Column<Guid?>("expense_id"),
                    spentToDate, awardedToDate - spentToDate - returnedToDate, flags,
                    Instant.FromDateTimeOffset(Column<DateTimeOffset>("recorded_at")), Column<string>("recorded_by"), Column<string>("reason"),
                    Column<string>("source"), Column<string>("recorded") is { } recorded ? JsonDocument.Parse(recorded).RootElement.Clone() : null));
            }
        }

        var budgetedTotal = lines.Sum(l => l.Budgeted);
        var totals = new SpendTotals(awarded, budgetedTotal, awarded - budgetedTotal, spent, returned, awarded - spent - returned);
        var nextAfter = entries.Count > 0 && entries[^1].Position < count ? entries[^1].Position : (long?)null;
        return new SpendTrailView(grant.Id, grant.GroupId, grant.Grantor, grant.Program, grant.Currency, grant.PeriodStart, grant.PeriodEnd,
            asOf, closed ? "closed" : "open", totals, lines, count, entries, nextAfter);
    }

    /// <summary>What a reversal needs to know of an expense on <paramref name="grantId"/>, or null when there is none.</summary>
    public static async Task<ExpenseFacts?> FindExpenseAsync(NpgsqlDataSource db, string grantId, Guid expenseId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"""
             select line_id, spent_delta, exists (select 1 from {LedgerSchema.GrantEntries} r where r.expense_id = $2 and r.entry_type = 'expense-reversed')
             from {LedgerSchema.GrantEntries} where expense_id = $2 and grant_id = $1 and entry_type = 'expense-recorded'
             """);
        command.Parameters.Add(new NpgsqlParameter { Value = grantId });
        command.Parameters.Add(new NpgsqlParameter { Value = expenseId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new ExpenseFacts(expenseId, reader.GetString(0), reader.GetDecimal(1), reader.GetBoolean(2));
    }
}
