using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MembershipLedger.Api;
using MembershipLedger.Tests.Infrastructure;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Imports.SignaturePages;

/// <summary>
/// Real French and Polish signatures (the first ones of the fixtures' Le Monde talk page and Kawiarenka archive) pasted
/// into a group over HTTP and given to the command line: as rendered text and as HTML, the same people sign up; the
/// French page's IPv6 contributor is reported as anonymous; importing again appends nothing.
/// </summary>
public partial class Importing_real_lists(LedgerApp app) : LedgerTest(app)
{
    private const string French = "wikimedia-france-test";
    private const string Polish = "wikimedia-polska-test";

    [GeneratedRegex(@"<li>.*?</li>\n", RegexOptions.Singleline)]
    private static partial Regex Item();

    // The first signatures of a fixture, as its HTML list and as a browser's copy of it.
    private static (string Html, string Rendered) FirstOf(string name, int count)
    {
        var page = SignaturePage.All.Single(p => p.Name == name);
        var items = Item().Matches(page.Html).Take(count).Select(m => m.Value).ToList();
        var html = "<ol>\n" + string.Concat(items) + "</ol>\n";
        return (html, string.Join("\n", items.Select((item, i) => $"{i + 1}. {SignaturePage.Rendered(item)}")));
    }

    private async Task<JsonElement> Import(string group, string text, bool dryRun, string language) =>
        await Expect(await Client.PostAsync($"/groups/{group}/imports/signatures?language={language}{(dryRun ? "&dryRun=true" : "")}",
            new StringContent(text, Encoding.UTF8, "text/plain")), HttpStatusCode.OK);

    private static string[] Outcomes(JsonElement report, string outcome) =>
        report.GetProperty("people").EnumerateArray().Where(p => p.GetProperty("outcome").GetString() == outcome)
            .Select(p => p.GetProperty("username").GetString()!).Distinct().Order().ToArray();

