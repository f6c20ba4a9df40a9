using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MembershipLedger.Tests.Infrastructure;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Grants;

/// <summary>
/// Seed 004: the Morocco Strategy Salon 2019, "the total budget for this event was 1200 USD, covering
/// accommodation, transportation as well as meals, catering and t-shirts. An amount equivalent to 65 USD remained."
/// The report gives no split of the 1135 USD spent; the split below is this test's own, so each dollar has a line to go to.
/// </summary>
public class Salon_grant_spend_trail(LedgerApp app) : LedgerTest(app)
{
    private const string Grant = "ma-strategy-salon-2019";

    private async Task SalonGrantAwarded()
    {
        await MoroccanGroup(Client);
        await Expect(await PostAsync($"/groups/{Morocco}/grants", new
        {
            id = Grant, grantor = "Wikimedia Foundation", program = "Strategy Salons", purpose = "Strategy Salon 2019 in Mohammedia",
            periodStart = "2019-08-01", periodEnd = "2019-10-31", currency = "USD", total = 1200.00m, awardedOn = "2019-08-01",
            lines = new object[]
            {
                new { id = "accommodation", category = "Accommodation", amount = 500m },
                new { id = "transportation", category = "Transportation", amount = 350m },
                new { id = "meals-and-catering", category = "Meals and catering", amount = 250m },
                new { id = "t-shirts", category = "T-shirts", amount = 100m },
            },
        }), HttpStatusCode.Created);
    }

    private async Task<JsonElement> Spend(string lineId, decimal amount, string spentOn, string payee, string currency = "USD", decimal? rate = null) =>
        await Expect(await PostAsync($"/grants/{Grant}/expenses", rate is null
            ? new { lineId, amount, currency, spentOn, payee, description = $"{lineId} for the salon" }
            : (object)new { lineId, amount, currency, exchangeRate = rate, spentOn, payee, description = $"{lineId} for the salon" }), HttpStatusCode.Created);

    private async Task SalonSpent()
    {
        await SalonGrantAwarded();
        await Spend("accommodation", 480.00m, "2019-09-20", "Hotel in Mohammedia");
        await Spend("transportation", 330.00m, "2019-09-21", "Bus company");
        await Spend("meals-and-catering", 240.00m, "2019-09-21", "Local restaurant");
        // The t-shirts were paid in dirhams: 850 MAD at 0.1 USD per MAD.
        await Spend("t-shirts", 850m, "2019-09-18", "Print shop", currency: "MAD", rate: 0.1m);
    }

