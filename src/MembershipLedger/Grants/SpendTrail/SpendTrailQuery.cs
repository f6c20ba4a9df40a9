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
    string GrantId, string GroupId, string Grantor, string Program, string Currency, LocalDate PeriodStart, LocalDate PeriodEnd,
    LocalDate? AsOf, string Status, SpendTotals Totals, IReadOnlyList<LineBalance> Lines, long EntryCount,
    IReadOnlyList<TrailEntry> Entries, long? NextAfter);

/// <param name="Awarded">The grant's total.</param>
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
public sealed record TrailEntry(
    long Position, long Sequence, string Type, LocalDate EffectiveOn, string? LineId, string? Category,
    decimal BudgetChange, decimal SpentChange, decimal ReturnedChange, decimal? PaidAmount, string? PaidCurrency, decimal? ExchangeRate,
    string? Payee, string? Description, string? Reference, Guid? ExpenseId, decimal SpentToDate, decimal Remaining,
    IReadOnlyList<string> Flags, Instant RecordedAt, string? RecordedBy, string? Reason, string? Source);

public static class SpendTrailQuery
{
    public const int MaxPageSize = 1000;

    private static readonly string LinesSql =
        $"""
         select line_id,
                (array_agg(category order by effective_on desc, seq desc, ordinal desc) filter (where category is not null))[1],
                sum(budget_delta), sum(spent_delta)
         from {LedgerSchema.GrantEntries}
         where grant_id = $1 and effective_on <= $2 and line_id is not null
         group by line_id order by line_id
         """;

    private static readonly string TotalsSql =
        $"""
         select coalesce(sum(spent_delta), 0), coalesce(sum(returned_delta), 0), count(*), coalesce(bool_or(entry_type = 'grant-closed'), false)
         from {LedgerSchema.GrantEntries} where grant_id = $1 and effective_on <= $2
         """;

    // Running balances by window sums over the date-ordered trail: one pass, whatever the page.
    private static readonly string EntriesSql =
        $"""
         with trail as (
           select e.*,
                  row_number() over running as position,
                  sum(spent_delta) over running as spent_to_date,
                  sum(returned_delta) over running as returned_to_date,
                  sum(spent_delta) over line_running as line_spent_to_date,
                  sum(budget_delta) over line_running as line_budget_to_date
           from {LedgerSchema.GrantEntries} e
           where grant_id = $1 and effective_on <= $2
           window running as (order by effective_on, seq, ordinal rows between unbounded preceding and current row),
                  line_running as (partition by line_id order by effective_on, seq, ordinal rows between unbounded preceding and current row))
         select position, seq, entry_type, effective_on, line_id, category, budget_delta, spent_delta, returned_delta,
                paid_amount, paid_currency, exchange_rate, payee, description, reference, expense_id,
                spent_to_date, returned_to_date, line_spent_to_date, line_budget_to_date,
                entry_type = 'expense-recorded' and exists (
                  select 1 from {LedgerSchema.GrantEntries} r
                  where r.expense_id = trail.expense_id and r.entry_type = 'expense-reversed' and r.effective_on <= $2),
                recorded_at, recorded_by, reason, source
         from trail where position > $3 order by position limit $4
         """;

    public static async Task<SpendTrailView> LoadAsync(NpgsqlDataSource db, Grant grant, LocalDate? asOf, long after, int limit, CancellationToken ct)
    {
        var until = (asOf ?? LocalDate.MaxIsoValue).ToDateOnly();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var sql in new[] { LinesSql, TotalsSql, EntriesSql })
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = grant.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = until });
            if (sql == EntriesSql)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = after });
                command.Parameters.Add(new NpgsqlParameter { Value = Math.Clamp(limit, 1, MaxPageSize) });
            }
            batch.BatchCommands.Add(command);
        }

        var lines = new List<LineBalance>();
        var entries = new List<TrailEntry>();
        decimal spent, returned;
        long count;
        bool closed;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var (budgeted, lineSpent) = (reader.GetDecimal(2), reader.GetDecimal(3));
                lines.Add(new LineBalance(reader.GetString(0), reader.IsDBNull(1) ? reader.GetString(0) : reader.GetString(1),
                    budgeted, lineSpent, budgeted - lineSpent, lineSpent > budgeted));
            }
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            (spent, returned, count, closed) = (reader.GetDecimal(0), reader.GetDecimal(1), reader.GetInt64(2), reader.GetBoolean(3));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                decimal? Number(int i) => reader.IsDBNull(i) ? null : reader.GetDecimal(i);
                var type = reader.GetString(2);
                var effectiveOn = LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(3));
                var (spentToDate, returnedToDate) = (reader.GetDecimal(16), reader.GetDecimal(17));
                var flags = new List<string>();
                if (type == "expense-recorded")
                {
                    if (effectiveOn < grant.PeriodStart || effectiveOn > grant.PeriodEnd) flags.Add("outside-grant-period");
                    if (reader.GetDecimal(18) > reader.GetDecimal(19)) flags.Add("overspends-line");
                    if (spentToDate + returnedToDate > grant.Total) flags.Add("exceeds-grant");
                    if (reader.GetBoolean(20)) flags.Add("reversed");
                }
                entries.Add(new TrailEntry(
                    reader.GetInt64(0), reader.GetInt64(1), type, effectiveOn, Text(4), Text(5),
                    reader.GetDecimal(6), reader.GetDecimal(7), reader.GetDecimal(8), Number(9), Text(10), Number(11),
                    Text(12), Text(13), Text(14), reader.IsDBNull(15) ? null : reader.GetGuid(15),
                    spentToDate, grant.Total - spentToDate - returnedToDate, flags,
                    Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(21)), Text(22), Text(23), Text(24)));
            }
        }

        var budgetedTotal = lines.Sum(l => l.Budgeted);
        var totals = new SpendTotals(grant.Total, budgetedTotal, grant.Total - budgetedTotal, spent, returned, grant.Total - spent - returned);
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
