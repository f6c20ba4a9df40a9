using JasperFx.Events;
using MembershipLedger.Grants;
using NodaTime;

namespace MembershipLedger.Tests.Grants;

/// <summary>The grant decisions, given the events so far, when a command, then events or a refusal.</summary>
public class SpendingTests
{
    private static readonly LocalDate Today = new(2024, 6, 1);

    private static readonly GrantAwarded Awarded = new("salon", "wikimedia-ma", "Wikimedia Foundation", "Strategy Salons", "Salon",
        new LocalDate(2019, 8, 1), new LocalDate(2019, 10, 31), "USD", 1200m,
        [new BudgetLine("accommodation", "Accommodation", 500m), new BudgetLine("t-shirts", "T-shirts", 100m)], new LocalDate(2019, 8, 1), null);

    private static Grant Given(params object[] events)
    {
        var grant = Grant.Create(new Event<GrantAwarded>(Awarded) { Timestamp = DateTimeOffset.UnixEpoch });
        foreach (var e in events)
            grant = e switch
            {
                ExpenseRecorded x => grant.Apply(x),
                ExpenseReversed r => grant.Apply(r),
                FundsReturned f => grant.Apply(f),
                GrantClosed c => grant.Apply(c),
                BudgetLineRevised r => grant.Apply(r),
                BudgetLineAdded a => grant.Apply(a),
                _ => throw new ArgumentException(e.GetType().Name),
            };
        return grant;
    }

    private static RecordExpense Expense(decimal amount, string currency = "USD", decimal? rate = null, string line = "t-shirts") =>
        new(Guid.NewGuid(), line, amount, currency, rate, new LocalDate(2019, 9, 18), "Print shop", "t-shirts", null);

    [Fact]
    public void An_expense_in_another_currency_counts_at_its_rate_rounded_to_the_cent()
    {
        var decision = Spending.Record(Expense(333.33m, "MAD", 0.10345m), Given(), Today);

        var recorded = Assert.IsType<ExpenseRecorded>(Assert.Single(decision.Events));
        Assert.Equal(34.48m, recorded.AmountInGrantCurrency); // 34.4829885 rounds to 34.48
        Assert.Equal(0.10345m, recorded.ExchangeRate);
    }

    [Fact]
    public void Money_is_exact_a_hundred_ten_cent_expenses_make_ten_dollars()
    {
        var grant = Given();
        for (var i = 0; i < 100; i++)
            grant = grant.Apply((ExpenseRecorded)Spending.Record(Expense(0.10m), grant, Today).Events.Single());
        Assert.Equal(10.00m, grant.Spent);
        Assert.Equal(1190.00m, grant.Remaining);
    }

