using System.Security.Cryptography;
using System.Text;
using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Grants.FinanceTables;

/// <summary>What the import does with one row: the budget line it becomes, and the expense it records.</summary>
/// <param name="Budget"><c>added</c>, <c>revised</c>, <c>unchanged</c>, or null for a row with no approved amount.</param>
/// <param name="Expense"><c>recorded</c>, <c>already recorded</c> (an earlier import of the same row), or null when nothing was spent.</param>
/// <param name="Problem">Why the row cannot be recorded; one such row and nothing is.</param>
public sealed record RowOutcome(int Line, string Label, string LineId, TableAmount? Approved, TableAmount? Spent, TableAmount? Difference,
    string? Budget, string? Expense, string? Problem);

/// <summary>A finance table read against a grant: each row's outcome, the sums, the stated totals that do not match, what was not read.</summary>
public sealed record FinanceTableReport(
    string GrantId, string Currency, bool DryRun, bool Refused, IReadOnlyList<RowOutcome> Rows, IReadOnlyDictionary<string, decimal> Sums,
    IReadOnlyList<FinanceRow> Totals, IReadOnlyList<Mismatch> Mismatches, IReadOnlyList<UnreadRow> NotUnderstood, int LinesAdded, int LinesRevised,
    int Expenses);

/// <summary>
/// Turns a finance table into the grant's events through the same decisions as the API's: each row's approved amount
/// revises (or adds) its budget line, its spending records an expense on it. Cuts come before increases, so a table that
/// moves money between lines fits within the award; the lines are dated with the award, so the trail counts each expense
/// against its approved line. One refused row and nothing is recorded. An expense's id is made
/// from the grant, the line and the amount, so importing the same table again records nothing twice.
/// </summary>
/// <summary>What a finance table does not say of its grant, for an award recorded from it.</summary>
public sealed record AwardDetails(string GrantId, string GroupId, string Grantor, string Program, string Purpose, PartialDate PeriodStart,
    PartialDate PeriodEnd, PartialDate? AwardedOn, string? Currency);

public static class FinanceTableImport
{
    /// <summary>
    /// The award read from the table: its lines are the rows' approved amounts (a "-" is a zero line), its total the
    /// Total row's approved amount (else the rows' sum), its currency the one the approved column names. Then the rows'
    /// spending, as for a grant already recorded.
    /// </summary>
    public static (FinanceTableReport Report, IReadOnlyList<object> Events) PlanAward(
        FinanceReading reading, AwardDetails award, PartialDate spentOn, LocalDate today, bool dryRun, Instant now)
    {
        var currencies = reading.Rows.Concat(reading.Totals).Select(r => r.Approved?.Currency).Where(c => c is not null).Distinct().ToList();
        var currency = award.Currency ?? (currencies.Count == 1 ? currencies[0] : null);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lines = reading.Rows.Where(r => r.Approved is not null)
            .Select(r => new BudgetLine(LineIdOf(r.Label, null, ids), r.Label, r.Approved!.Value)).ToList();
        var total = reading.Totals.FirstOrDefault(t => t.Approved is not null)?.Approved!.Value ?? lines.Sum(l => l.Amount);
        var decision = currency is null
            ? LedgerProblem.Field("currency", currencies.Count == 0
                ? "The approved amounts name no currency: give the grant's (currency=USD)."
                : $"The approved amounts name several currencies ({string.Join(", ", currencies)}): a grant has one.")
            : Budgeting.Award(new AwardGrant(award.GrantId, award.GroupId, award.Grantor, award.Program, award.Purpose, award.PeriodStart, award.PeriodEnd,
                currency, total, lines, award.AwardedOn ?? award.PeriodStart, null), null);
        if (decision.Problem is { } refused)
        {
            var report = new FinanceTableReport(award.GrantId, currency ?? "", dryRun, true,
                [new RowOutcome(0, "The award", "", new TableAmount(total, currency), null, null, null, null, refused.Detail)],
                reading.Sums, reading.Totals, reading.Mismatches, reading.NotUnderstood, 0, 0, 0);
            return (report, []);
        }
        var awarded = (GrantAwarded)decision.Events.Single();
        var grant = Grant.Create(new JasperFx.Events.Event<GrantAwarded>(awarded) { Timestamp = now.ToDateTimeOffset() });
        var (spending, events) = Plan(reading, grant, spentOn, today, dryRun, new HashSet<Guid>());
        return (spending with { LinesAdded = lines.Count, Rows = [.. spending.Rows.Select(r => r.Budget == "unchanged" ? r with { Budget = "added" } : r)] },
            spending.Refused ? [] : [awarded, .. events]);
    }

    public const string Payee = "As reported in the grant's finance table";

