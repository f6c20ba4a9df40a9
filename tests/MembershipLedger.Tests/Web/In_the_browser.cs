using System.Net;
using Microsoft.Playwright;

namespace MembershipLedger.Tests.Web;

/// <summary>
/// The three jobs done in a browser, on the sample ledger: a roster on a date, two dates compared, a grant's spend
/// trail; and the unhappy paths a person meets. Each test saves a screenshot and fails on a console error or a failed request.
/// </summary>
[Trait("Category", "Browser")]
public sealed class In_the_browser(WebLedger web) : IClassFixture<WebLedger>
{
    [Fact]
    public async Task The_first_page_lists_the_groups_and_a_search_finds_one()
    {
        var (page, failures) = await web.OpenAsync();
        await page.GotoAsync(web.Address.ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Wikimedia affiliates");
        // The five seed pages name seven groups (the Wikimania panel brought several together).
        await Assertions.Expect(page.Locator("table.groups tbody tr")).ToHaveCountAsync(7);

        await page.GetByLabel("Name").FillAsync("tajik");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.groups tbody tr")).ToHaveCountAsync(1);
        Assert.Contains("q=tajik", page.Url);
        await WebLedger.ScreenshotAsync(page, "groups");
        Assert.Empty(failures);
    }

    [Fact]
    public async Task The_Tajik_roster_on_9_December_2022_has_7_members_and_2_undated_and_changes_with_the_date()
    {
        var (page, failures) = await web.OpenAsync();
        await page.GotoAsync(web.Address.ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "Tajik Wikimedians User Group" }).ClickAsync();
        await page.GetByLabel("Date", new() { Exact = true }).FillAsync("2022-12-09");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show the roster" }).ClickAsync();

        await Assertions.Expect(page.Locator("#member-count")).ToHaveTextAsync("7");
        await Assertions.Expect(page.Locator("#undated-count")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#roster-answer")).ToContainTextAsync("end of 9 December 2022, Asia/Dushanbe");
        Assert.Contains("date=2022-12-09", page.Url);
        await WebLedger.ScreenshotAsync(page, "tajik-roster-2022-12-09");

        await page.GetByLabel("Date", new() { Exact = true }).FillAsync("2022-12-08");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show the roster" }).ClickAsync();
        var earlier = int.Parse(await page.Locator("#member-count").InnerTextAsync());
        Assert.True(earlier < 7, $"{earlier} members on 8 December");
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Comparing_two_dates_lists_who_joined_between_them()
    {
        var (page, failures) = await web.OpenAsync();
        await page.GotoAsync(new Uri(web.Address, "/web/groups/tajik-wikimedians").ToString());
        await page.GetByLabel("From", new() { Exact = true }).FillAsync("2022-12-09");
        await page.GetByLabel("To", new() { Exact = true }).FillAsync("2023-12-31");
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("what changed");
        var joined = int.Parse(await page.Locator("#joined-count").InnerTextAsync());
        Assert.True(joined > 0);
        await Assertions.Expect(page.Locator("#joined-list li")).ToHaveCountAsync(joined);
        await WebLedger.ScreenshotAsync(page, "tajik-compare");
        Assert.Empty(failures);
    }

    [Fact]
    public async Task The_salon_grant_shows_1135_of_1200_spent_and_65_remaining_with_charts_and_a_csv()
    {
        var (page, failures) = await web.OpenAsync();
        await page.GotoAsync(new Uri(web.Address, "/web/grants/ma-strategy-salon-2019").ToString());
        await Assertions.Expect(page.Locator("#awarded")).ToHaveTextAsync("1,200.00 USD");
        await Assertions.Expect(page.Locator("#spent")).ToHaveTextAsync("1,135.00 USD");
        await Assertions.Expect(page.Locator("#remaining")).ToHaveTextAsync("65.00 USD");
        await Assertions.Expect(page.Locator("figure.chart svg")).ToHaveCountAsync(2);
        Assert.True(await page.Locator("table.trail tbody tr").CountAsync() > 0);
        await WebLedger.ScreenshotAsync(page, "salon-grant");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the trail as CSV" }).ClickAsync());
        var csv = await File.ReadAllLinesAsync((await download.PathAsync())!);
        Assert.StartsWith("position,effective_on,type", csv[0]);
        Assert.Contains(",1135.00,65.00,", csv[^1]); // spent to date and remaining after the last entry
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Unknown_groups_and_impossible_dates_get_a_page_that_says_what_was_wrong()
    {
        var (page, failures) = await web.OpenAsync(expected: [HttpStatusCode.NotFound, HttpStatusCode.BadRequest]);
        var response = await page.GotoAsync(new Uri(web.Address, "/web/groups/no-such-group").ToString());
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("No group with the id 'no-such-group' is registered");
        await WebLedger.ScreenshotAsync(page, "unknown-group");

        response = await page.GotoAsync(new Uri(web.Address, "/web/groups/tajik-wikimedians?date=2022-02-30").ToString());
        Assert.Equal(400, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("'2022-02-30' is not a date on the calendar");

        response = await page.GotoAsync(new Uri(web.Address, "/web/groups/tajik-wikimedians?date=2022-12-09&knownAt=2001-01-01").ToString());
        Assert.Equal(200, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("before that it knew nothing of it");
        // The browser logs the 404 and 400 of the page itself as "Failed to load resource": expected here, nothing else is.
        Assert.DoesNotContain(failures, f => !f.StartsWith("console: Failed to load resource"));
    }

    [Fact]
    public async Task At_360_pixels_the_group_page_is_readable_and_the_history_links_each_event_to_its_json()
    {
        var (page, failures) = await web.OpenAsync(width: 360);
        await page.GotoAsync(new Uri(web.Address, "/web/groups/tajik-wikimedians?date=2022-12-09").ToString());
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1");
        await WebLedger.ScreenshotAsync(page, "tajik-360px");
        Assert.False(overflow, "the page scrolls sideways at 360 px");

        await page.GetByRole(AriaRole.Link, new() { Name = "Every recorded event (history)" }).ClickAsync();
        var json = page.GetByRole(AriaRole.Link, new() { Name = "JSON" }).First;
        var href = await json.GetAttributeAsync("href");
        var answer = await page.APIRequest.GetAsync(new Uri(web.Address, href).ToString());
        Assert.Equal(200, answer.Status);
        Assert.Contains("\"eventType\"", await answer.TextAsync());
        Assert.Empty(failures);
    }
}