    [Theory]
    [InlineData(0, "USD", null, "amount")]
    [InlineData(-1, "USD", null, "amount")]
    [InlineData(1.005, "USD", null, "amount")]
    [InlineData(100, "MAD", null, "exchangeRate")]
    [InlineData(100, "MAD", 0.0, "exchangeRate")]
    [InlineData(100, "USD", 1.1, "exchangeRate")]
    [InlineData(100, "DOLLARS", null, "currency")]
    [InlineData(1.5, "JPY", 0.007, "amount")]
    public void A_bad_expense_names_its_field(decimal amount, string currency, double? rate, string field)
    {
        var decision = Spending.Record(Expense(amount, currency, rate is null ? null : (decimal)rate), Given(), Today);
        Assert.Equal(field, decision.Problem?.Name);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Nothing_is_spent_returned_or_revised_on_a_closed_grant()
    {
        var closed = Given(new GrantClosed("salon", "wikimedia-ma", new LocalDate(2019, 10, 31), 0m, 0m, 1200m, null));

        Assert.Equal("grant-closed", Spending.Record(Expense(10m), closed, Today).Problem?.Name);
        Assert.Equal("grant-closed", Spending.Return(new ReturnFunds(10m, Today, null), closed, Today).Problem?.Name);
        Assert.Equal("grant-closed", Budgeting.Revise(new ReviseBudget("t-shirts", null, 50m, Today), closed).Problem?.Name);
        Assert.Equal("grant-closed", Spending.Close(new CloseGrant(Today, null), closed, Today).Problem?.Name);
    }

    [Fact]
    public void Closing_records_what_was_spent_returned_and_left_unspent()
    {
        var grant = Given(
            new ExpenseRecorded("salon", Guid.NewGuid(), "accommodation", 1135m, "USD", null, 1135m, new LocalDate(2019, 9, 20), "Hotel", "Rooms", null));

        var closed = Assert.IsType<GrantClosed>(Spending.Close(new CloseGrant(new LocalDate(2019, 10, 15), null), grant, Today).Events.Single());

        Assert.Equal((1135m, 0m, 65m), (closed.Spent, closed.Returned, closed.Unspent));
    }

    [Fact]
    public void No_more_can_be_returned_than_remains()
    {
        var grant = Given(new ExpenseRecorded("salon", Guid.NewGuid(), "accommodation", 1135m, "USD", null, 1135m, new LocalDate(2019, 9, 20), "Hotel", "Rooms", null));
        Assert.Equal("return-exceeds-remaining", Spending.Return(new ReturnFunds(66m, Today, null), grant, Today).Problem?.Name);
        Assert.IsType<FundsReturned>(Spending.Return(new ReturnFunds(65m, Today, "bank transfer"), grant, Today).Events.Single());
    }

    [Fact]
    public void A_reversal_needs_a_reason_an_existing_expense_and_happens_once()
    {
        var id = Guid.NewGuid();
        var facts = new ExpenseFacts(id, "t-shirts", 85m, Reversed: false);

        Assert.Equal("reason", Spending.Reverse(new ReverseExpense(id, Today, null), Given(), facts).Problem?.Name);
        Assert.Equal("expenseId", Spending.Reverse(new ReverseExpense(id, Today, "typo"), Given(), null).Problem?.Name);
        Assert.Equal("already-reversed", Spending.Reverse(new ReverseExpense(id, Today, "typo"), Given(), facts with { Reversed = true }).Problem?.Name);
        var reversed = Assert.IsType<ExpenseReversed>(Spending.Reverse(new ReverseExpense(id, Today, "typo"), Given(), facts).Events.Single());
        Assert.Equal(85m, reversed.AmountInGrantCurrency);
    }

    [Fact]
    public void Budget_lines_never_add_up_to_more_than_the_total_and_every_revision_keeps_the_previous_amount()
    {
        Assert.Equal("budget-exceeds-total", Budgeting.Revise(new ReviseBudget("accommodation", null, 1101m, Today), Given()).Problem?.Name);

        var revised = Assert.IsType<BudgetLineRevised>(Budgeting.Revise(new ReviseBudget("accommodation", null, 450m, Today), Given()).Events.Single());
        Assert.Equal((500m, 450m), (revised.PreviousAmount, revised.Amount));

        var added = Assert.IsType<BudgetLineAdded>(Budgeting.Revise(new ReviseBudget("meals", "Meals and catering", 250m, Today), Given()).Events.Single());
        Assert.Equal("Meals and catering", added.Line.Category);
        Assert.Equal("category", Budgeting.Revise(new ReviseBudget("posters", null, 10m, Today), Given()).Problem?.Name);
    }

    [Fact]
    public void An_award_refuses_a_duplicate_line_an_unknown_currency_and_a_period_that_ends_before_it_starts()
    {
        AwardGrant Award(GrantAwarded a) => new(a.GrantId, a.GroupId, a.Grantor, a.Program, a.Purpose, a.PeriodStart, a.PeriodEnd, a.Currency, a.Total, a.Lines, a.AwardedOn, a.ActivityId);

        Assert.Equal("lines[1].id", Budgeting.Award(Award(Awarded with { Lines = [Awarded.Lines[0], Awarded.Lines[0]] }), null).Problem?.Name);
        Assert.Equal("currency", Budgeting.Award(Award(Awarded with { Currency = "usd" }), null).Problem?.Name);
        Assert.Equal("periodEnd", Budgeting.Award(Award(Awarded with { PeriodEnd = new LocalDate(2019, 7, 1) }), null).Problem?.Name);
        Assert.Equal("grant-exists", Budgeting.Award(Award(Awarded), Given()).Problem?.Name);
        Assert.IsType<GrantAwarded>(Budgeting.Award(Award(Awarded), null).Events.Single());
    }
}
