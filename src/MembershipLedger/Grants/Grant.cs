using System.Collections.Immutable;
using JasperFx.Events;
using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Grants;

// The events of one grant's stream. Amounts are exact decimals; the grant's currency is fixed when it is
// awarded, and every amount below that names no currency is in it. Who recorded each entry, through what and
// why travel as event metadata, so the spend trail can show them beside each dollar.

/// <summary>One category of the budget, e.g. accommodation: 400 USD.</summary>
/// <param name="LineId">A short slug naming the line within the grant, e.g. <c>accommodation</c>.</param>
public sealed record BudgetLine(string LineId, string Category, decimal Amount);

/// <summary>A grantor awarded a grant to a group. The first event of a grant's stream.</summary>
/// <param name="Grantor">Who gives the money, e.g. "Wikimedia Foundation".</param>
/// <param name="Program">Under which program, e.g. "Rapid Grants" or "Wikimania Scholarship".</param>
/// <param name="PeriodStart">First day on which the grant may be spent.</param>
/// <param name="PeriodEnd">Last day on which the grant may be spent.</param>
/// <param name="Currency">ISO 4217 code of the grant; totals, lines and balances are in it.</param>
/// <param name="Total">The amount awarded.</param>
/// <param name="Lines">Budget lines; together at most <paramref name="Total"/> (the rest is unallocated).</param>
/// <param name="AwardedOn">The date of the award.</param>
/// <param name="ActivityId">The activity the grant funds, when it funds one.</param>
public sealed record GrantAwarded(
    string GrantId, string GroupId, string Grantor, string Program, string Purpose, PartialDate PeriodStart, PartialDate PeriodEnd,
    string Currency, decimal Total, IReadOnlyList<BudgetLine> Lines, PartialDate AwardedOn, string? ActivityId) : IBelongsToGroups
{
    IReadOnlyCollection<string> IBelongsToGroups.OwningGroups => [GroupId];
}

/// <summary>A budget line was added after the award.</summary>
public sealed record BudgetLineAdded(string GrantId, BudgetLine Line, LocalDate RevisedOn);

/// <summary>A budget line's amount (or its category's wording) was revised; the previous amount is kept for the trail.</summary>
public sealed record BudgetLineRevised(string GrantId, string LineId, string Category, decimal PreviousAmount, decimal Amount, LocalDate RevisedOn);

/// <summary>The award's total was changed by an approved amendment (up or down); the reason is in the metadata.</summary>
/// <param name="ApprovalReference">The grantor's reference for the approval, e.g. a Phabricator task or a Meta-Wiki page.</param>
public sealed record GrantAmended(string GrantId, decimal PreviousTotal, decimal Total, string? ApprovalReference, LocalDate ApprovedOn);

/// <summary>An amount taken from one budget line and given to another.</summary>
public sealed record BudgetMove(string FromLineId, string ToLineId, decimal Amount);

/// <summary>
/// Money moved between budget lines by one approved budget change request: every move of it, or none. The total
/// allocated stays the same; the lines' history shows the request as one change.
/// </summary>
public sealed record BudgetReallocated(string GrantId, IReadOnlyList<BudgetMove> Moves, string? ApprovalReference, LocalDate ApprovedOn);

/// <summary>
/// A disbursement arrived: the grantor sent <paramref name="Sent"/> in the grant's currency, and the group received
/// <paramref name="Received"/> in <paramref name="Currency"/>, after the transfer's fees and taxes. Expenses paid in that
/// currency without a rate of their own are counted at the rate these receipts give (sent ÷ received, over all of them).
/// </summary>
public sealed record FundsReceived(string GrantId, decimal Sent, string Currency, decimal Received, LocalDate ReceivedOn, string? Reference);

/// <summary>What arrived in one currency, over every disbursement: sent in the grant's currency, received in that one.</summary>
public sealed record Receipts(string Currency, decimal Sent, decimal Received)
{
    /// <summary>Grant currency per unit received, to eight decimal places: the weighted rate of the disbursements.</summary>
    public decimal Rate => Math.Round(Sent / Received, 8, MidpointRounding.ToEven);
}

/// <summary>Money was spent from a budget line.</summary>
/// <param name="Amount">What was paid, in <paramref name="Currency"/>, the currency it was paid in.</param>
/// <param name="ExchangeRate">Units of the grant's currency per unit of <paramref name="Currency"/>; null when they are the same.</param>
/// <param name="AmountInGrantCurrency"><paramref name="Amount"/> × <paramref name="ExchangeRate"/>, rounded to the grant currency's minor unit: what the ledger counts as spent.</param>
/// <param name="SpentOn">The date of the payment: only the month or the year when a report says no more (seed 004).</param>
/// <param name="Receipt">A receipt or invoice reference, when there is one.</param>
/// <param name="RateSource">Where <paramref name="ExchangeRate"/> came from: <c>stated</c> with the expense, or
/// <c>funds-received</c>, the weighted rate of the disbursements received in its currency; null in the grant's currency
/// (and on expenses recorded before the ledger knew funds received).</param>
public sealed record ExpenseRecorded(
    string GrantId, Guid ExpenseId, string LineId, decimal Amount, string Currency, decimal? ExchangeRate,
    decimal AmountInGrantCurrency, PartialDate SpentOn, string Payee, string Description, string? Receipt,
    // Left out of the JSON when null: the events recorded before it existed read and export exactly as they were.
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? RateSource = null);

