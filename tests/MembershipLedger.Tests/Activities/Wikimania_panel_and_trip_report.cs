using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MembershipLedger.Tests.Infrastructure;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Activities;

/// <summary>Seed 002 (a Wikimania 2015 panel and its interested attendees) and seed 003 (a scholarship trip report).</summary>
public class Wikimania_panel_and_trip_report(LedgerApp app) : LedgerTest(app)
{
    private const string Panel = "regional-meet-ups-wikimania-2015";

    /// <summary>The nine signatures under "Interested attendees", in page order.</summary>
    private static readonly (string Username, string SignedAt)[] Interested =
    [
        ("FKoudijs (WMF)", "2015-03-02T16:33:00Z"),
        ("AKoval (WMF)", "2015-03-02T21:46:00Z"),
        ("TFlanagan-WMF", "2015-03-03T00:20:00Z"),
        ("Selsharbaty (WMF)", "2015-03-03T10:15:00Z"),
        ("Varnent", "2015-03-08T21:59:00Z"),
        ("Mahmoudalrawi", "2015-03-17T21:19:00Z"),
        ("Emnamizouni", "2015-04-28T10:28:00Z"),
        ("Marcio De Assis", "2015-06-21T15:46:00Z"),
        ("Trizek", "2015-07-08T16:03:00Z"),
    ];

