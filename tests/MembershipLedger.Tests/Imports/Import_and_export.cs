using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MembershipLedger.Api.Samples;
using MembershipLedger.Interchange;
using MembershipLedger.Tests.Infrastructure;
using NodaTime;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Imports;

/// <summary>The seed pages' samples, NDJSON import and export, and the round trip through an empty database.</summary>
public class Import_and_export(LedgerApp app) : LedgerTest(app)
{
    private static string Samples => string.Concat(SampleLedger.Files.Select(File.ReadAllText));

    private async Task<JsonElement> Import(string ndjson, HttpStatusCode expected = HttpStatusCode.OK, bool dryRun = false) =>
        await Expect(await Client.PostAsync($"/imports/events{(dryRun ? "?dryRun=true" : "")}",
            new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson")), expected);

    /// <summary>
    /// An answer with event sequences counted from the ledger's first event: the test database's sequence goes on across
    /// tests (the daemon's position stays), where a new database's would start again at 1.
    /// </summary>
    private async Task<string> AnswerAsync(string url)
    {
        var first = (long)(await App.ExecuteSqlAsync("select min(seq_id) from ledger.mt_events"))! - 1;
        return System.Text.RegularExpressions.Regex.Replace(await Export(url), "\"(sequence|nextAfter)\":(\\d+)",
            m => $"\"{m.Groups[1].Value}\":{long.Parse(m.Groups[2].Value) - first}");
    }

    private async Task<string> Export(string url = "/export") => await (await Client.GetAsync(url)).EnsureSuccessStatusCode().Content.ReadAsStringAsync();

    [Fact]
    public async Task The_samples_tell_the_five_seed_pages_and_nothing_more()
    {
        Assert.True(await SampleLedger.LoadIfEmptyAsync(App.Store, App.Clock));

        // 000: 33 names on a list numbered to 35; none dated; founders and contacts as roles.
        var mali = await GetJson(Client, "/groups/wikimedians-of-mali/roster");
        Assert.Equal(33, mali.GetProperty("undatedCount").GetInt32());
        Assert.Equal(0, mali.GetProperty("count").GetInt32());
        // 001: 13 signatures, 2 of them undated; 7 dated by the end of 9 December 2022 in Dushanbe.
        var tajik = await GetJson(Client, "/groups/tajik-wikimedians/roster?asOf=2022-12-09");
        Assert.Equal(7, tajik.GetProperty("count").GetInt32());
        Assert.Equal(["Darafsh Kaviyani", "VASHGIRD"], Names(tajik.GetProperty("undated")));
        // 002: 9 signatures of interest in the panel, shown on the three affiliates' timelines.
        var panel = await GetJson(Client, "/activities/wikimania-2015-regional-meetups-panel");
        Assert.Equal(9, panel.GetProperty("signUps").GetArrayLength());
        Assert.Equal("2015", panel.GetProperty("startsOn").GetString());
        // 003: the trip report, told as what Mehman did.
        var trip = await GetJson(Client, "/people/Mehman Ibragimov/timeline");
        Assert.Equal(9, trip.GetProperty("entries").GetArrayLength() - 1); // 7 parts at Wikimania, 2 at the salon, and the salon he organized
        // 004: 1200 USD, of which 65 remained; the 1135 spent stays one undated, unsplit entry.
        var trail = await GetJson(Client, "/grants/ma-strategy-salon-2019/spend-trail");
        Assert.Equal(1200m, trail.GetProperty("totals").GetProperty("awarded").GetDecimal());
        Assert.Equal(1135m, trail.GetProperty("totals").GetProperty("spent").GetDecimal());
        Assert.Equal(65m, trail.GetProperty("totals").GetProperty("remaining").GetDecimal());
        var expense = trail.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "expense-recorded");
        Assert.Equal("2019", expense.GetProperty("effectiveOn").GetString());
        Assert.Empty(expense.GetProperty("flags").EnumerateArray());
        Assert.Equal("samples", expense.GetProperty("recordedBy").GetString());

        // A second start finds the ledger filled and loads nothing.
        Assert.False(await SampleLedger.LoadIfEmptyAsync(App.Store, App.Clock));
    }

    [Fact]
    public async Task Importing_the_same_file_twice_appends_nothing_the_second_time()
    {
        var first = await Import(Samples);
        Assert.Equal(107, first.GetProperty("events").GetInt32());
        Assert.Equal(107, first.GetProperty("bulk").GetInt32());
        var count = await App.EventCountAsync();

        var second = await Import(Samples);

        Assert.Equal(107, second.GetProperty("alreadyPresent").GetInt32());
        Assert.Equal(0, second.GetProperty("bulk").GetInt32() + second.GetProperty("appended").GetInt32());
        Assert.Equal(count, await App.EventCountAsync());
    }

    [Fact]
    public async Task Export_then_import_into_an_empty_database_answers_every_question_the_same()
    {
        await Import(Samples);
        // Writes through the API after the import: a withdrawal, a late correction and an expense reversal.
        App.Clock.Advance(Duration.FromDays(3));
        await Expect(await PostAsync("/groups/tajik-wikimedians/members/Kagansky/withdrawal", new { effectiveAt = "2024-01-15" }), HttpStatusCode.OK);
        await Expect(await PostAsync("/groups/tajik-wikimedians/members/TITANTJ/correction",
            new { signedAt = "2022-12-10T07:24:00Z", reason = "The page history shows 07:24" }), HttpStatusCode.OK);
        var expenseId = (await GetJson(Client, "/grants/ma-strategy-salon-2019/spend-trail")).GetProperty("entries").EnumerateArray()
            .Single(e => e.GetProperty("type").GetString() == "expense-recorded").GetProperty("expenseId").GetString();
        await Expect(await PostAsync($"/grants/ma-strategy-salon-2019/expenses/{expenseId}/reversal", new { reason = "Entered against the wrong grant" }), HttpStatusCode.OK);

        string[] questions =
        [
            "/groups", "/groups/tajik-wikimedians/roster?asOf=2022-12-09", "/groups/tajik-wikimedians/roster?asOf=2024-06-01",
            $"/groups/tajik-wikimedians/roster?asOf=2022-12-10&knownAt={LedgerApp.Start}", "/groups/wikimedians-of-mali/roster",
            "/groups/tajik-wikimedians/history", "/people/TITANTJ/history", "/groups/wikimedians-of-mali/timeline",
            "/people/Mehman Ibragimov/timeline", "/grants/ma-strategy-salon-2019/spend-trail", "/grants/ma-strategy-salon-2019",
            "/activities/wikimania-2015-regional-meetups-panel", "/groups/wikimedia-ma/grants",
        ];
        var askedAt = App.Clock.GetCurrentInstant();
        var before = new Dictionary<string, string>();
        await App.CaughtUpAsync();
        foreach (var question in questions) before[question] = await AnswerAsync(question);
        var exported = await Export();

        await App.ResetAsync();
        Assert.Equal(0, await App.EventCountAsync());
        App.Clock.Advance(Duration.FromDays(400)); // imported later: the recorded times are the file's, not the import's
        var report = await Import(exported);

        Assert.True(report.GetProperty("projected").GetBoolean()); // projected in the import's own transaction, no rebuild after
        App.Clock.Reset(askedAt); // the same questions, asked at the same moment
        await App.CaughtUpAsync();
        foreach (var question in questions) Assert.Equal(before[question], await AnswerAsync(question));
        Assert.Equal(exported, await Export());
    }

    [Fact]
    public async Task A_group_export_holds_the_group_its_members_activities_and_grants_and_a_person_export_holds_the_person()
    {
        await Import(Samples);

        var morocco = (await Export("/groups/wikimedia-ma/export")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["ma-strategy-salon-2019", "morocco-strategy-salon-2019", "wikimedia-ma"],
            morocco.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("stream").GetString()).Distinct().Order());
        Assert.Equal(6, morocco.Length);

        var mehman = (await Export("/people/Mehman Ibragimov/export")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(9, mehman.Length);
        Assert.All(mehman, l => Assert.Equal("participation-recorded", JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()));

        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/groups/no-such-group/export")).StatusCode);
    }

    [Fact]
    public async Task A_file_with_lines_that_cannot_be_read_is_refused_line_by_line_and_nothing_is_appended()
    {
        var good = File.ReadAllLines(SampleLedger.Files[1]);
        var lines = new List<string>(good)
        {
            "{not json",
            """{"id":"8f3c2a4e-0000-4000-8000-000000000001","stream":"tajik-wikimedians:X","type":"member-joined-the-moon","data":{}}""",
            """{"id":"8f3c2a4e-0000-4000-8000-000000000002","stream":"tajik-wikimedians:X","type":"member-signed-up","data":{"groupId":"tajik-wikimedians"}}""",
            """{"id":"8f3c2a4e-0000-4000-8000-000000000003","stream":"tajik-wikimedians:X","type":"member-signed-up","data":{"groupId":"tajik-wikimedians","username":"X","kind":"individual","signUpId":"8f3c2a4e-0000-4000-8000-000000000009","signedAt":"yesterday"}}""",
            """{"stream":"tajik-wikimedians:X","type":"member-signed-up","data":{}}""",
        };

        var refused = await Import(string.Join("\n", lines), HttpStatusCode.BadRequest);

        var problems = refused.GetProperty("lines").EnumerateArray().Select(p => (p.GetProperty("line").GetInt32(), p.GetProperty("field").GetString())).ToList();
        var n = good.Length;
        Assert.Equal([(n + 1, "line"), (n + 2, "type"), (n + 3, "data"), (n + 4, "data"), (n + 5, "id")], problems);
        Assert.Equal(0, await App.EventCountAsync());
    }

    [Fact]
    public async Task A_dry_run_says_what_would_be_appended_and_appends_nothing()
    {
        var report = await Import(Samples, dryRun: true);

        Assert.True(report.GetProperty("dryRun").GetBoolean());
        Assert.Equal(107, report.GetProperty("bulk").GetInt32());
        Assert.Equal(SampleLedger.Files.SelectMany(File.ReadLines)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("stream").GetString()).Distinct().Count(), report.GetProperty("newStreams").GetInt32());
        Assert.Equal(0, await App.EventCountAsync());
    }

