using System.Net;
using System.Net.Http.Json;
using MembershipLedger.Tests.Infrastructure;

namespace MembershipLedger.Tests.People;

public sealed class Renamed_accounts(LedgerApp app) : LedgerTest(app)
{
    [Fact]
    public async Task A_renamed_account_keeps_one_history_under_the_new_name()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        await Scenarios.MoroccanGroup(Client);
        await Scenarios.Expect(await PostAsync($"/groups/{Scenarios.Morocco}/roles", new { username = "Mardetanha", role = "key-person" }), HttpStatusCode.Created);

        var renamed = await Scenarios.Expect(await PostAsync("/people/Mardetanha/rename", new { newName = "Mardetanha2", reason = "Global rename, Special:GlobalRenameQueue" }), HttpStatusCode.OK);
        Assert.Equal([Scenarios.Tajik, Scenarios.Morocco], renamed.GetProperty("groupIds").EnumerateArray().Select(g => g.GetString()));

        // The past roster shows the new name; the old one is gone from it.
        var past = Scenarios.Names((await Scenarios.GetJson(Client, $"/groups/{Scenarios.Tajik}/roster?asOf=2022-12-09")).GetProperty("members"));
        Assert.Contains("Mardetanha2", past);
        Assert.DoesNotContain("Mardetanha", past);
        // One history: the sign-up of 2022 and the rename, under the new name.
        var history = (await Scenarios.GetJson(Client, "/people/Mardetanha2/history")).GetProperty("entries").EnumerateArray()
            .Select(e => e.GetProperty("eventType").GetString()).ToList();
        Assert.Contains("member-signed-up", history);
        Assert.Contains("role-designated", history);
        Assert.Equal(2, history.Count(t => t == "account-renamed"));
        // Writes under the new name continue the same record: a second sign-up is refused as a duplicate.
        await Scenarios.Expect(await PostAsync($"/groups/{Scenarios.Tajik}/members", new { username = "Mardetanha2" }), HttpStatusCode.Conflict);
        var member = await Scenarios.GetJson(Client, $"/groups/{Scenarios.Tajik}/members/Mardetanha2");
        Assert.Equal("Mardetanha2", member.GetProperty("username").GetString());
        Assert.Equal("2022-12-08T20:24:00Z", member.GetProperty("signedAt").GetString());
        // The former name writes nothing.
        var former = await Scenarios.Expect(await PostAsync($"/groups/{Scenarios.Tajik}/members/Mardetanha/withdrawal", new { }), HttpStatusCode.Conflict);
        Assert.Equal("account-renamed", former.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task A_rename_onto_a_name_the_ledger_knows_is_refused()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        var events = await App.EventCountAsync();

        var refused = await Scenarios.Expect(await PostAsync("/people/Mardetanha/rename", new { newName = "Farorud", reason = "typo" }), HttpStatusCode.Conflict);

        Assert.Equal("name-in-use", refused.GetProperty("rule").GetString());
        Assert.Equal(events, await App.EventCountAsync());
    }
}
