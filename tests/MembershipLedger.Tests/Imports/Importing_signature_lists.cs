using System.Net;
using System.Text;
using System.Text.Json;
using MembershipLedger.Api;
using MembershipLedger.Tests.Infrastructure;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Imports;

/// <summary>A Meta-Wiki signature list pasted into a group: dry run first, then the import, then nothing twice.</summary>
public class Importing_signature_lists(LedgerApp app) : LedgerTest(app)
{
    private async Task<JsonElement> ImportList(string text, bool dryRun, HttpStatusCode expected = HttpStatusCode.OK) =>
        await Expect(await Client.PostAsync($"/groups/{Tajik}/imports/signatures{(dryRun ? "?dryRun=true" : "")}",
            new StringContent(text, Encoding.UTF8, "text/plain")), expected);

    private const string ListWithNoise = SignatureListTests.TajikList + "\n" + """
          14. --Mardetanha (talk) 21:00, 8 December 2022 (UTC)Reply[reply]
          15. Add your username here.
        """;

    [Fact]
    public async Task A_dry_run_shows_13_sign_ups_the_repeat_and_the_line_not_understood_and_appends_nothing()
    {
        await RegisteredTajikGroup(Client);
        var count = await App.EventCountAsync();

        var report = await ImportList(ListWithNoise, dryRun: true);

        Assert.Equal(13, report.GetProperty("signUps").GetInt32());
        Assert.Equal(2, report.GetProperty("undated").GetInt32());
        var repeat = report.GetProperty("people").EnumerateArray().Single(p => p.GetProperty("outcome").GetString() == "listed-again");
        Assert.Equal(14, repeat.GetProperty("line").GetInt32());
        var unread = Assert.Single(report.GetProperty("notUnderstood").EnumerateArray());
        Assert.Equal(15, unread.GetProperty("line").GetInt32());
        Assert.Equal(count, await App.EventCountAsync());
    }

    [Fact]
    public async Task The_import_signs_everyone_up_once_and_a_second_import_finds_them_all_members()
    {
        await RegisteredTajikGroup(Client);

        var report = await ImportList(ListWithNoise, dryRun: false);
        Assert.Equal(13, report.GetProperty("people").EnumerateArray().Count(p => p.GetProperty("outcome").GetString() == "signed-up"));
        var roster = await GetJson(Client, $"/groups/{Tajik}/roster?asOf=2022-12-09");
        Assert.Equal(7, roster.GetProperty("count").GetInt32());
        Assert.Equal(["Darafsh Kaviyani", "VASHGIRD"], Names(roster.GetProperty("undated")));
        var history = await GetJson(Client, $"/people/Mardetanha/history");
        Assert.Equal("import", history.GetProperty("entries")[0].GetProperty("source").GetString());
        var count = await App.EventCountAsync();

        var again = await ImportList(ListWithNoise, dryRun: false);

        Assert.Equal(0, again.GetProperty("signUps").GetInt32());
        Assert.Equal(13, again.GetProperty("people").EnumerateArray().Count(p => p.GetProperty("outcome").GetString() == "already-a-member"));
        Assert.Equal(count, await App.EventCountAsync());
    }

    [Fact]
    public async Task Bad_requests_are_problems_naming_what_is_wrong()
    {
        await RegisteredTajikGroup(Client);
        var count = await App.EventCountAsync();

        await Expect(await Client.PostAsync("/groups/no-such-group/imports/signatures", new StringContent("Farorud (talk)")), HttpStatusCode.NotFound);
        var empty = await ImportList("   ", dryRun: false, HttpStatusCode.BadRequest);
        Assert.True(empty.GetProperty("errors").TryGetProperty("body", out _));
        var badFlag = await Expect(await Client.PostAsync($"/groups/{Tajik}/imports/signatures?dryRun=maybe", new StringContent("Farorud (talk)")), HttpStatusCode.BadRequest);
        Assert.True(badFlag.GetProperty("errors").TryGetProperty("dryRun", out _));
        var huge = new StringContent(new string('x', 2 * 1024 * 1024), Encoding.UTF8, "text/plain");
        await Expect(await Client.PostAsync($"/groups/{Tajik}/imports/signatures", huge), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(count, await App.EventCountAsync());
    }

    [Fact]
    public async Task An_IPv6_contributor_on_the_list_is_reported_as_anonymous_and_is_not_a_member()
    {
        await RegisteredTajikGroup(Client);
        var report = await ImportList(SignatureListTests.TajikList + "\n# 2001:db8::7 (talk) 11:40, 9 December 2022 (UTC)", dryRun: false);

        var anonymous = Assert.Single(report.GetProperty("people").EnumerateArray(), p => p.GetProperty("outcome").GetString() == "anonymous");
        Assert.Equal("2001:db8::7", anonymous.GetProperty("username").GetString());
        Assert.Contains("not an account, so not a member", anonymous.GetProperty("detail").GetString());
        Assert.Empty(report.GetProperty("notUnderstood").EnumerateArray());
        Assert.Equal(13, report.GetProperty("signUps").GetInt32());
        var roster = await GetJson(Client, $"/groups/{Tajik}/roster");
        Assert.DoesNotContain("2001:db8::7", roster.ToString());
    }
}