    [Fact]
    public async Task Events_for_a_stream_that_exists_are_appended_at_its_next_version_and_a_gap_is_refused()
    {
        await Import(Samples);
        var withdrawal = new
        {
            id = "2c1f0d64-5a51-4f5e-9d7a-3c6a3b9e8f01", stream = "tajik-wikimedians:Erokhin", version = 2, type = "member-withdrew",
            data = new { groupId = "tajik-wikimedians", username = "Erokhin", signUpId = SignUpIdOf("Erokhin"), effectiveAt = "2024-06-02T00:00:00Z" },
            metadata = new { recordedAt = "2024-06-02T09:00:00Z", recordedBy = "Mardetanha", reason = "Asked to leave on the talk page" },
        };
        App.Clock.Advance(Duration.FromDays(2));
        var skipping = JsonSerializer.Serialize(new { withdrawal.id, withdrawal.stream, version = 3, withdrawal.type, withdrawal.data });

        var refused = await Import(skipping, HttpStatusCode.BadRequest);
        Assert.Contains("would be at 2", refused.GetProperty("detail").GetString() + refused.GetProperty("errors").ToString());

        var report = await Import(JsonSerializer.Serialize(withdrawal));
        Assert.Equal(1, report.GetProperty("appended").GetInt32());
        var history = await GetJson(Client, "/people/Erokhin/history");
        var last = history.GetProperty("entries").EnumerateArray().Last();
        Assert.Equal("2024-06-02T09:00:00Z", last.GetProperty("recordedAt").GetString());
        Assert.Equal("Mardetanha", last.GetProperty("recordedBy").GetString());
        var roster = await GetJson(Client, "/groups/tajik-wikimedians/roster?asOf=2024-06-03");
        Assert.Contains("Kagansky", Names(roster.GetProperty("members")));
        Assert.DoesNotContain("Erokhin", Names(roster.GetProperty("members")));
    }

    private static string SignUpIdOf(string username) =>
        File.ReadLines(SampleLedger.Files[1]).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(l => l.GetProperty("stream").GetString() == $"tajik-wikimedians:{username}").GetProperty("data").GetProperty("signUpId").GetString()!;
}
