using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Grants;

/// <summary>Award a grant to a group.</summary>
public sealed record AwardGrant(
    string GrantId, string GroupId, string Grantor, string Program, string Purpose, PartialDate PeriodStart, PartialDate PeriodEnd,
    string Currency, decimal Total, IReadOnlyList<BudgetLine> Lines, PartialDate AwardedOn, string? ActivityId);

/// <summary>Add a budget line, or revise one that exists (its amount, or the wording of its category).</summary>
public sealed record ReviseBudget(string LineId, string? Category, decimal Amount, LocalDate RevisedOn);

/// <summary>The budget decisions: the award and its later revisions. Every revision is an event; none edits the award.</summary>
public static class Budgeting
{
    public static Decision Award(AwardGrant command, Grant? existing)
    {
        if (existing is not null)
            return LedgerProblem.Rule("grant-exists", $"A grant '{command.GrantId}' is already recorded.");
        if (Money.Check("currency", "total", command.Total, command.Currency) is { } badTotal) return badTotal;
        if (command.PeriodEnd.LastDay < command.PeriodStart.FirstDay)
            return LedgerProblem.Field("periodEnd", $"The period ends ({command.PeriodEnd}) before it starts ({command.PeriodStart}).");
        for (var i = 0; i < command.Lines.Count; i++)
        {
            var line = command.Lines[i];
            if (command.Lines.Take(i).Any(l => l.LineId == line.LineId))
                return LedgerProblem.Field($"lines[{i}].id", $"The line id '{line.LineId}' is used twice.");
            if (Money.Check("currency", $"lines[{i}].amount", line.Amount, command.Currency) is { } badLine) return badLine;
        }
        var allocated = command.Lines.Sum(l => l.Amount);
        if (allocated > command.Total)
            return LedgerProblem.Field("lines", $"The lines add up to {allocated} {command.Currency}, more than the total of {command.Total} {command.Currency}.");
        return Decision.Accept(new GrantAwarded(command.GrantId, command.GroupId, command.Grantor, command.Program, command.Purpose,
            command.PeriodStart, command.PeriodEnd, command.Currency, command.Total, command.Lines, command.AwardedOn, command.ActivityId));
    }

    public static Decision Revise(ReviseBudget command, Grant grant)
    {
        if (grant.IsClosed) return Closed(grant);
        // A line may be cut to zero (the money moves elsewhere), but never below.
        if (command.Amount < 0m) return LedgerProblem.Field("amount", "A budget line cannot be negative.");
        if (!Currencies.FitsMinorUnit(command.Amount, grant.Currency))
            return LedgerProblem.Field("amount", $"{grant.Currency} has {Currencies.MinorUnit(grant.Currency)} decimal places.");
        var previous = grant.Lines.GetValueOrDefault(command.LineId);
        var allocated = grant.Allocated - (previous?.Budgeted ?? 0m) + command.Amount;
        if (allocated > grant.Total)
            return LedgerProblem.Rule("budget-exceeds-total",
                $"The lines would add up to {allocated} {grant.Currency}, more than the grant's total of {grant.Total} {grant.Currency}.");
        if (previous is null)
        {
            if (command.Category is null) return LedgerProblem.Field("category", "A new budget line needs a category.");
            if (command.Amount == 0m) return LedgerProblem.Field("amount", "A new budget line needs an amount above zero.");
            return Decision.Accept(new BudgetLineAdded(grant.Id, new BudgetLine(command.LineId, command.Category, command.Amount), command.RevisedOn));
        }
        var category = command.Category ?? previous.Category;
        if (category == previous.Category && command.Amount == previous.Budgeted)
            return LedgerProblem.Rule("nothing-changed", $"The line '{command.LineId}' already reads {category}: {command.Amount} {grant.Currency}.");
        return Decision.Accept(new BudgetLineRevised(grant.Id, command.LineId, category, previous.Budgeted, command.Amount, command.RevisedOn));
    }

    internal static LedgerProblem Closed(Grant grant) =>
        LedgerProblem.Rule("grant-closed", $"The grant '{grant.Id}' was closed on {grant.ClosedOn}; nothing more is spent, revised or returned on it.");
}
