using System.Net;
using System.Text.RegularExpressions;
using MembershipLedger.Access;
using MembershipLedger.Api.Samples;
using MembershipLedger.Api.Web.Forms;
using MembershipLedger.Tests.Infrastructure;

namespace MembershipLedger.Tests.Http;

/// <summary>
/// The web's forms are a door like the API: every form of <see cref="WebForms"/> gets requests without its antiforgery
/// token, with a forged one, naming no form, in the wrong method or content type, with hostile values in every field, and
/// from an organizer of another group. None may answer 5xx, none may be accepted, and the ledger holds exactly the
/// events it held before.
/// </summary>
public sealed partial class Hostile_forms(LedgerApp app, Xunit.Abstractions.ITestOutputHelper output) : LedgerTest(app)
{
    private const string Own = "tajik-wikimedians";

    private static readonly string[] BadValues =
        ["\u0001\u0002", "<script>alert(1)</script>", "9999-99-99 99:99", "-1e400", new string('x', 300_000), "' or 1=1; drop table ledger.mt_events; --"];

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [Fact]
    public async Task Forms_without_their_token_with_hostile_values_or_from_another_groups_organizer_get_4xx_and_append_nothing()
    {
        await SampleLedger.LoadIfEmptyAsync(App.Store, App.Clock);
        await App.CaughtUpAsync();
        var before = await App.EventCountAsync();
        var browser = App.BrowserClient();
        var key = await App.IssueKeyAsync("Darafsh", AccessRole.Organizer, Own);

        // Signing in is a form too: without its token it is refused, with a wrong key it is refused.
        var failures = new List<string>();
        var signIn = await TokenAsync(browser, "/web/sign-in");
        await Expect4xx(browser, "/web/sign-in", new() { ["_handler"] = "sign-in", ["key"] = key }, "sign-in without a token", failures);
        await Expect4xx(browser, "/web/sign-in", new() { ["_handler"] = "sign-in", ["__RequestVerificationToken"] = signIn!, ["key"] = "mlk_000000000000_00" }, "a wrong key", failures);
        var signedIn = await browser.PostAsync("/web/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["_handler"] = "sign-in", ["__RequestVerificationToken"] = signIn!, ["key"] = key }));
        Assert.True(signedIn.StatusCode == HttpStatusCode.Found, await signedIn.Content.ReadAsStringAsync());

        var sent = 0;
        foreach (var form in WebForms.All)
        {
            // Its own group's forms (where an organizer may record), and the same forms of other groups' records.
            var addresses = new[]
            {
                ("own", $"/web/record/{form.Name}?groupId={Own}&username=Nobody%20Here&assignmentId=00000000-0000-0000-0000-000000000000"),
                ("another group's", $"/web/record/{form.Name}?groupId=wikimedians-of-mali&username=FatGueye&grantId=ma-strategy-salon-2019"
                    + "&activityId=wikimania-2015-regional-meetups-panel&expenseId=00000000-0000-0000-0000-000000000000&lineId=accommodation"),
            };
            foreach (var (whose, address) in addresses)
            {
                var token = await TokenAsync(browser, address);
                var fields = form.Fields.ToDictionary(f => f.Name, _ => "x");
                await Expect4xx(browser, address, new(fields) { ["_handler"] = "record" }, $"{form.Name} ({whose}) without a token", failures);
                await Expect4xx(browser, address, new(fields) { ["_handler"] = "record", ["__RequestVerificationToken"] = "CfDJ8forged" }, $"{form.Name} ({whose}) with a forged token", failures);
                if (token is null) continue; // the page itself refused (403, 404): there is no form to send
                await Expect4xx(browser, address, new(fields) { ["__RequestVerificationToken"] = token }, $"{form.Name} ({whose}) naming no form", failures);
                foreach (var value in BadValues)
                {
                    var hostile = form.Fields.ToDictionary(f => f.Name, _ => value);
                    hostile["_handler"] = "record";
                    hostile["__RequestVerificationToken"] = token;
                    var body = await Expect4xx(browser, address, hostile, $"{form.Name} ({whose}) = {value[..Math.Min(value.Length, 20)]}", failures);
                    if (body.Contains("<script>alert(1)</script>")) failures.Add($"{form.Name} ({whose}) shows the typed script unescaped");
                    sent++;
                }
            }
        }
        // The pages that send text whole (a signature list, an NDJSON file) and the admins' pages.
        foreach (var (address, handler, field) in new[]
                 {
                     ($"/web/groups/{Own}/import-signatures", "check", "list"), ($"/web/groups/{Own}/import-signatures", "import", "list"),
                     ("/web/groups/wikimedians-of-mali/import-signatures", "import", "list"), ("/web/admin", "import", "ndjson"),
                     ("/web/erase?username=Farorud", "erase", "reason"),
                     ("/web/grants/ma-strategy-salon-2019/finance-table", "record", "table"), ($"/web/groups/{Own}/finance-table", "record", "table"),
                     ($"/web/groups/{Own}/finance-table", "check", "table"),
                     ($"/web/groups/{Own}/statements", "issue", "username"), ("/web/statements/verify", "verify", "token"),
                 })
        {
            var token = await TokenAsync(browser, address);
            await Expect4xx(browser, address, new() { ["_handler"] = handler, [field] = "x" }, $"{address} {handler} without a token", failures);
            foreach (var value in BadValues.Append("{\"id\":\"00000000-0000-0000-0000-000000000000\"}"))
            {
                var body = await Expect4xx(browser, address, new() { ["_handler"] = handler, ["__RequestVerificationToken"] = token ?? "", [field] = value },
                    $"{address} {handler} = {value[..Math.Min(value.Length, 20)]}", failures);
                if (body.Contains("<script>alert(1)</script>")) failures.Add($"{address} shows the typed script unescaped");
                sent++;
            }
        }
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
        {
            var response = await browser.SendAsync(new HttpRequestMessage(method, $"/web/record/sign-up?groupId={Own}"));
            if (response.StatusCode != HttpStatusCode.MethodNotAllowed) failures.Add($"{method} of a form page: {(int)response.StatusCode}");
        }
        var json = await browser.PostAsync($"/web/record/sign-up?groupId={Own}", new StringContent("{\"username\":\"Json Person\"}", System.Text.Encoding.UTF8, "application/json"));
        if (json.StatusCode != HttpStatusCode.UnsupportedMediaType) failures.Add($"JSON to a form page: {(int)json.StatusCode}");
        var garbage = new StringContent("--nope\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n", System.Text.Encoding.UTF8);
        garbage.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=nope");
        var multipart = await browser.PostAsync($"/web/groups/{Own}/import-signatures", garbage);
        if ((int)multipart.StatusCode is < 400 or >= 500) failures.Add($"broken multipart: {(int)multipart.StatusCode}");

        output.WriteLine($"{sent} hostile submissions across {WebForms.All.Count} forms; {failures.Count} failures.");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.Equal(before, await App.EventCountAsync());
    }

    private static async Task<string?> TokenAsync(HttpClient browser, string address)
    {
        var page = await browser.GetAsync(address);
        return page.StatusCode == HttpStatusCode.OK && Token().Match(await page.Content.ReadAsStringAsync()) is { Success: true } m
            ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
    }

    private static async Task<string> Expect4xx(HttpClient browser, string address, Dictionary<string, string> fields, string what, List<string> failures)
    {
        // Multipart, as a form with a file sends it, so that the 300 KB values are read as a browser would send them.
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields) content.Add(new StringContent(value), name);
        var response = await browser.PostAsync(address, content);
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode is < 400 or >= 500) failures.Add($"{(int)response.StatusCode} for {what}: {body[..Math.Min(body.Length, 300)]}");
        return body;
    }
}
