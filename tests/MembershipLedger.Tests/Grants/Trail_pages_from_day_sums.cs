using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MembershipLedger.Tests.Infrastructure;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Grants;

/// <summary>
/// The trail's totals and each page's running balances come from the per-day sums and the entries of the page's first
/// day: every page, of every size, starting anywhere in a day, as of any date, reads exactly what the whole trail read
/// in one page says, with expenses recorded out of date order, several a day, a reversal, a return and a late line.
/// </summary>
public class Trail_pages_from_day_sums(LedgerApp app) : LedgerTest(app)
{
    private const string Grant = "ma-trail-pages-2019";

    [Fact]
    public async Task Every_page_of_every_size_continues_the_running_balances_of_the_whole_trail()
    {
        await MoroccanGroup(Client);
        await Expect(await PostAsync($"/groups/{Morocco}/grants", new
        {
            id = Grant, grantor = "Wikimedia Foundation", program = "Rapid Grants", purpose = "Editathons", periodStart = "2019-01-01",
            periodEnd = "2019-12-31", currency = "USD", total = 1000m, awardedOn = "2019-01-10",
            lines = new object[] { new { id = "venue", category = "Venue", amount = 600m }, new { id = "food", category = "Food", amount = 300m } },
        }), HttpStatusCode.Created);
        var days = new[] { "2019-03-05", "2019-02-01", "2019-03-05", "2019-04-10", "2019-02-01", "2019-03-05", "2019-05-20", "2019-04-10", "2019-02-01" };
        string? first = null;
        for (var i = 0; i < days.Length; i++)
        {
            var expense = await Expect(await PostAsync($"/grants/{Grant}/expenses",
                new { lineId = i % 3 == 0 ? "food" : "venue", amount = 10m + i, currency = "USD", spentOn = days[i], payee = "Payee", description = $"expense {i}" }),
                HttpStatusCode.Created);
            first ??= expense.GetProperty("expenseId").GetString();
        }
        await Expect(await PostAsync($"/grants/{Grant}/expenses/{first}/reversal", new { reason = "Entered twice", reversedOn = "2019-03-05" }), HttpStatusCode.OK);
        await Expect(await PostAsync($"/grants/{Grant}/returns", new { amount = 25m, returnedOn = "2019-04-10" }), HttpStatusCode.OK);
        var line = await Client.PutAsJsonAsync($"/grants/{Grant}/lines/prizes", new { category = "Prizes", amount = 50m, revisedOn = "2019-02-01" });
        Assert.True(line.IsSuccessStatusCode, await line.Content.ReadAsStringAsync());

        foreach (var asOf in new[] { "", "2019-02-01", "2019-03-05", "2019-04-09", "2019-12-31" })
        {
            var whole = await GetJson(Client, $"/grants/{Grant}/spend-trail?limit=1000{(asOf == "" ? "" : $"&asOf={asOf}")}");
            var expected = whole.GetProperty("entries").EnumerateArray().Select(Row).ToList();
            Assert.Equal(whole.GetProperty("entryCount").GetInt64(), expected.Count);
            for (var size = 1; size <= 4; size++)
                for (var after = 0; after <= expected.Count; after++)
                {
                    var page = await GetJson(Client, $"/grants/{Grant}/spend-trail?limit={size}&after={after}{(asOf == "" ? "" : $"&asOf={asOf}")}");
                    Assert.Equal(expected.Skip(after).Take(size), page.GetProperty("entries").EnumerateArray().Select(Row));
                    Assert.Equal(whole.GetProperty("totals").ToString(), page.GetProperty("totals").ToString());
                    Assert.Equal(whole.GetProperty("lines").ToString(), page.GetProperty("lines").ToString());
                }
        }
    }

    private static string Row(JsonElement e) =>
        $"{e.GetProperty("position")} {e.GetProperty("type")} {e.GetProperty("effectiveOn")} {e.GetProperty("lineId")} {e.GetProperty("spentToDate")} {e.GetProperty("remaining")} {string.Join(",", e.GetProperty("flags").EnumerateArray())}";
}