    /// <param name="recorded">Which of <see cref="ExpenseIdOf"/>'s ids the grant already holds.</param>
    public static (FinanceTableReport Report, IReadOnlyList<object> Events) Plan(
        FinanceReading reading, Grant grant, PartialDate spentOn, LocalDate today, bool dryRun, ISet<Guid> recorded)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var rows = reading.Rows.Select(r => (Row: r, LineId: LineIdOf(r.Label, grant, ids))).ToList();
        var outcomes = rows.ToDictionary(r => r.Row.Line, r => new RowOutcome(r.Row.Line, r.Row.Label, r.LineId, r.Row.Approved, r.Row.Spent, r.Row.Difference, null, null, null));
        var events = new List<object>();
        var state = grant;

        void Apply(object e)
        {
            events.Add(e);
            state = e switch
            {
                BudgetLineAdded a => state.Apply(a),
                BudgetLineRevised r => state.Apply(r),
                ExpenseRecorded x => state.Apply(x),
                _ => throw new InvalidOperationException(e.GetType().Name),
            };
        }

        // The budget first, cuts before increases: the table may move money between lines within the award. Its approved
        // amounts are the budget as approved, so they are dated with the award, before any spending they cover.
        var approvedOn = LocalDate.Min(grant.AwardedOn.FirstDay, today);
        foreach (var (row, lineId) in rows.Where(r => r.Row.Approved is not null)
                     .OrderBy(r => r.Row.Approved!.Value - (state.Lines.GetValueOrDefault(r.LineId)?.Budgeted ?? 0m)))
        {
            if (row.Approved!.Currency is { } currency && currency != grant.Currency)
            {
                outcomes[row.Line] = outcomes[row.Line] with { Problem = $"Approved amounts are in the grant's currency, {grant.Currency}; this row says {currency}." };
                continue;
            }
            var decision = Budgeting.Revise(new ReviseBudget(lineId, row.Label, row.Approved.Value, approvedOn), state);
            if (decision.Problem is { Name: "nothing-changed" }) outcomes[row.Line] = outcomes[row.Line] with { Budget = "unchanged" };
            else if (decision.Problem is { } problem) outcomes[row.Line] = outcomes[row.Line] with { Problem = problem.Detail };
            else
            {
                var e = decision.Events.Single();
                Apply(e);
                outcomes[row.Line] = outcomes[row.Line] with { Budget = e is BudgetLineAdded ? "added" : "revised" };
            }
        }
        foreach (var (row, lineId) in rows.Where(r => r.Row.Spent is { Value: not 0m }))
        {
            if (outcomes[row.Line].Problem is not null) continue;
            if (!state.Lines.ContainsKey(lineId))
            {
                outcomes[row.Line] = outcomes[row.Line] with { Problem = "Spending on a line the table gives no approved amount and the grant does not have: write \"-\" or \"0\" in its approved column to add it." };
                continue;
            }
            var spent = row.Spent!;
            var id = ExpenseIdOf(grant.Id, lineId, spent);
            if (recorded.Contains(id))
            {
                outcomes[row.Line] = outcomes[row.Line] with { Expense = "already recorded" };
                continue;
            }
            var decision = Spending.Record(new RecordExpense(id, lineId, spent.Value, spent.Currency ?? grant.Currency, null, spentOn, Payee, row.Label, null), state, today);
            if (decision.Problem is { } problem) outcomes[row.Line] = outcomes[row.Line] with { Problem = problem.Detail };
            else
            {
                Apply(decision.Events.Single());
                outcomes[row.Line] = outcomes[row.Line] with { Expense = "recorded" };
            }
        }

        var list = outcomes.Values.OrderBy(o => o.Line).ToList();
        var refused = list.Any(o => o.Problem is not null) || list.Count == 0;
        var report = new FinanceTableReport(grant.Id, grant.Currency, dryRun, refused, list, reading.Sums, reading.Totals, reading.Mismatches, reading.NotUnderstood,
            list.Count(o => o.Budget == "added"), list.Count(o => o.Budget == "revised"), list.Count(o => o.Expense == "recorded"));
        return (report, refused ? [] : events);
    }

    /// <summary>The row's budget line: the grant's line of that category, or a new one named after the label.</summary>
    private static string LineIdOf(string label, Grant? grant, HashSet<string> taken)
    {
        var existing = grant?.Lines.FirstOrDefault(l => string.Equals(l.Value.Category, label, StringComparison.OrdinalIgnoreCase) || l.Key == label).Key;
        var id = existing ?? (Slugs.From(label) is { Length: >= 3 } slug ? slug : $"line-{Slugs.From(label)}".TrimEnd('-'));
        if (!Slugs.IsSlug(id)) id = $"line-{taken.Count + 1}";
        var first = id;
        for (var n = 2; !taken.Add(id); n++) id = $"{first}-{n}";
        return id;
    }

    /// <summary>The same row of the same grant always records the same expense id.</summary>
    public static Guid ExpenseIdOf(string grantId, string lineId, TableAmount spent)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"finance-table\n{grantId}\n{lineId}\n{spent.Value}\n{spent.Currency}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}
