using MembershipLedger.Ledger;
using MembershipLedger.Storage;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Grants.SpendTrail;

/// <summary>A budget line in the report: budgeted against spent, and the variance.</summary>
/// <param name="Variance">Budgeted less spent: left unspent when positive, overspent when negative.</param>
/// <param name="VariancePercent">The variance as a percentage of the budget, to one decimal; null on a line budgeted at zero.</param>
public sealed record ReportLine(string LineId, string Category, decimal Budgeted, decimal Spent, decimal Variance, decimal? VariancePercent, bool Overspent)
{
    public static ReportLine Of(string lineId, string category, decimal budgeted, decimal spent) =>
        new(lineId, category, budgeted, spent, budgeted - spent, budgeted == 0m ? null : Math.Round((budgeted - spent) / budgeted * 100m, 1), spent > budgeted);
}

/// <summary>
/// The funds received in one currency, reconciled: what was sent and received, the rate that gives, what was paid in that
/// currency and what it counts for in the grant's, what is left, and what the rates stated on expenses gained or lost
/// against the rate the money arrived at.
/// </summary>
/// <param name="Rate">Grant currency per unit received: sent ÷ received over every disbursement in this currency.</param>
/// <param name="FeesAndTaxes">Sent less received, when both are in the grant's currency; in another currency the rate holds them.</param>
/// <param name="Paid">Expenses paid in this currency (not reversed), as paid.</param>
/// <param name="SpentInGrantCurrency">What those expenses count for in the grant's currency, at the rates they were recorded with.</param>
/// <param name="GainOrLoss">Those expenses valued at <paramref name="Rate"/>, less what they count for: positive when the rates stated on them counted less than the money they used.</param>
public sealed record Reconciliation(
    string Currency, decimal Sent, decimal Received, decimal Rate, decimal? FeesAndTaxes, decimal Paid, decimal SpentInGrantCurrency,
    decimal LeftInCurrency, decimal LeftInGrantCurrency, decimal GainOrLoss);

/// <summary>The grant's report as a grant officer reads it: budget against actual per line, and the funds received reconciled.</summary>
public sealed record GrantReport(
    string GrantId, string Currency, LocalDate? AsOf, decimal Awarded, IReadOnlyList<ReportLine> Lines, ReportLine Total, decimal Returned,
    decimal Remaining, IReadOnlyList<Reconciliation> Received);

public static class GrantReports
{
    // Per currency the money arrived in: what was sent and received, and the expenses paid in it that were not reversed.
    private static readonly string ReceivedSql =
        $"""
         with received as (
           select paid_currency as currency, sum((recorded ->> 'sent')::numeric) as sent, sum(paid_amount) as received
           from {LedgerSchema.GrantEntries} where grant_id = $1 and effective_on <= $2 and entry_type = 'funds-received'
           group by paid_currency),
         paid as (
           select e.paid_currency as currency, sum(e.paid_amount) as paid, sum(e.spent_delta) as spent
           from {LedgerSchema.GrantEntries} e
           where e.grant_id = $1 and e.effective_on <= $2 and e.entry_type = 'expense-recorded' and not exists (
             select 1 from {LedgerSchema.GrantEntries} r where r.expense_id = e.expense_id and r.entry_type = 'expense-reversed' and r.effective_on <= $2)
           group by e.paid_currency)
         select r.currency, r.sent, r.received, coalesce(p.paid, 0), coalesce(p.spent, 0)
         from received r left join paid p using (currency) order by r.currency
         """;

    /// <param name="trail">The grant's trail as of the same date when the caller has read it already (its totals and lines are
    /// the same on every page); read here otherwise.</param>
    public static async Task<GrantReport> LoadAsync(NpgsqlDataSource db, Grant grant, LocalDate? asOf, CancellationToken ct, SpendTrailView? trail = null)
    {
        trail ??= await SpendTrailQuery.LoadAsync(db, grant, asOf, 0, 1, ct);
        await using var command = db.CreateCommand(ReceivedSql);
        command.Parameters.Add(new NpgsqlParameter { Value = grant.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = (asOf ?? LocalDate.MaxIsoValue).ToDateOnly() });
        var received = new List<Reconciliation>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                var (currency, sent, got, paid, spent) = (reader.GetString(0), reader.GetDecimal(1), reader.GetDecimal(2), reader.GetDecimal(3), reader.GetDecimal(4));
                var rate = new Receipts(currency, sent, got).Rate;
                var left = got - paid;
                received.Add(new Reconciliation(currency, sent, got, rate, currency == grant.Currency ? sent - got : null, paid, spent, left,
                    Currencies.Round(left * rate, grant.Currency), Currencies.Round(paid * rate, grant.Currency) - spent));
            }

        var lines = trail.Lines.Select(l => ReportLine.Of(l.LineId, l.Category, l.Budgeted, l.Spent)).ToList();
        var total = ReportLine.Of("total", "Total", lines.Sum(l => l.Budgeted), lines.Sum(l => l.Spent));
        return new GrantReport(grant.Id, grant.Currency, asOf, trail.Totals.Awarded, lines, total, trail.Totals.Returned, trail.Totals.Remaining, received);
    }
}
