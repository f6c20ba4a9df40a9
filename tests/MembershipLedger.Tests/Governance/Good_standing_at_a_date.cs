using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MembershipLedger.Tests.Infrastructure;
using NodaTime;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Governance;

/// <summary>
/// "Was this user group in good standing on 1 July 2023?": recognition, agreement, reports, members and designated contacts
/// judged on a day, as the ledger knew it at a moment, by the rules of that day.
/// </summary>
public class Good_standing_at_a_date(LedgerApp app) : LedgerTest(app)
{
    private const string Group = "wikimedians-of-testland";

    // A user group recognized on 1 March 2023 with an agreement to 2026, three members and two designated contacts.
    private async Task RecognizedGroupWithThreeMembers()
    {
        await Scenarios.Group(Client, Group, "Wikimedians of Testland User Group", "TJ", "Asia/Dushanbe", "tg");
        await Expect(await PostAsync($"/groups/{Group}/recognition", new { step = "applied", on = "2023-01-10", link = "https://meta.wikimedia.org/wiki/Testland" }), HttpStatusCode.Created);
        await Expect(await PostAsync($"/groups/{Group}/recognition", new { step = "recognized", on = "2023-03-01" }), HttpStatusCode.Created);
        await Expect(await PostAsync($"/groups/{Group}/agreements", new { signedOn = "2023-03-01", endsOn = "2026-02-28" }), HttpStatusCode.Created);
        foreach (var (name, at) in new[] { ("Farorud", "2023-02-01T10:00:00Z"), ("Mardetanha", "2023-02-02T10:00:00Z"), ("Kagansky", "2023-02-03T10:00:00Z") })
            await Expect(await PostAsync($"/groups/{Group}/members", new { username = name, signedAt = at }), HttpStatusCode.Created);
        foreach (var name in new[] { "Farorud", "Mardetanha" })
            await Expect(await PostAsync($"/groups/{Group}/roles", new { username = name, role = "designated-contact", from = "2023-03-01" }), HttpStatusCode.Created);
    }

    private async Task<JsonElement> Compliance(string on, string? knownAt = null) =>
        await GetJson(Client, $"/groups/{Group}/compliance?on={on}{(knownAt is null ? "" : $"&knownAt={knownAt}")}");