    [Fact]
    public async Task After_the_expenses_65_USD_remain_and_each_dollar_has_its_line()
    {
        await SalonSpent();

        var trail = await GetJson(Client, $"/grants/{Grant}/spend-trail");

        var totals = trail.GetProperty("totals");
        Assert.Equal(1200m, totals.GetProperty("awarded").GetDecimal());
        Assert.Equal(1135m, totals.GetProperty("spent").GetDecimal());
        Assert.Equal(65m, totals.GetProperty("remaining").GetDecimal());
        var lines = trail.GetProperty("lines").EnumerateArray().ToDictionary(l => l.GetProperty("lineId").GetString()!, l => l.GetProperty("spent").GetDecimal());
        Assert.Equal(new Dictionary<string, decimal>
        {
            ["accommodation"] = 480m, ["meals-and-catering"] = 240m, ["t-shirts"] = 85m, ["transportation"] = 330m,
        }, lines);
        Assert.Equal(totals.GetProperty("spent").GetDecimal(), lines.Values.Sum());
        Assert.DoesNotContain(trail.GetProperty("lines").EnumerateArray(), l => l.GetProperty("overspent").GetBoolean());

        // In date order, with the running balance after each entry; the last one leaves the 65 USD.
        var entries = trail.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["grant-awarded", "grant-awarded", "grant-awarded", "grant-awarded", "expense-recorded", "expense-recorded", "expense-recorded", "expense-recorded"],
            entries.Select(e => e.GetProperty("type").GetString()));
        var expenses = entries.Where(e => e.GetProperty("type").GetString() == "expense-recorded").ToList();
        Assert.Equal(["2019-09-18", "2019-09-20", "2019-09-21", "2019-09-21"], expenses.Select(e => e.GetProperty("effectiveOn").GetString()));
        Assert.Equal([1115m, 635m, 305m, 65m], expenses.Select(e => e.GetProperty("remaining").GetDecimal()));
        var tShirts = expenses[0];
        Assert.Equal(850m, tShirts.GetProperty("paidAmount").GetDecimal());
        Assert.Equal("MAD", tShirts.GetProperty("paidCurrency").GetString());
        Assert.Equal(85m, tShirts.GetProperty("spentChange").GetDecimal());
        Assert.All(entries, e => Assert.Equal("test-admin", e.GetProperty("recordedBy").GetString()));
        Assert.All(entries, e => Assert.Equal("2024-06-01T12:00:00Z", e.GetProperty("recordedAt").GetString()));
    }

    [Fact]
    public async Task Closing_the_grant_records_the_65_USD_unspent_and_nothing_more_is_spent_on_it()
    {
        await SalonSpent();
        var closed = await Expect(await PostAsync($"/grants/{Grant}/closure", new { closedOn = "2019-10-15", finalReportUrl = "https://meta.wikimedia.org/wiki/Strategy/Wikimedia_movement/2018-20/2019_Community_Conversations/Strategy_Salons/Reports/MA_UG" }), HttpStatusCode.OK);
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.Equal(65m, closed.GetProperty("remaining").GetDecimal());
        var before = await App.EventCountAsync();

        var refused = await Expect(await PostAsync($"/grants/{Grant}/expenses",
            new { lineId = "t-shirts", amount = 10m, currency = "USD", spentOn = "2019-10-20", payee = "Print shop", description = "more t-shirts" }), HttpStatusCode.Conflict);

        Assert.Equal("grant-closed", refused.GetProperty("rule").GetString());
        Assert.Equal(before, await App.EventCountAsync());
        var trail = await GetJson(Client, $"/grants/{Grant}/spend-trail");
        Assert.Equal("closed", trail.GetProperty("status").GetString());
        Assert.Equal(65m, trail.GetProperty("totals").GetProperty("remaining").GetDecimal());
    }

    [Fact]
    public async Task An_expense_recorded_in_error_is_reversed_not_edited_and_both_stay_in_the_trail()
    {
        await SalonSpent();
        var duplicate = await Spend("transportation", 330.00m, "2019-09-21", "Bus company");
        Assert.Equal(-265m, duplicate.GetProperty("grantRemaining").GetDecimal());
        var id = duplicate.GetProperty("expenseId").GetString();

        var noReason = await Expect(await PostAsync($"/grants/{Grant}/expenses/{id}/reversal", new { reversedOn = "2019-09-25" }), HttpStatusCode.BadRequest);
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        await Expect(await PostAsync($"/grants/{Grant}/expenses/{id}/reversal", new { reason = "The bus invoice was entered twice", reversedOn = "2019-09-25" }), HttpStatusCode.OK);
        var again = await Expect(await PostAsync($"/grants/{Grant}/expenses/{id}/reversal", new { reason = "again" }), HttpStatusCode.Conflict);
        Assert.Equal("already-reversed", again.GetProperty("rule").GetString());

        var trail = await GetJson(Client, $"/grants/{Grant}/spend-trail");
        Assert.Equal(65m, trail.GetProperty("totals").GetProperty("remaining").GetDecimal());
        var entries = trail.GetProperty("entries").EnumerateArray().ToList();
        var original = entries.Single(e => e.GetProperty("expenseId").GetString() == id && e.GetProperty("type").GetString() == "expense-recorded");
        Assert.Contains("reversed", original.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Contains("exceeds-grant", original.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        var reversal = entries.Single(e => e.GetProperty("type").GetString() == "expense-reversed");
        Assert.Equal(-330m, reversal.GetProperty("spentChange").GetDecimal());
        Assert.Equal("The bus invoice was entered twice", reversal.GetProperty("reason").GetString());
        Assert.Equal(65m, reversal.GetProperty("remaining").GetDecimal());
    }

    [Fact]
    public async Task As_of_a_date_the_trail_counts_only_what_was_spent_by_then()
    {
        await SalonSpent();

        var trail = await GetJson(Client, $"/grants/{Grant}/spend-trail?asOf=2019-09-20");

        Assert.Equal(565m, trail.GetProperty("totals").GetProperty("spent").GetDecimal());
        Assert.Equal(635m, trail.GetProperty("totals").GetProperty("remaining").GetDecimal());
        Assert.Equal(6, trail.GetProperty("entryCount").GetInt32());
    }

    [Fact]
    public async Task A_revised_line_an_overspent_line_and_a_payment_outside_the_period_are_flagged_not_hidden()
    {
        await SalonSpent();
        await Expect(await Client.PutAsJsonAsync($"/grants/{Grant}/lines/meals-and-catering", new { amount = 200m, revisedOn = "2019-09-25", reason = "Catering cost less than planned" }), HttpStatusCode.OK);
        await Spend("accommodation", 25m, "2019-11-05", "Hotel in Mohammedia");

        var trail = await GetJson(Client, $"/grants/{Grant}/spend-trail");

        var meals = trail.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("lineId").GetString() == "meals-and-catering");
        Assert.Equal(200m, meals.GetProperty("budgeted").GetDecimal());
        Assert.True(meals.GetProperty("overspent").GetBoolean());
        Assert.Equal(-40m, meals.GetProperty("remaining").GetDecimal());
        var late = trail.GetProperty("entries").EnumerateArray().Last();
        Assert.Contains("outside-grant-period", late.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Contains("overspends-line", late.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        var revision = trail.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "budget-line-revised");
        Assert.Equal(-50m, revision.GetProperty("budgetChange").GetDecimal());
        Assert.Equal(50m, trail.GetProperty("totals").GetProperty("unallocated").GetDecimal());
    }

    [Theory]
    [InlineData("""{"lineId":"t-shirts","amount":10,"currency":"XYZ","spentOn":"2019-09-20","payee":"p","description":"d"}""", "currency")]
    [InlineData("""{"lineId":"t-shirts","amount":-10,"currency":"USD","spentOn":"2019-09-20","payee":"p","description":"d"}""", "amount")]
    [InlineData("""{"lineId":"t-shirts","amount":0,"currency":"USD","spentOn":"2019-09-20","payee":"p","description":"d"}""", "amount")]
    [InlineData("""{"lineId":"t-shirts","amount":10.001,"currency":"USD","spentOn":"2019-09-20","payee":"p","description":"d"}""", "amount")]
    [InlineData("""{"lineId":"t-shirts","amount":100,"currency":"MAD","spentOn":"2019-09-20","payee":"p","description":"d"}""", "exchangeRate")]
    [InlineData("""{"lineId":"t-shirts","amount":100,"currency":"USD","exchangeRate":1.2,"spentOn":"2019-09-20","payee":"p","description":"d"}""", "exchangeRate")]
    [InlineData("""{"lineId":"posters","amount":10,"currency":"USD","spentOn":"2019-09-20","payee":"p","description":"d"}""", "lineId")]
    [InlineData("""{"lineId":"t-shirts","amount":"ten","currency":"USD","spentOn":"2019-09-20","payee":"p","description":"d"}""", "amount")]
    [InlineData("""{"lineId":"t-shirts","amount":10,"currency":"USD","spentOn":"2030-01-01","payee":"p","description":"d"}""", "spentOn")]
    [InlineData("""{"lineId":"t-shirts","amount":10,"currency":"USD","spentOn":"2019-09-20","payee":"p","description":"d","tip":1}""", "tip")]
    public async Task A_bad_expense_is_refused_naming_the_field_and_appends_nothing(string body, string field)
    {
        await SalonGrantAwarded();
        var before = await App.EventCountAsync();

        var problem = await Expect(await Client.PostAsync($"/grants/{Grant}/expenses", new StringContent(body, System.Text.Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(before, await App.EventCountAsync());
    }

    [Theory]
    [InlineData("currency", "EURO", "currency")]
    [InlineData("periodEnd", "2019-07-01", "periodEnd")]
    [InlineData("total", 1000, "lines")]
    [InlineData("total", -5, "total")]
    public async Task A_bad_award_is_refused_naming_the_field_and_appends_nothing(string property, object value, string field)
    {
        await MoroccanGroup(Client);
        var body = new Dictionary<string, object>
        {
            ["id"] = Grant, ["grantor"] = "Wikimedia Foundation", ["program"] = "Strategy Salons", ["purpose"] = "Salon",
            ["periodStart"] = "2019-08-01", ["periodEnd"] = "2019-10-31", ["currency"] = "USD", ["total"] = 1200m,
            ["lines"] = new object[] { new { id = "accommodation", category = "Accommodation", amount = 1100m } },
        };
        body[property] = value;
        var before = await App.EventCountAsync();

        var problem = await Expect(await Client.PostAsJsonAsync($"/groups/{Morocco}/grants", body), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(before, await App.EventCountAsync());
    }
}
