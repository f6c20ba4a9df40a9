using System.Net;
using System.Text.Json;
using MembershipLedger.Tests.Infrastructure;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Grants;

/// <summary>
/// Grants as the published finance tables show them run: lines kept at zero, budget change requests moving money
/// between lines in one approval, amendments to the total.
/// </summary>
public class Grants_as_they_really_run(LedgerApp app) : LedgerTest(app)
{
    private const string Grant = "ma-editathons-2019";

    private async Task Awarded()
    {
        await MoroccanGroup(Client);
        await Expect(await PostAsync($"/groups/{Morocco}/grants", new
        {
            id = Grant, grantor = "Wikimedia Foundation", program = "Rapid Grants", purpose = "Three editathons",
            periodStart = "2019-01-01", periodEnd = "2019-12-31", currency = "USD", total = 10000m, awardedOn = "2019-01-10",
            lines = new object[]
            {
                new { id = "venue", category = "Venue", amount = 4500m },
                new { id = "travel", category = "Travel", amount = 3450m },
                new { id = "prizes", category = "Prizes", amount = 2050m },
                new { id = "unbudgeted", category = "Unbudgeted costs", amount = 0m },
            },
        }), HttpStatusCode.Created);
    }

    private async Task Spend(string lineId, decimal amount, string spentOn) =>
        await Expect(await PostAsync($"/grants/{Grant}/expenses", new { lineId, amount, currency = "USD", spentOn, payee = "Payee", description = lineId }),
            HttpStatusCode.Created);

    [Fact]
    public async Task A_reallocation_is_one_change_in_the_trail_and_an_amendment_moves_the_award_from_its_date()
    {
        await Awarded();
        await Spend("venue", 4000m, "2019-03-01");
        await Spend("unbudgeted", 45.50m, "2019-03-02"); // spent on a zero line: recorded, and flagged

        var before = await App.EventCountAsync();
        // The third move asks more of travel than is left after the first: nothing is moved.
        var refused = await Expect(await PostAsync($"/grants/{Grant}/reallocations", new
        {
            moves = new object[] { new { from = "travel", to = "venue", amount = 3000m }, new { from = "travel", to = "prizes", amount = 500m } },
            approvalReference = "BCR 1", approvedOn = "2019-05-10",
        }), HttpStatusCode.Conflict);
        Assert.Equal("move-exceeds-line", refused.GetProperty("rule").GetString());
        Assert.Equal(before, await App.EventCountAsync());

        await Expect(await PostAsync($"/grants/{Grant}/reallocations", new
        {
            moves = new object[] { new { from = "travel", to = "venue", amount = 1200m }, new { from = "prizes", to = "unbudgeted", amount = 50m } },
            approvalReference = "Budget change request of 2019-05-02", approvedOn = "2019-05-10", reason = "The venue cost more",
        }), HttpStatusCode.OK);
        await Expect(await PostAsync($"/grants/{Grant}/amendments", new { total = 12000m, approvalReference = "Amendment 1", approvedOn = "2019-06-01", reason = "A fourth editathon" }),
            HttpStatusCode.OK);

        var trail = await GetJson(Client, $"/grants/{Grant}/spend-trail");
        var moves = trail.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "budget-reallocated").ToList();
        Assert.Equal(4, moves.Count);
        Assert.Single(moves.Select(m => m.GetProperty("sequence").GetInt64()).Distinct());
        Assert.Equal(0m, moves.Sum(m => m.GetProperty("budgetChange").GetDecimal()));
        var lines = trail.GetProperty("lines").EnumerateArray().ToDictionary(l => l.GetProperty("lineId").GetString()!);
        Assert.Equal(5700m, lines["venue"].GetProperty("budgeted").GetDecimal());
        Assert.Equal(2250m, lines["travel"].GetProperty("budgeted").GetDecimal());
        Assert.Equal(50m, lines["unbudgeted"].GetProperty("budgeted").GetDecimal());
        Assert.Equal(12000m, trail.GetProperty("totals").GetProperty("awarded").GetDecimal());
        Assert.Equal(2000m, trail.GetProperty("totals").GetProperty("unallocated").GetDecimal());