/// <summary>An expense recorded in error was reversed: it no longer counts as spent. The reason is in the metadata.</summary>
public sealed record ExpenseReversed(string GrantId, Guid ExpenseId, string LineId, decimal AmountInGrantCurrency, LocalDate ReversedOn);

/// <summary>Unspent money was returned to the grantor.</summary>
public sealed record FundsReturned(string GrantId, string GroupId, decimal Amount, LocalDate ReturnedOn, string? Reference);

/// <summary>The grant was closed with its final report; nothing more is spent, revised or returned on it.</summary>
/// <param name="Spent">Spent at closure, net of reversals.</param>
/// <param name="Returned">Returned to the grantor at closure.</param>
/// <param name="Unspent">Neither spent nor returned: the seed report's "65 USD remained".</param>
public sealed record GrantClosed(string GrantId, string GroupId, PartialDate ClosedOn, decimal Spent, decimal Returned, decimal Unspent, string? FinalReportUrl);

/// <summary>A budget line as the grant's decisions need it.</summary>
public sealed record LineState(string Category, decimal Budgeted, decimal Spent)
{
    public decimal Remaining => Budgeted - Spent;
}

/// <summary>
/// A grant as the ledger currently knows it: the slim state its decisions need, and the document that
/// <c>GET /grants/{id}</c> reads. Expenses are not kept here (a grant may have a hundred thousand):
/// the spend trail table holds them, and a reversal looks its expense up there.
/// </summary>
public sealed partial record Grant(
    string Id, string GroupId, string Grantor, string Program, string Purpose, PartialDate PeriodStart, PartialDate PeriodEnd,
    string Currency, decimal Total, ImmutableSortedDictionary<string, LineState> Lines, PartialDate AwardedOn, string? ActivityId,
    decimal Spent, decimal Returned, int ExpenseCount, PartialDate? ClosedOn, string? FinalReportUrl, Instant RecordedAt) : IBelongsToGroups
{
    IReadOnlyCollection<string> IBelongsToGroups.OwningGroups => [GroupId];

    /// <summary>Stream version, set by Marten; the expected version for optimistic writes.</summary>
    public long Version { get; set; }

    public bool IsClosed => ClosedOn is not null;

    /// <summary>
    /// The disbursements received, one entry per currency they arrived in. A list, not a dictionary: the document's JSON
    /// camel-cases dictionary keys, and "MXN" would come back as "mxn".
    /// </summary>
    public ImmutableList<Receipts> Receipts { get; init; } = [];

    /// <summary>What arrived in <paramref name="currency"/>, or null when nothing did.</summary>
    public Receipts? ReceivedIn(string currency) => Receipts.FirstOrDefault(r => r.Currency == currency);

    /// <summary>Budgeted across all lines.</summary>
    public decimal Allocated => Lines.Values.Sum(l => l.Budgeted);

    /// <summary>Neither spent nor returned.</summary>
    public decimal Remaining => Total - Spent - Returned;

    public static Grant Create(IEvent<GrantAwarded> e)
    {
        var a = e.Data;
        var lines = a.Lines.ToImmutableSortedDictionary(l => l.LineId, l => new LineState(l.Category, l.Amount, 0m), StringComparer.Ordinal);
        return new Grant(a.GrantId, a.GroupId, a.Grantor, a.Program, a.Purpose, a.PeriodStart, a.PeriodEnd, a.Currency, a.Total,
            lines, a.AwardedOn, a.ActivityId, 0m, 0m, 0, null, null, e.Timestamp.ToInstant());
    }

    public Grant Apply(BudgetLineAdded e) =>
        this with { Lines = Lines.SetItem(e.Line.LineId, new LineState(e.Line.Category, e.Line.Amount, 0m)) };

    public Grant Apply(BudgetLineRevised e) =>
        this with { Lines = Lines.SetItem(e.LineId, Lines[e.LineId] with { Category = e.Category, Budgeted = e.Amount }) };

    public Grant Apply(ExpenseRecorded e) => this with
    {
        Lines = Lines.SetItem(e.LineId, Lines[e.LineId] with { Spent = Lines[e.LineId].Spent + e.AmountInGrantCurrency }),
        Spent = Spent + e.AmountInGrantCurrency,
        ExpenseCount = ExpenseCount + 1,
    };

    public Grant Apply(ExpenseReversed e) => this with
    {
        Lines = Lines.SetItem(e.LineId, Lines[e.LineId] with { Spent = Lines[e.LineId].Spent - e.AmountInGrantCurrency }),
        Spent = Spent - e.AmountInGrantCurrency,
    };

    public Grant Apply(FundsReturned e) => this with { Returned = Returned + e.Amount };

    public Grant Apply(GrantAmended e) => this with { Total = e.Total };

    public Grant Apply(FundsReceived e) => this with
    {
        Receipts = ReceivedIn(e.Currency) is { } so
            ? Receipts.Replace(so, so with { Sent = so.Sent + e.Sent, Received = so.Received + e.Received })
            : Receipts.Add(new Receipts(e.Currency, e.Sent, e.Received)),
    };

    public Grant Apply(BudgetReallocated e) => this with
    {
        Lines = e.Moves.Aggregate(Lines, (lines, move) => lines
            .SetItem(move.FromLineId, lines[move.FromLineId] with { Budgeted = lines[move.FromLineId].Budgeted - move.Amount })
            .SetItem(move.ToLineId, lines[move.ToLineId] with { Budgeted = lines[move.ToLineId].Budgeted + move.Amount })),
    };

    public Grant Apply(GrantClosed e) => this with { ClosedOn = e.ClosedOn, FinalReportUrl = e.FinalReportUrl };
}
