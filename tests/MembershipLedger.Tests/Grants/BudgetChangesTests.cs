using JasperFx.Events;
using MembershipLedger.Grants;
using NodaTime;

namespace MembershipLedger.Tests.Grants;

/// <summary>Budgets as grants really change: lines kept at zero, money moved between lines, amended totals.</summary>
public class BudgetChangesTests
{
    private static readonly LocalDate Today = new(2024, 6, 1);

    private static readonly GrantAwarded Awarded = new("mx-editathons-2024", "wikimedia-mx", "Wikimedia Foundation", "Rapid Grants", "Editathons",
        new LocalDate(2024, 1, 1), new LocalDate(2024, 12, 31), "USD", 10000m,
        [new BudgetLine("venue", "Venue", 4500m), new BudgetLine("travel", "Travel", 3450m), new BudgetLine("prizes", "Prizes", 2050m)],
        new LocalDate(2024, 1, 10), null);

    private static Grant Given(params object[] events)
    {
        var grant = Grant.Create(new Event<GrantAwarded>(Awarded) { Timestamp = DateTimeOffset.UnixEpoch });
        foreach (var e in events)
            grant = e switch
            {
                ExpenseRecorded x => grant.Apply(x),
                BudgetLineAdded a => grant.Apply(a),
                BudgetLineRevised r => grant.Apply(r),
                BudgetReallocated r => grant.Apply(r),
                GrantAmended m => grant.Apply(m),
                FundsReceived f => grant.Apply(f),
                _ => throw new ArgumentException(e.GetType().Name),
            };
        return grant;
    }

    private static ExpenseRecorded Spent(string line, decimal amount) =>
        new(Awarded.GrantId, Guid.NewGuid(), line, amount, "USD", null, amount, new LocalDate(2024, 3, 1), "Payee", "Spent", null);

    [Fact]
    public void A_line_may_be_zero_at_the_award_and_when_added_and_spending_on_it_is_recorded_not_refused()
    {
        AwardGrant Award(GrantAwarded a) => new(a.GrantId, a.GroupId, a.Grantor, a.Program, a.Purpose, a.PeriodStart, a.PeriodEnd, a.Currency, a.Total, a.Lines, a.AwardedOn, a.ActivityId);
        var withZero = Awarded with { Lines = [.. Awarded.Lines, new BudgetLine("unbudgeted", "Unbudgeted costs", 0m)] };
        Assert.IsType<GrantAwarded>(Budgeting.Award(Award(withZero), null).Events.Single());
        Assert.Equal("lines[3].amount", Budgeting.Award(Award(Awarded with { Lines = [.. Awarded.Lines, new BudgetLine("minus", "Minus", -1m)] }), null).Problem?.Name);

        // The lines already add up to the award: a zero line still fits.
        var added = Assert.IsType<BudgetLineAdded>(Budgeting.Revise(new ReviseBudget("bank-fees", "Bank fees", 0m, Today), Given()).Events.Single());
        var grant = Given(added);
        var expense = Spending.Record(new RecordExpense(Guid.NewGuid(), "bank-fees", 12.50m, "USD", null, new LocalDate(2024, 3, 1), "Bank", "Transfer fee", null), grant, Today);
        Assert.Equal(12.50m, grant.Apply(Assert.IsType<ExpenseRecorded>(expense.Events.Single())).Lines["bank-fees"].Spent);
    }

    [Fact]
    public void A_reallocation_moves_every_amount_or_none_and_keeps_the_total_allocated()
    {
        BudgetMove[] moves = [new("travel", "venue", 1200m), new("prizes", "venue", 300m), new("travel", "prizes", 100m)];
        var decision = Budgeting.Reallocate(new ReallocateBudget(moves, "BCR-2024-05", new LocalDate(2024, 5, 10)), Given(), Today);

        var moved = Given(Assert.IsType<BudgetReallocated>(decision.Events.Single()));
        Assert.Equal((6000m, 2150m, 1850m), (moved.Lines["venue"].Budgeted, moved.Lines["travel"].Budgeted, moved.Lines["prizes"].Budgeted));
        Assert.Equal(Given().Allocated, moved.Allocated);

        // The third move asks more of travel than the first two left it: nothing is moved at all.
        BudgetMove[] tooMuch = [new("travel", "venue", 3000m), new("prizes", "venue", 300m), new("travel", "prizes", 500m)];
        var refused = Budgeting.Reallocate(new ReallocateBudget(tooMuch, null, Today), Given(), Today);
        Assert.Equal("move-exceeds-line", refused.Problem?.Name);
        Assert.Empty(refused.Events);

        Assert.Equal("moves[1].to", Budgeting.Reallocate(new ReallocateBudget([moves[0], new("travel", "catering", 5m)], null, Today), Given(), Today).Problem?.Name);
        Assert.Equal("moves[0].amount", Budgeting.Reallocate(new ReallocateBudget([new("travel", "venue", 0m)], null, Today), Given(), Today).Problem?.Name);
        Assert.Equal("moves[0].to", Budgeting.Reallocate(new ReallocateBudget([new("travel", "travel", 5m)], null, Today), Given(), Today).Problem?.Name);
        Assert.Equal("moves", Budgeting.Reallocate(new ReallocateBudget([], null, Today), Given(), Today).Problem?.Name);
    }