    [Fact]
    public async Task A_French_list_as_rendered_text_and_as_HTML_signs_up_the_same_people_and_its_IPv6_contributor_is_anonymous()
    {
        await Group(Client, French, "Wikimédia France (test)", "FR", "Europe/Paris", "fr");
        var (html, rendered) = FirstOf("fr-unsigned", 9);

        var fromText = await Import(French, rendered, dryRun: true, "fr");
        var fromHtml = await Import(French, html, dryRun: true, "fr");

        Assert.Equal(["20 century boy", "Apokrif", "Bokken", "Chicraz", "Mhon"], Outcomes(fromHtml, "sign-up"));
        Assert.Equal(Outcomes(fromHtml, "sign-up"), Outcomes(fromText, "sign-up"));
        Assert.Equal(["2a02:8109:8900:5c14:c953:3dda:e3fb:3542"], Outcomes(fromHtml, "anonymous"));
        Assert.Equal(Outcomes(fromHtml, "anonymous"), Outcomes(fromText, "anonymous"));
        Assert.Empty(fromText.GetProperty("notUnderstood").EnumerateArray());

        var imported = await Import(French, html, dryRun: false, "fr");
        Assert.Equal(5, imported.GetProperty("signUps").GetInt32());
        var count = await App.EventCountAsync();
        var again = await Import(French, rendered, dryRun: false, "fr");
        Assert.Equal(0, again.GetProperty("signUps").GetInt32());
        Assert.Equal(count, await App.EventCountAsync());
        var roster = await GetJson(Client, $"/groups/{French}/roster");
        Assert.DoesNotContain("2a02", roster.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_Polish_list_as_HTML_names_each_account_by_its_link_the_rendered_copy_only_what_it_shows()
    {
        await Group(Client, Polish, "Wikimedia Polska (test)", "PL", "Europe/Warsaw", "pl");
        var (html, rendered) = FirstOf("pl-big", 8);

        var fromHtml = await Import(Polish, html, dryRun: false, "pl");

        var signedUp = Outcomes(fromHtml, "signed-up");
        Assert.Contains("Stok", signedUp); // shown as "StoK"
        Assert.Contains("Zwiadowca21", signedUp); // shown as "Zwiadowca" with a superscript talk link "21"
        Assert.Contains("Cybularny", signedUp); // a talk link "Napisz coś ✉" run into the name
        var stok = fromHtml.GetProperty("people").EnumerateArray().First(p => p.GetProperty("username").GetString() == "Stok");
        Assert.Contains("The page shows 'StoK'", stok.GetProperty("detail").GetString());
        Assert.Equal("2018-09-29T06:23:00Z", stok.GetProperty("signedAt").GetString()); // 08:23 CEST

        var count = await App.EventCountAsync();
        var again = await Import(Polish, html, dryRun: false, "pl");
        Assert.Equal(0, again.GetProperty("signUps").GetInt32());
        Assert.Equal(count, await App.EventCountAsync());

        // Rendered text shows only "StoK": the dry run says so, and that it looks like the member Stok.
        var fromText = await Import(Polish, rendered, dryRun: true, "pl");
        var shown = fromText.GetProperty("people").EnumerateArray().Single(p => p.GetProperty("username").GetString() == "StoK");
        Assert.Contains("Looks like Stok", shown.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_time_without_a_zone_is_read_in_the_groups_zone_or_the_one_given_and_the_report_says_so()
    {
        await Group(Client, Polish, "Wikimedia Polska (test)", "PL", "Europe/Warsaw", "pl");
        const string list = "# Stok (dyskusja) 08:23, 29 wrz 2018";

        var inGroupZone = (await Import(Polish, list, dryRun: true, "pl")).GetProperty("people")[0];
        Assert.Equal("2018-09-29T06:23:00Z", inGroupZone.GetProperty("signedAt").GetString()); // 08:23 in Warsaw's summer time
        Assert.Equal("Europe/Warsaw", inGroupZone.GetProperty("zone").GetString());
        Assert.True(inGroupZone.GetProperty("zoneAssumed").GetBoolean());

        var inUtc = await Expect(await Client.PostAsync($"/groups/{Polish}/imports/signatures?language=pl&zone=UTC&dryRun=true",
            new StringContent(list, Encoding.UTF8, "text/plain")), HttpStatusCode.OK);
        Assert.Equal("2018-09-29T08:23:00Z", inUtc.GetProperty("people")[0].GetProperty("signedAt").GetString());

        var count = await App.EventCountAsync();
        var unknown = await Expect(await Client.PostAsync($"/groups/{Polish}/imports/signatures?zone=Mars/Olympus",
            new StringContent(list, Encoding.UTF8, "text/plain")), HttpStatusCode.BadRequest);
        Assert.True(unknown.GetProperty("errors").TryGetProperty("zone", out _));
        Assert.Equal(count, await App.EventCountAsync());
    }

    [Fact]
    public async Task The_command_line_reads_a_Polish_HTML_list_with_its_language_and_appends_nothing_the_second_time()
    {
        await Group(Client, Polish, "Wikimedia Polska (test)", "PL", "Europe/Warsaw", "pl");
        var file = Path.Combine(Path.GetTempPath(), $"pl-{Guid.NewGuid():N}.html");
        try
        {
            File.WriteAllText(file, FirstOf("pl-big", 8).Html);
            Task<int> Run() => LedgerCommands.RunAsync(["import-signatures", Polish, file, "--language", "pl", $"--ConnectionStrings:Ledger={App.ConnectionString}"]);

            Assert.Equal(0, await Run());
            var roster = await GetJson(Client, $"/groups/{Polish}/roster");
            Assert.Contains("Stok", Names(roster.GetProperty("members")));
            var count = await App.EventCountAsync();
            Assert.Equal(0, await Run());
            Assert.Equal(count, await App.EventCountAsync());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
