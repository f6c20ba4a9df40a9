using System.Net;
using System.Net.Http.Json;
using MembershipLedger.Tests.Infrastructure;
using NodaTime;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Memberships;

/// <summary>The Tajik page's 13 signatures, asked "who were the members" at dates and as known at moments.</summary>
public class Roster_at_a_date(LedgerApp app) : LedgerTest(app)
{
    [Fact]
    public async Task End_of_9_December_2022_in_Dushanbe_counts_the_seven_dated_signatures_and_lists_two_undated_apart()
    {
        await TajikGroupWithItsSignatures(Client);

        var roster = await GetJson(Client, $"/groups/{Tajik}/roster?asOf=2022-12-09");

        // Dushanbe is UTC+5: the day ends at 18:59:59Z, so TITANTJ (07:23Z on the 10th) is not yet a member.
        Assert.Equal("2022-12-09T18:59:59.999999Z", roster.GetProperty("at").GetString());
        Assert.Equal(7, roster.GetProperty("count").GetInt32());
        Assert.Equal(["Mardetanha", "Нурмуҳаммад Шамс", "Jaloliddin Madaminov", "Искандар Ориф", "Yoonoos.tj", "Farorud", "Omid Jeyhani"],
            Names(roster.GetProperty("members")));
        Assert.Equal(["Darafsh Kaviyani", "VASHGIRD"], Names(roster.GetProperty("undated")));
        Assert.Equal("2022-12-08T20:24:00Z", roster.GetProperty("members")[0].GetProperty("joinedAt").GetString());
    }

    [Fact]
    public async Task A_date_is_read_in_the_groups_time_zone_not_in_UTC()
    {
        await TajikGroupWithItsSignatures(Client);

        // Mardetanha signed at 20:24Z on 8 December, already 01:24 on the 9th in Dushanbe (UTC+5):
        // at the end of the 8th, local time, nobody had signed yet.
        var roster = await GetJson(Client, $"/groups/{Tajik}/roster?asOf=2022-12-08");
        Assert.Empty(Names(roster.GetProperty("members")));

        var atInstant = await GetJson(Client, $"/groups/{Tajik}/roster?asOf=2022-12-09T04:20:00Z");
        Assert.Equal(["Mardetanha", "Нурмуҳаммад Шамс"], Names(atInstant.GetProperty("members")));
    }

    [Fact]
    public async Task Asked_as_known_before_a_late_correction_the_roster_answers_what_the_ledger_said_then()
    {
        await RegisteredTajikGroup(Client);
        foreach (var (username, signedAt) in TajikSignatures.Where(s => s.Username != "TITANTJ"))
            await Expect(await PostAsync($"/groups/{Tajik}/members", signedAt is null ? new { username } : (object)new { username, signedAt }), HttpStatusCode.Created);
        // TITANTJ's signature was first typed in as the 9th instead of the 10th.
        await Expect(await PostAsync($"/groups/{Tajik}/members", new { username = "TITANTJ", signedAt = "2022-12-09T07:23:00Z" }), HttpStatusCode.Created);

        App.Clock.Advance(Duration.FromDays(30));
        var beforeCorrection = App.Clock.GetCurrentInstant();
        App.Clock.Advance(Duration.FromDays(1));
        await Expect(await PostAsync($"/groups/{Tajik}/members/TITANTJ/correction",
            new { signedAt = "2022-12-10T07:23:00Z", reason = "The page history shows 10 December" }), HttpStatusCode.OK);

        var asKnownThen = await GetJson(Client, $"/groups/{Tajik}/roster?asOf=2022-12-09&knownAt={beforeCorrection}");
        Assert.Equal(8, asKnownThen.GetProperty("count").GetInt32());
        Assert.Contains("TITANTJ", Names(asKnownThen.GetProperty("members")));
        Assert.Equal(beforeCorrection.ToString(), asKnownThen.GetProperty("knownAt").GetString());

        var asKnownNow = await GetJson(Client, $"/groups/{Tajik}/roster?asOf=2022-12-09");
        Assert.Equal(7, asKnownNow.GetProperty("count").GetInt32());
        Assert.DoesNotContain("TITANTJ", Names(asKnownNow.GetProperty("members")));
    }

