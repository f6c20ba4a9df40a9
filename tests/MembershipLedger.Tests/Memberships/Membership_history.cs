using System.Net;
using MembershipLedger.Tests.Infrastructure;
using NodaTime;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Memberships;

public class Membership_history(LedgerApp app) : LedgerTest(app)
{
    [Fact]
    public async Task Each_event_says_when_it_took_effect_when_it_was_recorded_by_whom_and_why()
    {
        await RegisteredTajikGroup(Client);
        await Expect(await PostAsync($"/groups/{Tajik}/members", new { username = "Mardetanha", signedAt = "2022-12-08T20:24:00Z" }), HttpStatusCode.Created);
        App.Clock.Advance(Duration.FromHours(2));
        var withdrawalRecordedAt = App.Clock.GetCurrentInstant();
        await Expect(await PostAsync($"/groups/{Tajik}/members/Mardetanha/withdrawal",
            new { effectiveAt = "2023-05-01T00:00:00Z", reason = "Moved to another group" }), HttpStatusCode.OK);

        var entries = (await GetJson(Client, $"/groups/{Tajik}/history")).GetProperty("entries").EnumerateArray().ToList();

        Assert.Equal(["group-registered", "member-signed-up", "member-withdrew"], entries.Select(e => e.GetProperty("eventType").GetString()));
        var withdrawal = entries[2];
        Assert.Equal("2023-05-01T00:00:00Z", withdrawal.GetProperty("effectiveAt").GetString());
        Assert.Equal(withdrawalRecordedAt.ToString(), withdrawal.GetProperty("recordedAt").GetString());
        Assert.Equal("test-admin", withdrawal.GetProperty("recordedBy").GetString());
        Assert.Equal("Moved to another group", withdrawal.GetProperty("reason").GetString());
        Assert.Equal("http", withdrawal.GetProperty("source").GetString());
    }

    [Fact]
    public async Task A_persons_history_spans_groups_and_pages_by_sequence()
    {
        await RegisteredTajikGroup(Client);
        await Expect(await PostAsync("/groups", new { id = "wikimedians-of-mali", name = "Wikimedians of Mali User Group", kind = "user-group",
            countryCode = "ML", languages = new[] { "fr" }, timeZone = "Africa/Bamako" }), HttpStatusCode.Created);
        await Expect(await PostAsync($"/groups/{Tajik}/members", new { username = "User:Reda_Kerbouche" }), HttpStatusCode.Created);
        await Expect(await PostAsync("/groups/wikimedians-of-mali/roles", new { username = "Reda Kerbouche", role = "founding-member" }), HttpStatusCode.Created);

        var first = await GetJson(Client, "/people/Reda_Kerbouche/history?limit=1");
        Assert.Equal(Tajik, first.GetProperty("entries")[0].GetProperty("groupId").GetString());
        var next = first.GetProperty("next").GetInt64();
        var second = await GetJson(Client, $"/people/Reda Kerbouche/history?after={next}&limit=1");
        Assert.Equal("role-designated", second.GetProperty("entries")[0].GetProperty("eventType").GetString());
        Assert.Equal("wikimedians-of-mali", second.GetProperty("entries")[0].GetProperty("groupId").GetString());
    }
}