    private static Dictionary<string, (bool Met, string Why)> Criteria(JsonElement verdict) =>
        verdict.GetProperty("criteria").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!,
            c => (c.GetProperty("met").GetBoolean(), c.GetProperty("why").GetString()!));

    [Fact]
    public async Task A_group_falls_out_of_compliance_when_its_third_member_leaves_and_returns_when_a_fourth_signs()
    {
        await RecognizedGroupWithThreeMembers();
        await Expect(await PostAsync($"/groups/{Group}/members/Kagansky/withdrawal", new { effectiveAt = "2023-09-01", reason = "Moved away" }), HttpStatusCode.OK);
        await Expect(await PostAsync($"/groups/{Group}/members", new { username = "Erokhin", signedAt = "2023-10-05T10:00:00Z" }), HttpStatusCode.Created);

        var july = await Compliance("2023-07-01");
        Assert.True(july.GetProperty("inGoodStanding").GetBoolean(), july.ToString());
        Assert.Equal("recognized", july.GetProperty("status").GetString());

        var september = await Compliance("2023-09-15");
        Assert.False(september.GetProperty("inGoodStanding").GetBoolean());
        var members = Criteria(september)["members"];
        Assert.False(members.Met);
        Assert.Contains("2 members", members.Why);
        Assert.Contains("the minimum is 3", members.Why);

        var october = await Compliance("2023-10-15");
        Assert.True(october.GetProperty("inGoodStanding").GetBoolean(), october.ToString());

        var directory = await GetJson(Client, "/governance/compliance?on=2023-09-15");
        var row = directory.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("groupId").GetString() == Group);
        Assert.False(row.GetProperty("inGoodStanding").GetBoolean());
        Assert.Equal("members", Assert.Single(row.GetProperty("unmet").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_report_recorded_late_is_missing_as_known_before_it_was_recorded_and_in_as_known_after()
    {
        await RecognizedGroupWithThreeMembers();
        // The 2023 activity report was due on 31 March 2024; it was submitted on 20 March but recorded only now (June 2024).
        var beforeRecorded = App.Clock.GetCurrentInstant();
        App.Clock.Advance(Duration.FromDays(2));
        await Expect(await PostAsync($"/groups/{Group}/reports",
            new { kind = "activity", periodStart = "2023-01-01", periodEnd = "2023-12-31", submittedOn = "2024-03-20", link = "https://meta.wikimedia.org/wiki/Testland/Report_2023" }),
            HttpStatusCode.Created);

        var asKnownThen = Criteria(await Compliance("2024-05-01", beforeRecorded.ToString()));
        Assert.False(asKnownThen["report:activity:2023"].Met);
        Assert.Contains("was due on 2024-03-31", asKnownThen["report:activity:2023"].Why);

        var asKnownNow = await Compliance("2024-05-01");
        Assert.True(Criteria(asKnownNow)["report:activity:2023"].Met);
        Assert.True(asKnownNow.GetProperty("inGoodStanding").GetBoolean(), asKnownNow.ToString());
        // Before the report fell due, it was not missing at all.
        Assert.DoesNotContain("report:activity:2023", Criteria(await Compliance("2024-03-01", beforeRecorded.ToString())).Keys);
    }

    [Fact]
    public async Task Rules_changed_in_2024_judge_2024_and_leave_2023_to_the_rules_of_2023()
    {
        await RecognizedGroupWithThreeMembers();
        await Expect(await PostAsync($"/groups/{Group}/reports", new { kind = "activity", periodStart = "2023-01-01", periodEnd = "2023-12-31", submittedOn = "2024-03-20" }), HttpStatusCode.Created);
        var rules = await Expect(await PostAsync("/governance/rules", new
        {
            kind = "user-group", effectiveFrom = "2024-01-01", minimumMembers = 5, minimumContacts = 2,
            reports = new[] { new { kind = "activity", dueMonthsAfterYearEnd = 3 } }, reason = "The Affiliations Committee raised the minimum",
        }), HttpStatusCode.Created);
        Assert.Equal(5, rules.GetProperty("minimumMembers").GetInt32());

        Assert.True((await Compliance("2023-07-01")).GetProperty("inGoodStanding").GetBoolean());
        var in2024 = await Compliance("2024-05-01");
        Assert.False(in2024.GetProperty("inGoodStanding").GetBoolean());
        Assert.Contains("the minimum is 5", Criteria(in2024)["members"].Why);
        Assert.Equal(5, in2024.GetProperty("rules").GetProperty("minimumMembers").GetInt32());
    }

    [Fact]
    public async Task Recognition_steps_keep_their_order_and_bad_ones_append_nothing()
    {
        await Scenarios.Group(Client, Group, "Wikimedians of Testland User Group", "TJ", "Asia/Dushanbe", "tg");
        var count = await App.EventCountAsync();

        var early = await Expect(await PostAsync($"/groups/{Group}/recognition", new { step = "recognized", on = "2023-03-01" }), HttpStatusCode.Conflict);
        Assert.Equal("recognition-out-of-order", early.GetProperty("rule").GetString());
        var unknown = await Expect(await PostAsync($"/groups/{Group}/recognition", new { step = "promoted", on = "2023-03-01" }), HttpStatusCode.BadRequest);
        Assert.True(unknown.GetProperty("errors").TryGetProperty("step", out _));
        var future = await Expect(await PostAsync($"/groups/{Group}/recognition", new { step = "applied", on = "2030-01-01" }), HttpStatusCode.BadRequest);
        Assert.True(future.GetProperty("errors").TryGetProperty("on", out _));
        var noReason = await Expect(await PostAsync($"/groups/{Group}/recognition", new { step = "derecognized", on = "2023-03-01" }), HttpStatusCode.BadRequest);
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        var badAgreement = await Expect(await PostAsync($"/groups/{Group}/agreements", new { signedOn = "2023-03-01", endsOn = "2023-01-01" }), HttpStatusCode.BadRequest);
        Assert.True(badAgreement.GetProperty("errors").TryGetProperty("endsOn", out _));
        Assert.Equal(count, await App.EventCountAsync());

        var organizer = await App.ClientAsync("organizer", MembershipLedger.Access.AccessRole.Organizer, Group);
        await Expect(await organizer.PostAsJsonAsync($"/groups/{Group}/recognition", new { step = "applied", on = "2023-01-10" }), HttpStatusCode.Forbidden);
        Assert.Equal(count, await App.EventCountAsync());

        await Expect(await PostAsync($"/groups/{Group}/recognition", new { step = "applied", on = "2023-01-10" }), HttpStatusCode.Created);
        await Expect(await PostAsync($"/groups/{Group}/recognition", new { step = "provisionally-approved", on = "2023-02-01", trialEndsOn = "2024-02-01" }), HttpStatusCode.Created);
        await Expect(await PostAsync($"/groups/{Group}/recognition", new { step = "recognized", on = "2024-02-01" }), HttpStatusCode.Created);
        await Expect(await PostAsync($"/groups/{Group}/recognition", new { step = "suspended", on = "2024-04-01", reason = "No report for 2023" }), HttpStatusCode.Created);
        var standing = await GetJson(Client, $"/groups/{Group}/recognition");
        Assert.Equal("suspended", standing.GetProperty("status").GetString());
        Assert.Equal(["applied", "provisional", "recognized", "suspended"],
            standing.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        Assert.Equal("provisional", (await Compliance("2023-06-01")).GetProperty("status").GetString());
        var history = await GetJson(Client, $"/groups/{Group}/history");
        Assert.Contains("No report for 2023", history.ToString());
    }
}