    [Fact]
    public async Task Before_anything_was_recorded_the_ledger_knew_no_members()
    {
        await TajikGroupWithItsSignatures(Client);
        var roster = await GetJson(Client, $"/groups/{Tajik}/roster?asOf=2023-12-31&knownAt=2020-01-01T00:00:00Z");
        Assert.Equal(0, roster.GetProperty("count").GetInt32());
        Assert.Equal(0, roster.GetProperty("undatedCount").GetInt32());
    }

    [Fact]
    public async Task Withdrawal_and_rejoining_show_on_the_dates_they_took_effect()
    {
        await TajikGroupWithItsSignatures(Client);
        await Expect(await PostAsync($"/groups/{Tajik}/members/Farorud/withdrawal", new { effectiveAt = "2023-03-01" }), HttpStatusCode.OK);
        await Expect(await PostAsync($"/groups/{Tajik}/members", new { username = "Farorud", signedAt = "2023-06-01T10:00:00Z" }), HttpStatusCode.Created);

        Assert.Contains("Farorud", Names((await GetJson(Client, $"/groups/{Tajik}/roster?asOf=2023-02-28")).GetProperty("members")));
        Assert.DoesNotContain("Farorud", Names((await GetJson(Client, $"/groups/{Tajik}/roster?asOf=2023-03-01")).GetProperty("members")));
        var rejoined = await GetJson(Client, $"/groups/{Tajik}/roster?asOf=2023-06-02");
        Assert.Equal("2023-06-01T10:00:00Z", rejoined.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("username").GetString() == "Farorud").GetProperty("joinedAt").GetString());
    }

    [Fact]
    public async Task A_retracted_sign_up_leaves_the_roster_but_stays_in_the_history()
    {
        await TajikGroupWithItsSignatures(Client);
        await Expect(await PostAsync($"/groups/{Tajik}/members/Kagansky/retraction", new { reason = "Signed the wrong group's list" }), HttpStatusCode.OK);

        Assert.DoesNotContain("Kagansky", Names((await GetJson(Client, $"/groups/{Tajik}/roster?asOf=2023-12-31")).GetProperty("members")));
        // The history is asynchronous: on a loaded machine its daemon may need longer than the read's own one-second wait.
        await App.CaughtUpAsync();
        var history = await GetJson(Client, "/people/Kagansky/history");
        var entries = history.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["member-signed-up", "sign-up-retracted"], entries.Select(e => e.GetProperty("eventType").GetString()));
        Assert.Equal("Signed the wrong group's list", entries[1].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Roles_show_on_the_roster_for_their_effective_range()
    {
        await TajikGroupWithItsSignatures(Client);
        var designated = await Expect(await PostAsync($"/groups/{Tajik}/roles",
            new { username = "Mardetanha", role = "officer", title = "president", from = "2023-01-01" }), HttpStatusCode.Created);
        var assignmentId = designated.GetProperty("assignmentId").GetString();
        await Expect(await PostAsync($"/groups/{Tajik}/roles/{assignmentId}/end", new { effectiveAt = "2024-01-01", reason = "Rotation" }), HttpStatusCode.OK);
        await Expect(await PostAsync($"/groups/{Tajik}/roles", new { username = "Farorud", role = "officer", title = "president", from = "2024-01-01" }), HttpStatusCode.Created);

        static string? President(System.Text.Json.JsonElement roster) =>
            roster.GetProperty("roles").EnumerateArray().SingleOrDefault(r => r.GetProperty("title").GetString() == "president") is { ValueKind: not System.Text.Json.JsonValueKind.Undefined } r
                ? r.GetProperty("username").GetString() : null;

        Assert.Null(President(await GetJson(Client, $"/groups/{Tajik}/roster?asOf=2022-12-31")));
        var in2023 = await GetJson(Client, $"/groups/{Tajik}/roster?asOf=2023-06-01");
        Assert.Equal("Mardetanha", President(in2023));
        Assert.Equal("officer", in2023.GetProperty("members")[0].GetProperty("roles")[0].GetProperty("role").GetString());
        Assert.Equal("Farorud", President(await GetJson(Client, $"/groups/{Tajik}/roster?asOf=2024-02-01")));
    }
}
