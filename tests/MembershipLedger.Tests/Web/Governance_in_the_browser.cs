using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace MembershipLedger.Tests.Web;

/// <summary>
/// A reviewer's and an organizer's governance pages in chromium, on the sample ledger: who was in good standing on a day
/// and why, how the groups grew, the Tajik group's annual-report draft, a statement issued and then verified, and the
/// capacity directory. Each step saves a screenshot; a console error or an unexpected failed request fails the test.
/// </summary>
[Trait("Category", "Browser")]
public sealed class Governance_in_the_browser(WebLedger web) : IClassFixture<WebLedger>
{
    private const string Tajik = "tajik-wikimedians";

    private Uri At(string path) => new(web.Address, path);

    private async Task RecordTajikStandingAsync()
    {
        using var api = new HttpClient { BaseAddress = web.Address };
        api.DefaultRequestHeaders.Add("X-Api-Key", web.AdminKey);
        async Task Post(string url, object body) => Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync(url, body)).StatusCode);
        if ((await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/groups/{Tajik}/recognition")).GetProperty("steps").GetArrayLength() > 0) return;
        await Post($"/groups/{Tajik}/recognition", new { step = "applied", on = "2023-01-10", link = "https://meta.wikimedia.org/wiki/Tajik_Wikimedians_User_Group" });
        await Post($"/groups/{Tajik}/recognition", new { step = "recognized", on = "2023-05-01" });
        await Post($"/groups/{Tajik}/agreements", new { signedOn = "2023-05-01", endsOn = "2026-04-30" });
        await Post($"/groups/{Tajik}/roles", new { username = "Farorud", role = "designated-contact", from = "2023-05-01" });
        await Post($"/groups/{Tajik}/reports", new { kind = "activity", periodStart = "2023-01-01", periodEnd = "2023-12-31", submittedOn = "2024-03-20" });
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/groups/{Tajik}/members/Farorud/capacities", new
        {
            languages = new[] { new { code = "tg", level = "native" }, new { code = "ru", level = "advanced" } },
            skills = new[] { "translation", "wikidata" }, wouldMentor = true, published = true,
        })).StatusCode);
    }

    [Fact]
    public async Task A_reviewer_sees_who_was_in_good_standing_and_why_and_the_groups_growth()
    {
        await RecordTajikStandingAsync();
        var (page, failures) = await web.OpenAsync();

        await page.GotoAsync(At("/").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "Standing and growth" }).ClickAsync();
        await page.GetByLabel("On", new() { Exact = true }).FillAsync("2024-06-01");
        await page.GetByLabel("Growth by").SelectOptionAsync("year");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        var tajik = page.Locator("table.compliance tr", new() { HasText = "Tajik Wikimedians" });
        await Assertions.Expect(tajik).ToContainTextAsync("recognized");
        await Assertions.Expect(tajik.Locator("td").Nth(3)).ToHaveTextAsync("yes");
        var mali = page.Locator("table.compliance tr", new() { HasText = "Mali" });
        await Assertions.Expect(mali).ToContainTextAsync("not (yet) an applicant");
        await Assertions.Expect(page.Locator("table.growth")).ToContainTextAsync("2023");
        await Assertions.Expect(page.Locator("figure.chart svg")).ToBeVisibleAsync();
        await WebLedger.ScreenshotAsync(page, "governance-directory");

        await tajik.GetByRole(AriaRole.Link).ClickAsync();
        await page.GetByLabel("Standing on", new() { Exact = true }).FillAsync("2025-06-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Judge" }).ClickAsync();
        await Assertions.Expect(page.Locator("#verdict")).ToContainTextAsync("Not in good standing");
        await Assertions.Expect(page.Locator("table.criteria")).ToContainTextAsync("the activity report for 2024 was due on 2025-03-31");
        await page.GetByLabel("Year", new() { Exact = true }).FillAsync("2023");
        await page.GetByRole(AriaRole.Button, new() { Name = "Draft" }).ClickAsync();
        await Assertions.Expect(page.Locator("article.draft")).ToContainTextAsync("Erokhin");
        await Assertions.Expect(page.Locator("#draft-wiki")).ToContainTextAsync("== Tajik Wikimedians User Group: report for 2023-01-01 to 2023-12-31 ==");
        await WebLedger.ScreenshotAsync(page, "governance-group-standing");

        await page.GotoAsync(At("/web/capacities?language=tg").ToString());
        await Assertions.Expect(page.Locator("table.capacities")).ToContainTextAsync("Farorud");
        await WebLedger.ScreenshotAsync(page, "capacities-directory");
        Assert.Empty(failures);
    }

    [Fact]
    public async Task An_organizer_issues_a_statement_and_anyone_verifies_it()
    {
        await RecordTajikStandingAsync();
        var key = await web.IssueKeyAsync("Darafsh", "organizer", Tajik);
        var (page, failures) = await web.OpenAsync();
        await web.SignInAsync(page, key);

        await page.GotoAsync(At($"/web/groups/{Tajik}/governance").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "an affiliation statement" }).ClickAsync();
        await page.GetByLabel("Person").FillAsync("Farorud");
        await page.GetByLabel("States").SelectOptionAsync("designated-contact");
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue and sign" }).ClickAsync();
        await Assertions.Expect(page.Locator("#issued")).ToContainTextAsync("Statement issued for Farorud");
        var token = await page.Locator("#token").InputValueAsync();
        await Assertions.Expect(page.Locator("table").Last).ToContainTextAsync("valid");
        await WebLedger.ScreenshotAsync(page, "statement-issued");

        var (reader, readerFailures) = await web.OpenAsync();
        await reader.GotoAsync(At("/web/statements/verify").ToString());
        await reader.GetByLabel("The statement").FillAsync(token);
        await reader.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(reader.Locator("#verdict")).ToHaveTextAsync("Valid");
        await Assertions.Expect(reader.Locator("dl.profile")).ToContainTextAsync("designated contact");
        await WebLedger.ScreenshotAsync(reader, "statement-verified");

        // The organizer records a member's capacities through the form: shown to organizers, not publicly, until published.
        await page.GotoAsync(At($"/web/record/capacities?groupId={Tajik}&username=Mardetanha").ToString());
        await page.GetByLabel("Languages").FillAsync("fa: native\ntg: intermediate");
        await page.GetByLabel("Skills").FillAsync("programming");
        await page.GetByLabel("Would mentor").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the capacities" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.recorded")).ToContainTextAsync("capacities declared");
        await page.GotoAsync(At("/web/capacities?language=fa").ToString());
        await Assertions.Expect(page.Locator("table.capacities")).ToContainTextAsync("to organizers only");
        await reader.GotoAsync(At("/web/capacities?language=fa").ToString());
        await Assertions.Expect(reader.GetByRole(AriaRole.Heading, new() { Name = "No one found" })).ToBeVisibleAsync();
        Assert.Empty(failures);
        Assert.Empty(readerFailures);
    }
}
