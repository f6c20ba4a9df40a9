using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Grants;

/// <summary>Record money spent from a budget line, in the currency it was paid in.</summary>
public sealed record RecordExpense(
    Guid ExpenseId, string LineId, decimal Amount, string Currency, decimal? ExchangeRate, PartialDate SpentOn,
    string Payee, string Description, string? Receipt);

/// <summary>Reverse an expense recorded in error.</summary>
public sealed record ReverseExpense(Guid ExpenseId, LocalDate ReversedOn, string? Reason);

/// <summary>An expense as the spend trail holds it: what a reversal needs to know.</summary>
public sealed record ExpenseFacts(Guid ExpenseId, string LineId, decimal AmountInGrantCurrency, bool Reversed);

/// <summary>Record a disbursement as it arrived: sent in the grant's currency, received in <paramref name="Currency"/>.</summary>
public sealed record ReceiveFunds(decimal Sent, string Currency, decimal Received, LocalDate ReceivedOn, string? Reference);

/// <summary>Return unspent money to the grantor.</summary>
public sealed record ReturnFunds(decimal Amount, LocalDate ReturnedOn, string? Reference);

/// <summary>Close the grant with its final report.</summary>
public sealed record CloseGrant(PartialDate ClosedOn, string? FinalReportUrl);

/// <summary>The spending decisions. Nothing is spent, reversed or returned on a closed grant.</summary>
public static class Spending
{
    /// <param name="today">Today's date in the group's time zone: a payment cannot be dated later.</param>
    public static Decision Record(RecordExpense command, Grant grant, LocalDate today)
    {
        if (grant.IsClosed) return Budgeting.Closed(grant);
        if (!grant.Lines.ContainsKey(command.LineId))
            return LedgerProblem.Field("lineId", $"The grant has no budget line '{command.LineId}'; its lines are: {string.Join(", ", grant.Lines.Keys)}.");
        if (Money.Check("currency", "amount", command.Amount, command.Currency) is { } badAmount) return badAmount;
        if (command.SpentOn.FirstDay > today) return LedgerProblem.Field("spentOn", $"{command.SpentOn} is in the future; record payments once they are made.");
        if (command.SpentOn.LastDay < Plausibility.Earliest.InUtc().Date) return LedgerProblem.Field("spentOn", $"{command.SpentOn} predates Wikipedia; check the year.");

        decimal inGrantCurrency;
        decimal? rate = null;
        if (command.Currency == grant.Currency)
        {
            if (command.ExchangeRate is not null and not 1m)
                return LedgerProblem.Field("exchangeRate", $"The expense is in {grant.Currency}, the grant's own currency: leave the rate out.");
            inGrantCurrency = command.Amount;
        }
        else
        {
            // No rate given: the money was paid out of what arrived in that currency, at the rate it arrived at.
            rate = command.ExchangeRate ?? grant.ReceivedIn(command.Currency)?.Rate;
            if (rate is null)
                return LedgerProblem.Field("exchangeRate", $"Paid in {command.Currency} from a {grant.Currency} grant: give the rate used ({grant.Currency} per 1 {command.Currency}), "
                    + $"or record the funds received in {command.Currency} first.");
            if (rate <= 0m) return LedgerProblem.Field("exchangeRate", "The exchange rate must be above zero.");
            inGrantCurrency = Currencies.Round(command.Amount * rate.Value, grant.Currency);
            if (inGrantCurrency == 0m)
                return LedgerProblem.Field("amount", $"{command.Amount} {command.Currency} rounds to nothing in {grant.Currency}.");
        }

        return Decision.Accept(new ExpenseRecorded(grant.Id, command.ExpenseId, command.LineId, command.Amount, command.Currency, rate, inGrantCurrency,
            command.SpentOn, command.Payee, command.Description, command.Receipt,
            rate is null ? null : command.ExchangeRate is null ? "funds-received" : "stated"));
    }

    /// <param name="today">Today's date in the group's time zone: money cannot have arrived later.</param>
    public static Decision Receive(ReceiveFunds command, Grant grant, LocalDate today)
    {
        if (grant.IsClosed) return Budgeting.Closed(grant);
        if (command.ReceivedOn > today) return LedgerProblem.Field("receivedOn", $"{command.ReceivedOn} is in the future.");
        if (Money.Check("currency", "sent", command.Sent, grant.Currency) is { } badSent) return badSent;
        if (Money.Check("currency", "received", command.Received, command.Currency) is { } badReceived) return badReceived;
        if (command.Currency == grant.Currency && command.Received > command.Sent)
            return LedgerProblem.Field("received", $"{command.Received} {grant.Currency} received is more than the {command.Sent} {grant.Currency} sent.");
        return Decision.Accept(new FundsReceived(grant.Id, command.Sent, command.Currency, command.Received, command.ReceivedOn, command.Reference));
    }

    public static Decision Reverse(ReverseExpense command, Grant grant, ExpenseFacts? expense)
    {
        if (Plausibility.RequireReason(command.Reason, "a reversal") is { } noReason) return noReason;
        if (expense is null) return LedgerProblem.NotFound("expenseId", $"No expense {command.ExpenseId} is recorded on the grant '{grant.Id}'.");
        if (grant.IsClosed) return Budgeting.Closed(grant);
        if (expense.Reversed) return LedgerProblem.Rule("already-reversed", $"The expense {command.ExpenseId} has already been reversed.");
        return Decision.Accept(new ExpenseReversed(grant.Id, expense.ExpenseId, expense.LineId, expense.AmountInGrantCurrency, command.ReversedOn));
    }

    /// <param name="today">Today's date in the group's time zone: money cannot have been returned later.</param>
    public static Decision Return(ReturnFunds command, Grant grant, LocalDate today)
    {
        if (command.ReturnedOn > today) return LedgerProblem.Field("returnedOn", $"{command.ReturnedOn} is in the future.");
        if (grant.IsClosed) return Budgeting.Closed(grant);
        if (Money.Check("currency", "amount", command.Amount, grant.Currency) is { } badAmount) return badAmount;
        if (command.Amount > grant.Remaining)
            return LedgerProblem.Rule("return-exceeds-remaining",
                $"Only {grant.Remaining} {grant.Currency} remains unspent; {command.Amount} {grant.Currency} cannot be returned.");
        return Decision.Accept(new FundsReturned(grant.Id, grant.GroupId, command.Amount, command.ReturnedOn, command.Reference));
    }

    /// <param name="today">Today's date in the group's time zone: a grant cannot have been closed later.</param>
    public static Decision Close(CloseGrant command, Grant grant, LocalDate today)
    {
        if (command.ClosedOn.FirstDay > today) return LedgerProblem.Field("closedOn", $"{command.ClosedOn} is in the future.");
        if (grant.IsClosed) return Budgeting.Closed(grant);
        if (command.ClosedOn.LastDay < grant.AwardedOn.FirstDay)
            return LedgerProblem.Field("closedOn", $"{command.ClosedOn} is before the grant was awarded ({grant.AwardedOn}).");
        return Decision.Accept(new GrantClosed(grant.Id, grant.GroupId, command.ClosedOn, grant.Spent, grant.Returned, grant.Remaining, command.FinalReportUrl));
    }
}