        // Spent on the zero line before the reallocation gave it anything: flagged, not refused.
        var zeroLine = trail.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("lineId").GetString() == "unbudgeted" && e.GetProperty("type").GetString() == "expense-recorded");
        Assert.Contains("overspends-line", zeroLine.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));

        // Before the amendment's date the award was still 10,000.
        var may = await GetJson(Client, $"/grants/{Grant}/spend-trail?asOf=2019-05-31");
        Assert.Equal(10000m, may.GetProperty("totals").GetProperty("awarded").GetDecimal());
        Assert.Equal(10000m - 4045.50m, may.GetProperty("totals").GetProperty("remaining").GetDecimal());
    }

    [Fact]
    public async Task An_amendment_below_what_is_spent_is_refused_and_appends_nothing()
    {
        await Awarded();
        await Spend("venue", 4500m, "2019-03-01");
        var before = await App.EventCountAsync();
        var refused = await Expect(await PostAsync($"/grants/{Grant}/amendments", new { total = 4000m, reason = "Cut" }), HttpStatusCode.Conflict);
        Assert.Equal("amendment-below-spent", refused.GetProperty("rule").GetString());
        var noReason = await Expect(await PostAsync($"/grants/{Grant}/amendments", new { total = 11000m }), HttpStatusCode.BadRequest);
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal(before, await App.EventCountAsync());
    }

    [Fact]
    public async Task A_USD_grant_spent_in_pesos_reconciles_the_funds_received_and_reports_budget_against_actual()
    {
        await Awarded();
        await Expect(await PostAsync($"/grants/{Grant}/receipts", new { sent = 1000m, currency = "MXN", received = 19500m, receivedOn = "2019-02-01", reference = "T1" }), HttpStatusCode.OK);
        await Expect(await PostAsync($"/grants/{Grant}/receipts", new { sent = 500m, currency = "MXN", received = 9900m, receivedOn = "2019-04-01", reference = "T2" }), HttpStatusCode.OK);
        await Expect(await PostAsync($"/grants/{Grant}/receipts", new { sent = 200m, currency = "USD", received = 185m, receivedOn = "2019-04-02" }), HttpStatusCode.OK);
        var atReceived = await Expect(await PostAsync($"/grants/{Grant}/expenses",
            new { lineId = "venue", amount = 2000m, currency = "MXN", spentOn = "2019-05-01", payee = "Hall", description = "Rent" }), HttpStatusCode.Created);
        Assert.Equal(102.04m, atReceived.GetProperty("amountInGrantCurrency").GetDecimal());
        await Expect(await PostAsync($"/grants/{Grant}/expenses",
            new { lineId = "travel", amount = 1000m, currency = "MXN", exchangeRate = 0.05m, spentOn = "2019-05-02", payee = "Bus", description = "Tickets" }), HttpStatusCode.Created);
        await Spend("prizes", 2100m, "2019-06-01");

        var report = await GetJson(Client, $"/grants/{Grant}/report");
        var mxn = report.GetProperty("received").EnumerateArray().Single(r => r.GetProperty("currency").GetString() == "MXN");
        Assert.Equal(1500m, mxn.GetProperty("sent").GetDecimal());
        Assert.Equal(29400m, mxn.GetProperty("received").GetDecimal());
        Assert.Equal(0.05102041m, mxn.GetProperty("rate").GetDecimal());
        Assert.Equal(JsonValueKind.Null, mxn.GetProperty("feesAndTaxes").ValueKind);
        Assert.Equal(3000m, mxn.GetProperty("paid").GetDecimal());
        Assert.Equal(152.04m, mxn.GetProperty("spentInGrantCurrency").GetDecimal());
        Assert.Equal(26400m, mxn.GetProperty("leftInCurrency").GetDecimal());
        Assert.Equal(1346.94m, mxn.GetProperty("leftInGrantCurrency").GetDecimal());
        Assert.Equal(1.02m, mxn.GetProperty("gainOrLoss").GetDecimal()); // 3,000 MXN at the received rate is 153.06; they count for 152.04
        var usd = report.GetProperty("received").EnumerateArray().Single(r => r.GetProperty("currency").GetString() == "USD");
        Assert.Equal(15m, usd.GetProperty("feesAndTaxes").GetDecimal());

        var prizes = report.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("lineId").GetString() == "prizes");
        Assert.Equal((-50m, -2.4m, true), (prizes.GetProperty("variance").GetDecimal(), prizes.GetProperty("variancePercent").GetDecimal(), prizes.GetProperty("overspent").GetBoolean()));
        var unbudgeted = report.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("lineId").GetString() == "unbudgeted");
        Assert.Equal(JsonValueKind.Null, unbudgeted.GetProperty("variancePercent").ValueKind);
        Assert.Equal(10000m - 102.04m - 50m - 2100m, report.GetProperty("total").GetProperty("variance").GetDecimal());

        var csv = await Client.GetStringAsync($"/grants/{Grant}/report.csv");
        Assert.Contains("prizes,Prizes,2050.00,2100.00,-50.00,-2.4,yes,USD", csv);
        Assert.EndsWith("total,Total,10000.00,2252.04,7747.96,77.5,no,USD\n", csv);
    }

    private async Task<JsonElement> PasteTable(string grant, string table, bool dryRun, HttpStatusCode expected = HttpStatusCode.OK, string? spentOn = null) =>
        await Expect(await Client.PostAsync($"/grants/{grant}/finance-table?dryRun={(dryRun ? "true" : "false")}{(spentOn is null ? "" : $"&spentOn={spentOn}")}",
            new StringContent(table, System.Text.Encoding.UTF8, "text/plain")), expected);

    private async Task AwardedWithoutLines(string id, decimal total)
    {
        await MoroccanGroup(Client);
        await Expect(await PostAsync($"/groups/{Morocco}/grants", new
        {
            id, grantor = "Wikimedia Foundation", program = "Rapid Grants", purpose = "Editathons", periodStart = "2019-01-01", periodEnd = "2019-12-31",
            currency = "USD", total, awardedOn = "2019-01-10",
        }), HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_USD_finance_table_with_two_overspent_lines_and_a_total_off_by_five_cents_is_checked_then_recorded_once()
    {
        await AwardedWithoutLines("ma-rapid-2019", 10000m);
        var before = await App.EventCountAsync();

        var dry = await PasteTable("ma-rapid-2019", FinanceTableTests.Rendered, dryRun: true);
        Assert.Equal(before, await App.EventCountAsync());
        Assert.False(dry.GetProperty("refused").GetBoolean());
        Assert.Equal((4, 4), (dry.GetProperty("linesAdded").GetInt32(), dry.GetProperty("expenses").GetInt32()));
        var mismatches = dry.GetProperty("mismatches").EnumerateArray().ToList();
        Assert.Equal(2, mismatches.Count);
        Assert.Equal(("spent", 9932.55m, 9932.50m, 0.05m), (mismatches[0].GetProperty("column").GetString(), mismatches[0].GetProperty("stated").GetDecimal(),
            mismatches[0].GetProperty("computed").GetDecimal(), mismatches[0].GetProperty("off").GetDecimal()));
        Assert.Equal(-0.05m, mismatches[1].GetProperty("off").GetDecimal());

        await PasteTable("ma-rapid-2019", FinanceTableTests.Rendered, dryRun: false, spentOn: "2019-11");
        Assert.Equal(before + 8, await App.EventCountAsync());
        var trail = await GetJson(Client, "/grants/ma-rapid-2019/spend-trail");
        var overspent = trail.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("overspent").GetBoolean()).Select(l => l.GetProperty("category").GetString()).Order();
        Assert.Equal(["Catering", "Venue rental"], overspent);
        // The lines are dated with the award: each expense is counted against its approved line, and only those two overspend.
        var flagged = trail.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("flags").EnumerateArray().Any(f => f.GetString() == "overspends-line"))
            .Select(e => e.GetProperty("lineId").GetString()).Order();
        Assert.Equal(["catering", "venue-rental"], flagged);
        Assert.Equal(9932.50m, trail.GetProperty("totals").GetProperty("spent").GetDecimal());

        // The same table again: every line unchanged, every expense already recorded, nothing appended.
        var again = await PasteTable("ma-rapid-2019", FinanceTableTests.Rendered, dryRun: false);
        Assert.Equal((0, 0, 0), (again.GetProperty("linesAdded").GetInt32(), again.GetProperty("linesRevised").GetInt32(), again.GetProperty("expenses").GetInt32()));
        Assert.All(again.GetProperty("rows").EnumerateArray(), r => Assert.Equal("already recorded", r.GetProperty("expense").GetString()));
        Assert.Equal(before + 8, await App.EventCountAsync());
    }

    [Fact]
    public async Task A_USD_grant_spent_in_pesos_takes_the_received_rate_adds_the_zero_line_and_names_the_total_1200_pesos_short()
    {
        await AwardedWithoutLines("mx-editathons-2019", 3500m);
        // Before the funds arrived, pesos have no rate: the table is refused whole.
        var early = await PasteTable("mx-editathons-2019", FinanceTableTests.Wikitext, dryRun: true);
        Assert.True(early.GetProperty("refused").GetBoolean());
        Assert.Contains("record the funds received in MXN first", early.GetProperty("rows")[0].GetProperty("problem").GetString());
        var before = await App.EventCountAsync();
        await PasteTable("mx-editathons-2019", FinanceTableTests.Wikitext, dryRun: false, expected: HttpStatusCode.Conflict);
        Assert.Equal(before, await App.EventCountAsync());

        await Expect(await PostAsync("/grants/mx-editathons-2019/receipts", new { sent = 3500m, currency = "MXN", received = 59500m, receivedOn = "2019-02-01" }), HttpStatusCode.OK);
        var dry = await PasteTable("mx-editathons-2019", FinanceTableTests.Wikitext, dryRun: true);
        var off = Assert.Single(dry.GetProperty("mismatches").EnumerateArray());
        Assert.Equal((63500m, 64700m, -1200m, "MXN"), (off.GetProperty("stated").GetDecimal(), off.GetProperty("computed").GetDecimal(),
            off.GetProperty("off").GetDecimal(), off.GetProperty("currency").GetString()));
        await PasteTable("mx-editathons-2019", FinanceTableTests.Wikitext, dryRun: false, spentOn: "2019-06");

        var report = await GetJson(Client, "/grants/mx-editathons-2019/report");
        var lines = report.GetProperty("lines").EnumerateArray().ToDictionary(l => l.GetProperty("category").GetString()!);
        Assert.Equal((2000m, 2000.00m), (lines["Editathon venue"].GetProperty("budgeted").GetDecimal(), lines["Editathon venue"].GetProperty("spent").GetDecimal()));
        Assert.Equal(1558.82m, lines["Food"].GetProperty("spent").GetDecimal());       // 26,500 MXN at 0.05882353
        Assert.Equal((0m, 247.06m), (lines["Transport for volunteers"].GetProperty("budgeted").GetDecimal(), lines["Transport for volunteers"].GetProperty("spent").GetDecimal()));
        Assert.True(lines["Transport for volunteers"].GetProperty("overspent").GetBoolean());
        var mxn = Assert.Single(report.GetProperty("received").EnumerateArray());
        Assert.Equal((64700m, -5200m), (mxn.GetProperty("paid").GetDecimal(), mxn.GetProperty("leftInCurrency").GetDecimal()));
    }

    [Fact]
    public async Task A_grant_not_yet_recorded_is_awarded_from_its_table_with_what_the_query_says_of_it()
    {
        await MoroccanGroup(Client);
        const string grant = "ma-from-table-2019";
        const string award = "groupId=wikimedia-ma&grantor=Wikimedia%20Foundation&program=Rapid%20Grants&periodStart=2019-01&periodEnd=2019-12&awardedOn=2019-01-10";
        async Task<HttpResponseMessage> Paste(HttpClient client, string query, bool dryRun) =>
            await client.PostAsync($"/grants/{grant}/finance-table?dryRun={(dryRun ? "true" : "false")}&{query}",
                new StringContent(FinanceTableTests.Rendered, System.Text.Encoding.UTF8, "text/plain"));
        var before = await App.EventCountAsync();

        var missing = await Expect(await Paste(Client, "groupId=wikimedia-ma&periodStart=2019-01", dryRun: true), HttpStatusCode.BadRequest);
        Assert.Equal(["grantor", "periodEnd", "program"], missing.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        var tajikOrganizer = await App.ClientAsync("Darafsh", MembershipLedger.Access.AccessRole.Organizer, Tajik);
        await Expect(await Paste(tajikOrganizer, award, dryRun: false), HttpStatusCode.Forbidden);

        var dry = await Expect(await Paste(Client, award, dryRun: true), HttpStatusCode.OK);
        Assert.Equal((4, 4, false), (dry.GetProperty("linesAdded").GetInt32(), dry.GetProperty("expenses").GetInt32(), dry.GetProperty("refused").GetBoolean()));
        Assert.Equal(before, await App.EventCountAsync());

        await Expect(await Paste(Client, award, dryRun: false), HttpStatusCode.OK);
        Assert.Equal(before + 5, await App.EventCountAsync()); // the award, its four lines in it, and four expenses
        var recorded = await GetJson(Client, $"/grants/{grant}");
        Assert.Equal((10000m, "USD", 9932.50m), (recorded.GetProperty("total").GetDecimal(), recorded.GetProperty("currency").GetString(), recorded.GetProperty("spent").GetDecimal()));
        Assert.Equal(4, recorded.GetProperty("lines").GetArrayLength());

        // Pasted again, the grant exists: nothing new.
        var again = await Expect(await Paste(Client, award, dryRun: false), HttpStatusCode.OK);
        Assert.Equal(0, again.GetProperty("expenses").GetInt32());
        Assert.Equal(before + 5, await App.EventCountAsync());
    }
}
