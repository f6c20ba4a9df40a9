using System.Net;
using MembershipLedger.Tests.Imports;
using Microsoft.Playwright;

namespace MembershipLedger.Tests.Web;

/// <summary>
/// Recording through the web as organizers and admins do it: signed in with their key, through the forms, with the
/// API's rules and refusals shown beside the fields. Each test saves a screenshot and fails on a console error or an
/// unexpected failed request.
/// </summary>
[Trait("Category", "Browser")]
public sealed class Recording_in_the_browser(WebLedger web) : IClassFixture<WebLedger>
{
    private const string Tajik = "tajik-wikimedians";

    private Uri At(string path) => new(web.Address, path);

    [Fact]
    public async Task An_organizer_signs_in_records_a_sign_up_and_sees_it_on_the_roster_then_signs_out()
    {
        var key = await web.IssueKeyAsync("Darafsh", "organizer", Tajik);
        var (page, failures) = await web.OpenAsync();
        await web.SignInAsync(page, key);
        await Assertions.Expect(page.Locator("#signed-in")).ToContainTextAsync("Darafsh (organizer of tajik-wikimedians)");
        Assert.DoesNotContain(key, await page.ContentAsync());

        await page.GotoAsync(At($"/web/groups/{Tajik}").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "a sign-up" }).ClickAsync();
        await page.GetByLabel("Account name").FillAsync("Shodmon Test");
        await page.GetByLabel("Signed at").FillAsync("2024-03-01 10:00");
        await page.GetByLabel("Why").FillAsync("Signed the list at the March meetup");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the sign-up" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Recorded");
        var recorded = page.Locator("table.recorded tbody tr");
        await Assertions.Expect(recorded).ToHaveCountAsync(1);
        await Assertions.Expect(recorded).ToContainTextAsync("member signed up");
        await Assertions.Expect(recorded).ToContainTextAsync("Darafsh");
        await Assertions.Expect(recorded).ToContainTextAsync("web");
        await WebLedger.ScreenshotAsync(page, "record-sign-up-recorded");

        await page.GetByRole(AriaRole.Link, new() { Name = "Back to where you were" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.roster")).ToContainTextAsync("Shodmon Test");
        await Assertions.Expect(page.Locator("table.roster")).ToContainTextAsync("1 March 2024, 10:00");
        await WebLedger.ScreenshotAsync(page, "record-sign-up-roster");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        await page.GotoAsync(At($"/web/record/sign-up?groupId={Tajik}").ToString());
        Assert.Contains("/web/sign-in", page.Url);
        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_bad_date_is_shown_beside_its_field_what_was_typed_stays_and_nothing_is_appended()
    {
        var (page, failures) = await web.OpenAsync(expected: [HttpStatusCode.BadRequest]);
        await web.SignInAsync(page, web.AdminKey);
        var before = await web.EventCountAsync();

        await page.GotoAsync(At($"/web/record/sign-up?groupId={Tajik}").ToString());
        await page.GetByLabel("Account name").FillAsync("Gulnora Test");
        await page.GetByLabel("Signed at").FillAsync("2024-02-30 10:00");
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Record the sign-up" }).ClickAsync(), r => r.Request.Method == "POST");

        Assert.Equal(400, response.Status);
        await Assertions.Expect(page.Locator("#f-signedAt-error")).ToContainTextAsync("2024-02-30 10:00");
        await Assertions.Expect(page.GetByLabel("Signed at")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.GetByLabel("Account name")).ToHaveValueAsync("Gulnora Test");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("nothing was recorded");
        await WebLedger.ScreenshotAsync(page, "record-bad-date");
        Assert.Equal(before, await web.EventCountAsync());

        // A moment on the calendar that the ledger's rules refuse: the API's own words, beside the same field.
        await page.GetByLabel("Signed at").FillAsync("2099-01-01 10:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the sign-up" }).ClickAsync();
        await Assertions.Expect(page.Locator("#f-signedAt-error")).ToContainTextAsync("future");
        await Assertions.Expect(page.GetByLabel("Account name")).ToHaveValueAsync("Gulnora Test");
        Assert.Equal(before, await web.EventCountAsync());
        Assert.DoesNotContain(failures, f => !f.StartsWith("console: Failed to load resource"));
    }

    [Fact]
    public async Task An_organizer_sees_no_write_action_on_another_group_and_its_form_is_refused()
    {
        var key = await web.IssueKeyAsync("Farorud", "organizer", Tajik);
        var (page, failures) = await web.OpenAsync(expected: [HttpStatusCode.Forbidden]);
        await web.SignInAsync(page, key);

        await page.GotoAsync(At("/web/groups/wikimedians-of-mali").ToString());
        await Assertions.Expect(page.Locator("nav.record-actions")).ToHaveCountAsync(0);
        var response = await page.GotoAsync(At("/web/record/sign-up?groupId=wikimedians-of-mali").ToString());
        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("An organizer of 'tajik-wikimedians' may not write to 'wikimedians-of-mali'");
        await Assertions.Expect(page.Locator("form.record")).ToHaveCountAsync(0);
        await WebLedger.ScreenshotAsync(page, "record-refused");
        Assert.DoesNotContain(failures, f => !f.StartsWith("console: Failed to load resource"));
    }

    [Fact]
    public async Task The_Tajik_list_pasted_into_a_new_group_is_previewed_imported_as_13_people_and_a_second_import_finds_nothing_new()
    {
        var (page, failures) = await web.OpenAsync();
        await web.SignInAsync(page, web.AdminKey);

        // A group registered through its form, as an admin does for a new user group.
        await page.GotoAsync(At("/web/admin").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "a new group" }).ClickAsync();
        await page.GetByLabel("Id").FillAsync("tajik-list-rehearsal");
        await page.GetByLabel("Name").FillAsync("Tajik list rehearsal");
        await page.GetByLabel("Kind").SelectOptionAsync("user-group");
        await page.GetByLabel("Country").FillAsync("TJ");
        await page.GetByLabel("Languages").FillAsync("tg, ru");
        await page.GetByLabel("Time zone").FillAsync("Asia/Dushanbe");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register the group" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.recorded")).ToContainTextAsync("group registered");

        await page.GotoAsync(At("/web/groups/tajik-list-rehearsal").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "a signature list" }).ClickAsync();
        await page.GetByLabel("The list").FillAsync(SignatureListTests.TajikList);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the list" }).ClickAsync();
        await Assertions.Expect(page.Locator("#new-count")).ToHaveTextAsync("13");
        await Assertions.Expect(page.Locator("table.dry-run tbody tr")).ToHaveCountAsync(13);
        await Assertions.Expect(page.Locator("table.dry-run")).ToContainTextAsync("Farorud");
        await WebLedger.ScreenshotAsync(page, "signature-list-dry-run");

        var before = await web.EventCountAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Import 13 sign-ups" }).ClickAsync();
        await Assertions.Expect(page.Locator("#imported")).ToContainTextAsync("13 sign-ups imported");
        Assert.Equal(before + 13, await web.EventCountAsync());
        var members = await page.Locator("table.roster tbody tr").CountAsync() + await page.Locator("ul.undated li").CountAsync();
        Assert.Equal(13, members);
        await WebLedger.ScreenshotAsync(page, "signature-list-imported");

        await page.GetByRole(AriaRole.Link, new() { Name = "a signature list" }).ClickAsync();
        await page.GetByLabel("The list").FillAsync(SignatureListTests.TajikList);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the list" }).ClickAsync();
        await Assertions.Expect(page.Locator("#import-summary")).ToContainTextAsync("Nothing new");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Import" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("table.dry-run")).ToContainTextAsync("already a member");
        Assert.Equal(before + 13, await web.EventCountAsync());
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_grant_recorded_through_its_form_takes_an_expense_paid_in_MAD_at_a_rate_and_the_spend_trail_moves()
    {
        var (page, failures) = await web.OpenAsync();
        await web.SignInAsync(page, web.AdminKey);
        await page.GotoAsync(At("/web/groups/wikimedians-of-mali").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "a grant", Exact = true }).ClickAsync();
        await page.GetByLabel("Id").FillAsync("ml-test-rapid-2026");
        await page.GetByLabel("Grantor").FillAsync("Wikimedia Foundation");
        await page.GetByLabel("Program").FillAsync("Rapid Grants");
        await page.GetByLabel("Purpose").FillAsync("A photo walk and an editathon");
        await page.GetByLabel("Period from").FillAsync("2026-01");
        await page.GetByLabel("Period to").FillAsync("2026-06");
        await page.GetByLabel("Currency").FillAsync("USD");
        await page.GetByLabel("Total awarded").FillAsync("1000");
        await page.GetByLabel("Budget lines").FillAsync("venue | Venue and catering | 600\ntravel | Travel | 400");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the grant" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.recorded")).ToContainTextAsync("grant awarded");

        await page.GotoAsync(At("/web/grants/ml-test-rapid-2026").ToString());
        await Assertions.Expect(page.Locator("#spent")).ToHaveTextAsync("0.00 USD");
        await page.GetByRole(AriaRole.Link, new() { Name = "an expense" }).ClickAsync();
        await page.GetByLabel("Budget line").SelectOptionAsync("venue");
        await page.GetByLabel("Amount").FillAsync("500");
        await page.GetByLabel("Paid in").FillAsync("MAD");
        await page.GetByLabel("Rate").FillAsync("0.1");
        await page.GetByLabel("Paid on").FillAsync("2026-02-14");
        await page.GetByLabel("Paid to").FillAsync("Café Bamako");
        await page.GetByLabel("What for").FillAsync("Lunch for 12 participants");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the expense" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.recorded")).ToContainTextAsync("expense recorded");

        await page.GetByRole(AriaRole.Link, new() { Name = "Back to where you were" }).ClickAsync();
        await Assertions.Expect(page.Locator("#spent")).ToHaveTextAsync("50.00 USD");
        await Assertions.Expect(page.Locator("#remaining")).ToHaveTextAsync("950.00 USD");
        await Assertions.Expect(page.Locator("table.trail")).ToContainTextAsync("500.00 MAD at 0.1");
        await WebLedger.ScreenshotAsync(page, "grant-expense-in-mad");
        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_stale_edit_after_another_tabs_edit_says_what_changed_and_offers_to_reload()
    {
        var (first, failures) = await web.OpenAsync(expected: [HttpStatusCode.PreconditionFailed]);
        await web.SignInAsync(first, web.AdminKey);
        var second = await first.Context.NewPageAsync();
        var form = At("/web/record/group-profile?groupId=wikimedians-of-mali").ToString();
        await first.GotoAsync(form);
        await second.GotoAsync(form);

        await first.GetByLabel("Name").FillAsync("Wikimedians of Mali");
        await first.GetByLabel("Why").FillAsync("The name as on Meta-Wiki");
        await first.GetByRole(AriaRole.Button, new() { Name = "Save the profile" }).ClickAsync();
        await Assertions.Expect(first.Locator("table.recorded")).ToContainTextAsync("group profile changed");

        var before = await web.EventCountAsync();
        await second.GetByLabel("Languages").FillAsync("fr, bm");
        var response = await second.RunAndWaitForResponseAsync(
            () => second.GetByRole(AriaRole.Button, new() { Name = "Save the profile" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(412, response.Status);
        var alert = second.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToContainTextAsync("Recorded since you opened this form");
        await Assertions.Expect(alert).ToContainTextAsync("group profile changed");
        await Assertions.Expect(alert).ToContainTextAsync("The name as on Meta-Wiki");
        await WebLedger.ScreenshotAsync(second, "stale-edit-conflict");
        Assert.Equal(before, await web.EventCountAsync());

        await second.Locator("#reload").ClickAsync();
        await Assertions.Expect(second.GetByLabel("Name")).ToHaveValueAsync("Wikimedians of Mali");
        Assert.DoesNotContain(failures, f => !f.StartsWith("console: Failed to load resource"));
    }

    [Fact]
    public async Task An_admin_checks_and_imports_an_export_and_erases_a_person_after_reading_what_will_go_and_what_stays()
    {
        var (page, failures) = await web.OpenAsync(expected: [HttpStatusCode.BadRequest]);
        await web.SignInAsync(page, web.AdminKey);

        // A group's export, taken with the session (a GET of the API), then checked on the import page: all already here.
        var export = await page.APIRequest.GetAsync(At($"/groups/{Tajik}/export").ToString());
        Assert.Equal(200, export.Status);
        var lines = await export.TextAsync();
        await page.GotoAsync(At("/web/admin").ToString());
        await page.GetByLabel("Lines").FillAsync(lines);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the file" }).ClickAsync();
        await Assertions.Expect(page.Locator("#import-check")).ToContainTextAsync("0 to append");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Import" })).ToHaveCountAsync(0);

        // A line the ledger would refuse: named by its number, nothing appended.
        var before = await web.EventCountAsync();
        await page.GetByLabel("Lines").FillAsync("{\"id\":\"not-a-guid\"}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the file" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("line 1");
        Assert.Equal(before, await web.EventCountAsync());

        await page.GotoAsync(At("/web/people/Kagansky").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "Erase their personal data…" }).ClickAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("What will be erased");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("tajik-wikimedians");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("What stays");
        await WebLedger.ScreenshotAsync(page, "erasure-confirmation");
        await page.GetByLabel("Why").FillAsync("Request by e-mail of 2026-11-20 (ticket 4411)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Erase Kagansky's personal data" }).ClickAsync();
        await Assertions.Expect(page.Locator("#f-confirm-error")).ToContainTextAsync("cannot be undone");
        Assert.Equal(before, await web.EventCountAsync());

        await page.GetByLabel("I understand this cannot be undone.").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Erase Kagansky's personal data" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.recorded")).ToContainTextAsync("personal data erased");
        await page.GotoAsync(At($"/web/groups/{Tajik}").ToString());
        await Assertions.Expect(page.Locator("table.roster")).Not.ToContainTextAsync("Kagansky");
        Assert.DoesNotContain(failures, f => !f.StartsWith("console: Failed to load resource"));
    }

    [Fact]
    public async Task A_finance_table_pasted_on_a_grant_shows_the_total_five_cents_off_then_its_report_has_the_variances()
    {
        var (page, failures) = await web.OpenAsync();
        await web.SignInAsync(page, web.AdminKey);
        var awarded = await page.APIRequest.PostAsync(At("/groups/wikimedians-of-mali/grants").ToString(), new()
        {
            Headers = new Dictionary<string, string> { ["X-Api-Key"] = web.AdminKey },
            DataObject = new { id = "ml-rapid-2025", grantor = "Wikimedia Foundation", program = "Rapid Grants", purpose = "Editathons",
                               periodStart = "2025-01", periodEnd = "2025-12", awardedOn = "2025-01-10", currency = "USD", total = 10000m },
        });
        Assert.Equal(201, awarded.Status);

        await page.GotoAsync(At("/web/grants/ml-rapid-2025").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "a finance table" }).ClickAsync();
        await page.GetByLabel("The table").FillAsync(Grants.FinanceTableTests.Rendered);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the table" }).ClickAsync();
        await Assertions.Expect(page.Locator("#mismatches")).ToContainTextAsync("the table states 9,932.55 USD, the rows give 9,932.50 USD: off by 0.05 USD");
        await Assertions.Expect(page.Locator("table.dry-run tbody tr")).ToHaveCountAsync(4);
        await WebLedger.ScreenshotAsync(page, "finance-table-dry-run");

        await page.GetByRole(AriaRole.Button, new() { Name = "Record 4 budget lines and 4 expenses" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.recorded tbody tr")).ToHaveCountAsync(8);
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to where you were" }).ClickAsync();
        var venue = page.Locator("table.lines tbody tr", new() { HasText = "Venue rental" });
        await Assertions.Expect(venue).ToContainTextAsync("-106.75 USD");
        await Assertions.Expect(venue).ToContainTextAsync("-2.4 %");
        await Assertions.Expect(page.Locator("table.lines tfoot")).ToContainTextAsync("67.50 USD");
        await WebLedger.ScreenshotAsync(page, "finance-table-report");
        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_grant_is_recorded_from_its_finance_table_on_the_group_page_and_a_missing_period_is_said_beside_its_field()
    {
        var (page, failures) = await web.OpenAsync(expected: [HttpStatusCode.BadRequest]);
        await web.SignInAsync(page, web.AdminKey);
        await page.GotoAsync(At("/web/groups/wikimedians-of-mali").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "a grant from its finance table" }).ClickAsync();
        await page.GetByLabel("Grant id").FillAsync("ml-wikitext-2019");
        await page.GetByLabel("Grantor").FillAsync("Wikimedia Foundation");
        await page.GetByLabel("Program", new() { Exact = true }).FillAsync("Rapid Grants");
        await page.GetByLabel("Period from").FillAsync("2019-01");
        await page.GetByLabel("The table").FillAsync(Grants.FinanceTableTests.Rendered);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the table" }).ClickAsync();
        await Assertions.Expect(page.Locator(".field.invalid")).ToContainTextAsync("is required");
        await Assertions.Expect(page.GetByLabel("Grant id")).ToHaveValueAsync("ml-wikitext-2019");

        await page.GetByLabel("Period to").FillAsync("2019-12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the table" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the award, 4 budget lines and 4 expenses" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.recorded")).ToContainTextAsync("grant awarded");
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to where you were" }).ClickAsync();
        await Assertions.Expect(page.Locator("#awarded")).ToHaveTextAsync("10,000.00 USD");
        await Assertions.Expect(page.Locator("#spent")).ToHaveTextAsync("9,932.50 USD");
        Assert.DoesNotContain(failures, f => !f.StartsWith("console: Failed to load resource"));
    }
}
