using System.Net;
using MembershipLedger.Tests.Infrastructure;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Groups;

public class Registering_groups(LedgerApp app) : LedgerTest(app)
{
    [Fact]
    public async Task A_founding_year_is_kept_as_a_year()
    {
        var created = await Expect(await PostAsync("/groups", TajikGroup), HttpStatusCode.Created);
        Assert.Equal("2022", created.GetProperty("foundedOn").GetString());

        var read = await GetJson(Client, $"/groups/{Tajik}");
        Assert.Equal("Asia/Dushanbe", read.GetProperty("timeZone").GetString());
        Assert.Equal("user-group", read.GetProperty("kind").GetString());
        Assert.Single((await GetJson(Client, "/groups")).EnumerateArray());
    }

    [Fact]
    public async Task Patching_the_profile_changes_only_what_was_sent_and_records_which_fields()
    {
        await RegisteredTajikGroup(Client);
        var patched = await Expect(await Client.PatchAsync($"/groups/{Tajik}",
            JsonContent.Create(new { foundedOn = "2022-12", contactChannels = new[] { new { kind = "telegram", value = "https://t.me/example" } } })), HttpStatusCode.OK);
        Assert.Equal("2022-12", patched.GetProperty("foundedOn").GetString());
        Assert.Equal("Tajik Wikimedians User Group", patched.GetProperty("name").GetString());

        var history = (await GetJson(Client, $"/groups/{Tajik}/history")).GetProperty("entries");
        Assert.Equal(["foundedOn", "contactChannels"],
            history[1].GetProperty("data").GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task Sending_the_same_profile_again_appends_nothing()
    {
        await RegisteredTajikGroup(Client);
        var before = await App.EventCountAsync();
        await Expect(await Client.PutAsync($"/groups/{Tajik}", JsonContent.Create(TajikGroup)), HttpStatusCode.BadRequest);
        var sameProfile = new { name = "Tajik Wikimedians User Group", kind = "user-group", countryCode = "TJ", languages = new[] { "tg" }, timeZone = "Asia/Dushanbe", foundedOn = "2022" };
        await Expect(await Client.PutAsync($"/groups/{Tajik}", JsonContent.Create(sameProfile)), HttpStatusCode.OK);
        Assert.Equal(before, await App.EventCountAsync());
    }
}

file static class JsonContent
{
    public static HttpContent Create(object body) => System.Net.Http.Json.JsonContent.Create(body);
}