    [Fact]
    public void An_amendment_changes_the_total_up_or_down_but_never_below_what_is_spent_or_what_the_lines_hold()
    {
        var up = Assert.IsType<GrantAmended>(Budgeting.Amend(new AmendGrant(13500m, "Amendment 1", new LocalDate(2024, 6, 1), "A third editathon"), Given(), Today).Events.Single());
        Assert.Equal((10000m, 13500m), (up.PreviousTotal, up.Total));
        Assert.Equal(13500m, Given(up).Total);

        var spentMost = Given(Spent("venue", 4500m), Spent("travel", 3000m));
        Assert.Equal("amendment-below-spent", Budgeting.Amend(new AmendGrant(7000m, null, Today, "Cut"), spentMost, Today).Problem?.Name);
        Assert.Equal("amendment-below-lines", Budgeting.Amend(new AmendGrant(9000m, null, Today, "Cut"), Given(), Today).Problem?.Name);
        Assert.Equal("reason", Budgeting.Amend(new AmendGrant(12000m, null, Today, null), Given(), Today).Problem?.Name);
        Assert.Equal("nothing-changed", Budgeting.Amend(new AmendGrant(10000m, null, Today, "Same"), Given(), Today).Problem?.Name);
        Assert.Equal("approvedOn", Budgeting.Amend(new AmendGrant(12000m, null, Today.PlusDays(1), "Later"), Given(), Today).Problem?.Name);

        // Down, once a line was cut to fit.
        var cut = Given(new BudgetLineRevised(Awarded.GrantId, "prizes", "Prizes", 2050m, 50m, Today));
        var down = Assert.IsType<GrantAmended>(Budgeting.Amend(new AmendGrant(8000m, null, Today, "No prizes this year"), cut, Today).Events.Single());
        Assert.Equal(8000m, Given(new BudgetLineRevised(Awarded.GrantId, "prizes", "Prizes", 2050m, 50m, Today), down).Total);
    }

    [Fact]
    public void Expenses_in_the_currency_the_funds_arrived_in_take_their_weighted_rate_unless_they_state_their_own()
    {
        var first = Assert.IsType<FundsReceived>(Spending.Receive(new ReceiveFunds(1000m, "MXN", 19500m, new LocalDate(2024, 2, 1), "T1"), Given(), Today).Events.Single());
        var second = Assert.IsType<FundsReceived>(Spending.Receive(new ReceiveFunds(500m, "MXN", 9900m, new LocalDate(2024, 4, 1), "T2"), Given(first), Today).Events.Single());
        var grant = Given(first, second);
        Assert.Equal(0.05102041m, grant.ReceivedIn("MXN")!.Rate); // 1,500 USD for 29,400 MXN

        var atReceived = Assert.IsType<ExpenseRecorded>(Spending.Record(
            new RecordExpense(Guid.NewGuid(), "venue", 2000m, "MXN", null, new LocalDate(2024, 3, 1), "Hall", "Rent", null), grant, Today).Events.Single());
        Assert.Equal((102.04m, 0.05102041m, "funds-received"), (atReceived.AmountInGrantCurrency, atReceived.ExchangeRate, atReceived.RateSource));

        var stated = Assert.IsType<ExpenseRecorded>(Spending.Record(
            new RecordExpense(Guid.NewGuid(), "venue", 1000m, "MXN", 0.05m, new LocalDate(2024, 3, 1), "Hall", "Chairs", null), grant, Today).Events.Single());
        Assert.Equal((50.00m, "stated"), (stated.AmountInGrantCurrency, stated.RateSource));

        // No funds arrived in euros and no rate given: the expense cannot be counted.
        Assert.Equal("exchangeRate", Spending.Record(
            new RecordExpense(Guid.NewGuid(), "venue", 10m, "EUR", null, new LocalDate(2024, 3, 1), "Shop", "Cables", null), grant, Today).Problem?.Name);
        Assert.Equal("received", Spending.Receive(new ReceiveFunds(100m, "USD", 101m, Today, null), Given(), Today).Problem?.Name);
        Assert.Equal("currency", Spending.Receive(new ReceiveFunds(100m, "XYZ", 101m, Today, null), Given(), Today).Problem?.Name);
    }
}