    private async Task PanelWithItsInterestedAttendees()
    {
        await Group(Client, "wikimedia-argentina", "Wikimedia Argentina", "AR", "America/Argentina/Buenos_Aires", "es");
        await Group(Client, "wikimedia-tunisia", "Wikimedia Tunisia User Group", "TN", "Africa/Tunis", "ar");
        await Group(Client, "wikimedia-ukraine", "Wikimedia Ukraine", "UA", "Europe/Kyiv", "uk");
        await Expect(await PostAsync("/activities", new
        {
            id = Panel, groups = new[] { "wikimedia-argentina", "wikimedia-tunisia", "wikimedia-ukraine" },
            kind = "presentation-or-panel", title = "Regional meet-ups: working towards common goals",
            startsOn = "2015-07-15", endsOn = "2015-07-19", timeZone = "America/Mexico_City", city = "Mexico City", countryCode = "MX",
            organizers = new[] { "Anna Torres", "Emna Mizouni", "Wael Ghabara", "Ліонкінг" },
        }), HttpStatusCode.Created);
        // In the order the page lists them; the ledger orders them by the time of the signature.
        foreach (var (username, signedAt) in Interested.Reverse())
            await Expect(await PostAsync($"/activities/{Panel}/sign-ups", new { username, signedAt }), HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_interested_list_reads_in_signature_order_and_as_it_stood_at_any_moment()
    {
        await PanelWithItsInterestedAttendees();

        var all = await GetJson(Client, $"/activities/{Panel}/sign-ups");
        Assert.Equal(Interested.Select(i => i.Username), Names(all.GetProperty("signUps")));

        // By the end of March 2015 in Mexico City six had signed; Emnamizouni signed in April.
        var march = await GetJson(Client, $"/activities/{Panel}/sign-ups?asOf=2015-03-31");
        Assert.Equal(6, march.GetProperty("count").GetInt32());
        Assert.Equal("Mahmoudalrawi", Names(march.GetProperty("signUps")).Last());

        var twice = await Expect(await PostAsync($"/activities/{Panel}/sign-ups", new { username = "Varnent", signedAt = "2015-03-09T10:00:00Z" }), HttpStatusCode.Conflict);
        Assert.Equal("already-signed-up", twice.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task A_panel_of_three_affiliates_appears_on_each_groups_timeline_and_on_its_organizers()
    {
        await PanelWithItsInterestedAttendees();

        foreach (var group in new[] { "wikimedia-argentina", "wikimedia-tunisia", "wikimedia-ukraine" })
        {
            var timeline = await GetJson(Client, $"/groups/{group}/timeline?kind=activity");
            var entry = Assert.Single(timeline.GetProperty("entries").EnumerateArray());
            Assert.Equal("2015-07-15", entry.GetProperty("occurredOn").GetString());
            Assert.Equal("planned", entry.GetProperty("status").GetString());
        }
        var organizer = await GetJson(Client, "/people/Ліонкінг/timeline");
        Assert.Contains("Regional meet-ups", Assert.Single(organizer.GetProperty("entries").EnumerateArray()).GetProperty("summary").GetString());

        // A sign-up is on the signer's own timeline, on the day they signed.
        var signer = await GetJson(Client, "/people/Varnent/timeline");
        Assert.Equal("2015-03-08", Assert.Single(signer.GetProperty("entries").EnumerateArray()).GetProperty("occurredOn").GetString());
    }

    private const string Mehman = "Mehman Ibragimov";
    private const string Georgia = "wikimedia-ug-georgia";

    /// <summary>Seed 003, told in the ledger: what one member did at Wikimania 2019 and after.</summary>
    private async Task TripReportRecorded()
    {
        await Group(Client, Georgia, "Wikimedia UG Georgia", "GE", "Asia/Tbilisi", "ka");
        await Expect(await PostAsync("/activities", new
        {
            id = "wikimania-2019", groups = new[] { Georgia }, kind = "conference-participation", title = "Wikimania 2019",
            startsOn = "2019-08-14", endsOn = "2019-08-18", timeZone = "Europe/Stockholm", city = "Stockholm", countryCode = "SE", status = "held",
        }), HttpStatusCode.Created);
        foreach (var (part, note) in new[]
                 {
                     ("attended", "First Wikimania"),
                     ("trained", "Training Days, second cohort, trained by Asaf Bartov: partnerships, conflicts, trainings"),
                     ("presented", "The Caucasian collaboration (Wiki Loves Caucasus), with Oleg Abarnikov of Wikimedia Russia"),
                     ("met-committee", "Affiliations Committee: the charter adopted and the registration with the Ministry of Justice of Georgia"),
                     ("attended", "Reception at the Swedish Ministry of Foreign Affairs on WikiGap"),
                     ("presented", "Spoke at the Wiki Loves Earth session with WMUA"),
                     ("other", "Hackathon: fixed technical problems of the Georgian Wikipedia with Amir Aharoni"),
                 })
            await Expect(await PostAsync("/activities/wikimania-2019/participants", new { username = Mehman, part, note }), HttpStatusCode.Created);

        await Expect(await PostAsync("/activities", new
        {
            id = "strategy-salon-tbilisi-2019", groups = new[] { Georgia }, kind = "strategy-salon", title = "Wikimedia Foundation Strategy Salon in Tbilisi",
            startsOn = "2019-09-09", city = "Tbilisi", countryCode = "GE", organizers = new[] { Mehman }, status = "held",
        }), HttpStatusCode.Created);
        await Expect(await PostAsync("/activities/strategy-salon-tbilisi-2019/participants",
            new { username = Mehman, part = "facilitated", note = "Told the community about the trip to Wikimania", on = "2019-09-09" }), HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_trip_report_reads_back_as_the_members_timeline_in_the_order_it_happened()
    {
        await TripReportRecorded();

        var timeline = await GetJson(Client, $"/people/{Uri.EscapeDataString(Mehman)}/timeline");

        var entries = timeline.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(9, entries.Count);
        Assert.All(entries.Take(7), e => Assert.Equal("2019-08-14", e.GetProperty("occurredOn").GetString()));
        Assert.Equal(["met-committee"], entries.Take(7).Select(e => e.GetProperty("data").GetProperty("part").GetString()).Where(p => p == "met-committee"));
        Assert.All(entries.Skip(7), e => Assert.Equal("2019-09-09", e.GetProperty("occurredOn").GetString()));
        Assert.Equal("held", entries[7].GetProperty("status").GetString());

        var september = await GetJson(Client, $"/people/{Uri.EscapeDataString(Mehman)}/timeline?from=2019-09-01&kind=participation");
        Assert.Contains("facilitated", Assert.Single(september.GetProperty("entries").EnumerateArray()).GetProperty("summary").GetString());

        var activity = await GetJson(Client, "/activities/wikimania-2019");
        Assert.Equal(1, activity.GetProperty("participantCount").GetInt32());
        Assert.Equal(7, activity.GetProperty("participation").GetArrayLength());
    }

    [Fact]
    public async Task A_held_activity_is_reported_with_its_outcomes_and_a_cancelled_one_takes_no_participants()
    {
        await TripReportRecorded();
        var reported = await Expect(await PostAsync("/activities/strategy-salon-tbilisi-2019/report",
            new { notes = "Trip report shared with the community", commonsCategory = "Strategy Salon Tbilisi 2019", reportUrl = "https://meta.wikimedia.org/wiki/Welcome_back_from_Wikimania_2019" }),
            HttpStatusCode.OK);
        Assert.Equal("reported", reported.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, reported.GetProperty("outcomes").GetProperty("articlesCreated").ValueKind);

        await Expect(await PostAsync("/activities", new
        {
            id = "wiki-trainings-marneuli", groups = new[] { Georgia }, kind = "workshop-or-training", title = "WikiTrainings in Marneuli",
            startsOn = "2024-09-01", city = "Marneuli", countryCode = "GE",
        }), HttpStatusCode.Created);
        var noReason = await Expect(await PostAsync("/activities/wiki-trainings-marneuli/cancellation", new { }), HttpStatusCode.BadRequest);
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        await Expect(await PostAsync("/activities/wiki-trainings-marneuli/cancellation", new { reason = "Venue unavailable" }), HttpStatusCode.OK);
        var before = await App.EventCountAsync();
        var refused = await Expect(await PostAsync("/activities/wiki-trainings-marneuli/participants", new { username = Mehman, part = "organized" }), HttpStatusCode.Conflict);
        Assert.Equal("activity-cancelled", refused.GetProperty("rule").GetString());
        Assert.Equal(before, await App.EventCountAsync());
    }

    [Theory]
    [InlineData("endsOn", "2019-09-01", "endsOn")]
    [InlineData("timeZone", "Mars/Olympus", "timeZone")]
    [InlineData("kind", "party", "kind")]
    [InlineData("startsOn", "9 September 2019", "startsOn")]
    [InlineData("countryCode", "XX", "countryCode")]
    [InlineData("status", "reported", "status")]
    public async Task A_bad_activity_is_refused_naming_the_field_and_appends_nothing(string property, string value, string field)
    {
        await Group(Client, Georgia, "Wikimedia UG Georgia", "GE", "Asia/Tbilisi", "ka");
        var body = new Dictionary<string, object>
        {
            ["groups"] = new[] { Georgia }, ["kind"] = "strategy-salon", ["title"] = "Salon", ["startsOn"] = "2019-09-09", ["city"] = "Tbilisi",
        };
        body[property] = value;
        var before = await App.EventCountAsync();

        var problem = await Expect(await Client.PostAsJsonAsync("/activities", body), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(before, await App.EventCountAsync());
    }

    [Fact]
    public async Task An_activity_of_an_unknown_group_is_refused()
    {
        var problem = await Expect(await PostAsync("/activities", new { groups = new[] { "nobody" }, kind = "meetup", title = "Meetup", startsOn = "2019-09-09", online = true }),
            HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("groups", out _));
        Assert.Equal(0, await App.EventCountAsync());
    }
}
