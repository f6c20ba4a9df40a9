using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Grants;

/// <summary>Award a grant to a group.</summary>
public sealed record AwardGrant(
    string GrantId, string GroupId, string Grantor, string Program, string Purpose, PartialDate PeriodStart, PartialDate PeriodEnd,
    string Currency, decimal Total, IReadOnlyList<BudgetLine> Lines, PartialDate AwardedOn, string? ActivityId);

/// <summary>Add a budget line, or revise one that exists (its amount, or the wording of its category).</summary>
public sealed record ReviseBudget(string LineId, string? Category, decimal Amount, LocalDate RevisedOn);

/// <summary>Change the award's total, as an amendment approved on a date.</summary>
public sealed record AmendGrant(decimal Total, string? ApprovalReference, LocalDate ApprovedOn, string? Reason);

/// <summary>Move amounts between budget lines, as one approved budget change request.</summary>
public sealed record ReallocateBudget(IReadOnlyList<BudgetMove> Moves, string? ApprovalReference, LocalDate ApprovedOn);

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
            // A line may hold nothing: a table lists it with "-" or "0 USD", to hold spending no line foresaw.
            if (line.Amount != 0m && Money.Check("currency", $"lines[{i}].amount", line.Amount, command.Currency) is { } badLine) return badLine;
            if (line.Amount < 0m) return LedgerProblem.Field($"lines[{i}].amount", "A budget line cannot be negative.");
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
            return Decision.Accept(new BudgetLineAdded(grant.Id, new BudgetLine(command.LineId, command.Category, command.Amount), command.RevisedOn));
        }
        var category = command.Category ?? previous.Category;
        if (category == previous.Category && command.Amount == previous.Budgeted)
            return LedgerProblem.Rule("nothing-changed", $"The line '{command.LineId}' already reads {category}: {command.Amount} {grant.Currency}.");
        return Decision.Accept(new BudgetLineRevised(grant.Id, command.LineId, category, previous.Budgeted, command.Amount, command.RevisedOn));
    }

    /// <summary>
    /// An amendment changes the total, never below what is already spent and returned, nor below what the lines hold
    /// (cut or move them first, so every line keeps meaning what it says).
    /// </summary>
    public static Decision Amend(AmendGrant command, Grant grant, LocalDate today)
    {
        if (grant.IsClosed) return Closed(grant);
        if (Plausibility.RequireReason(command.Reason, "an amendment") is { } noReason) return noReason;
        if (command.ApprovedOn > today) return LedgerProblem.Field("approvedOn", $"{command.ApprovedOn} is in the future.");
        if (Money.Check("currency", "total", command.Total, grant.Currency) is { } badTotal) return badTotal;
        if (command.Total == grant.Total) return LedgerProblem.Rule("nothing-changed", $"The grant's total is already {grant.Total} {grant.Currency}.");
        if (command.Total < grant.Spent + grant.Returned)
            return LedgerProblem.Rule("amendment-below-spent",
                $"{grant.Spent + grant.Returned} {grant.Currency} is already spent or returned; the total cannot go down to {command.Total} {grant.Currency}.");
        if (command.Total < grant.Allocated)
            return LedgerProblem.Rule("amendment-below-lines",
                $"The budget lines hold {grant.Allocated} {grant.Currency}, more than {command.Total} {grant.Currency}: revise or move them first.");
        return Decision.Accept(new GrantAmended(grant.Id, grant.Total, command.Total, command.ApprovalReference, command.ApprovedOn));
    }

    /// <summary>All the moves of one request, or none: each names two lines of the grant and an amount the first line holds.</summary>
    public static Decision Reallocate(ReallocateBudget command, Grant grant, LocalDate today)
    {
        if (grant.IsClosed) return Closed(grant);
        if (command.ApprovedOn > today) return LedgerProblem.Field("approvedOn", $"{command.ApprovedOn} is in the future.");
        if (command.Moves.Count == 0) return LedgerProblem.Field("moves", "Name at least one move: from a line, to a line, an amount.");
        var lines = grant.Lines;
        for (var i = 0; i < command.Moves.Count; i++)
        {
            var move = command.Moves[i];
            foreach (var (field, lineId) in new[] { ("from", move.FromLineId), ("to", move.ToLineId) })
                if (!lines.ContainsKey(lineId))
                    return LedgerProblem.Field($"moves[{i}].{field}", $"The grant has no budget line '{lineId}'; its lines are: {string.Join(", ", lines.Keys)}. Add a line (it may be zero) first.");
            if (move.FromLineId == move.ToLineId) return LedgerProblem.Field($"moves[{i}].to", "A move goes from one line to another.");
            if (Money.Check("currency", $"moves[{i}].amount", move.Amount, grant.Currency) is { } badAmount) return badAmount;
            if (move.Amount > lines[move.FromLineId].Budgeted)
                return LedgerProblem.Rule("move-exceeds-line",
                    $"Move {i + 1} takes {move.Amount} {grant.Currency} from '{move.FromLineId}', which holds {lines[move.FromLineId].Budgeted} {grant.Currency} by then; nothing was moved.");
            lines = lines.SetItem(move.FromLineId, lines[move.FromLineId] with { Budgeted = lines[move.FromLineId].Budgeted - move.Amount })
                .SetItem(move.ToLineId, lines[move.ToLineId] with { Budgeted = lines[move.ToLineId].Budgeted + move.Amount });
        }
        return Decision.Accept(new BudgetReallocated(grant.Id, command.Moves, command.ApprovalReference, command.ApprovedOn));
    }

    internal static LedgerProblem Closed(Grant grant) =>
        LedgerProblem.Rule("grant-closed", $"The grant '{grant.Id}' was closed on {grant.ClosedOn}; nothing more is spent, revised or returned on it.");
}
