using System.Net;
using System.Text;
using System.Text.Json;
using MembershipLedger.Api.Samples;
using MembershipLedger.Storage;
using MembershipLedger.Tests.Infrastructure;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Trust;

/// <summary>
/// No door appends an event a projection cannot apply, and a projection that meets one anyway (appended behind the
/// ledger's back) records it and keeps going.
/// </summary>
public class No_poison_events(LedgerApp app) : LedgerTest(app)
{
    private const string Registration =
        """{"id":"5d1c5b1e-0000-4000-8000-000000000001","stream":"tajik-wikimedians","type":"group-registered","data":{"groupId":"tajik-wikimedians","profile":{"name":"Tajik Wikimedians","kind":"user-group","countryCode":"TJ","languages":["tg"],"timeZone":"Asia/Dushanbe","foundedOn":"2022","contactChannels":[]}}}""";

    private static string SignUp(string id, string stream, string group, string username, string signedAt) =>
        $$$"""{"id":"{{{id}}}","stream":"{{{stream}}}","type":"member-signed-up","data":{"groupId":"{{{group}}}","username":"{{{username}}}","kind":"individual","signUpId":"{{{Guid.NewGuid()}}}","signedAt":{{{signedAt}}}}}""";

    private async Task<JsonElement> Import(string ndjson, HttpStatusCode expected) =>
        await Expect(await Client.PostAsync("/imports/events", new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson")), expected);

    [Fact]
    public async Task A_sign_up_dated_in_year_0_is_refused_by_the_import_and_the_rosters_stay_whole()
    {
        await Import(Registration, HttpStatusCode.OK);
        var before = await App.EventCountAsync();

        var refused = await Import(SignUp("5d1c5b1e-0000-4000-8000-000000000002", "tajik-wikimedians:Farorud", "tajik-wikimedians", "Farorud", "\"0000-01-01T00:00:00Z\""),
            HttpStatusCode.BadRequest);

        Assert.Contains("signedAt", refused.ToString());
        Assert.Equal(before, await App.EventCountAsync());
        var roster = await GetJson(Client, "/groups/tajik-wikimedians/roster");
        Assert.Equal(0, roster.GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("no-such-group:Farorud", "no-such-group", "Farorud", "groupId")]
    [InlineData("tajik-wikimedians:Far<o>rud", "tajik-wikimedians", "Far<o>rud", "username")]
    [InlineData("tajik-wikimedians:127.0.0.1", "tajik-wikimedians", "127.0.0.1", "username")]
    [InlineData("somebody-else:Farorud", "tajik-wikimedians", "Farorud", "stream")]
    public async Task The_import_refuses_what_the_API_refuses(string stream, string group, string username, string field)
    {
        await Import(Registration, HttpStatusCode.OK);
        var before = await App.EventCountAsync();

        var refused = await Import(SignUp("5d1c5b1e-0000-4000-8000-000000000003", stream, group, username, "\"2022-12-09T10:00:00Z\""), HttpStatusCode.BadRequest);

        Assert.Contains(field, refused.GetProperty("errors").ToString());
        Assert.Equal(before, await App.EventCountAsync());
    }

    [Fact]
    public async Task A_registration_on_a_stream_other_than_its_group_is_refused()
    {
        var refused = await Import(Registration.Replace("\"stream\":\"tajik-wikimedians\"", "\"stream\":\"another-group\""), HttpStatusCode.BadRequest);

        Assert.Contains("stream", refused.GetProperty("errors").ToString());
        Assert.Equal(0, await App.EventCountAsync());
    }

    [Fact]
    public async Task A_line_with_a_key_given_twice_is_refused()
    {
        var refused = await Import(Registration.Replace("\"type\":\"group-registered\"", "\"type\":\"group-registered\",\"type\":\"member-signed-up\""),
            HttpStatusCode.BadRequest);

        Assert.Contains("line", refused.GetProperty("errors").ToString());
        Assert.Equal(0, await App.EventCountAsync());
    }

    [Fact]
    public async Task An_event_appended_behind_the_ledgers_back_that_no_projection_can_apply_is_a_dead_letter_and_the_rest_rebuilds()
    {
        await SampleLedger.LoadIfEmptyAsync(App.Store, App.Clock);
        var tajikBefore = await GetJson(Client, "/groups/tajik-wikimedians/roster?asOf=2022-12-09");
        // Year 0 cannot be a .NET DateTimeOffset: the roster projection throws on it.
        await App.ExecuteSqlAsync(
            $$"""
             insert into {{LedgerSchema.Name}}.mt_streams (id, type, version, timestamp, created, tenant_id, is_archived)
             values ('tajik-wikimedians:Poison', null, 1, now(), now(), '*DEFAULT*', false);
             insert into {{LedgerSchema.Name}}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, headers)
             values (nextval('{{LedgerSchema.Name}}.mt_events_sequence'), gen_random_uuid(), 'tajik-wikimedians:Poison', 1,
               '{"groupId":"tajik-wikimedians","username":"Poison","kind":"individual","signUpId":"5d1c5b1e-0000-4000-8000-0000000000ff","signedAt":"0000-06-01T00:00:00Z"}',
               'member-signed-up', now(), '*DEFAULT*', 'MembershipLedger.Memberships.MemberSignedUp, MembershipLedger', '{}')
             """);

        await LedgerProjections.RebuildAsync(App.Store);

        var tajik = await GetJson(Client, "/groups/tajik-wikimedians/roster?asOf=2022-12-09");
        Assert.Equal(tajikBefore.GetProperty("count").GetInt32(), tajik.GetProperty("count").GetInt32());
        var verify = await GetJson(Client, "/admin/verify");
        Assert.False(verify.GetProperty("projectionsWhole").GetBoolean());
        var letters = verify.GetProperty("deadLetters").EnumerateArray().ToList();
        Assert.All(letters, l => Assert.Equal("tajik-wikimedians:Poison", l.GetProperty("streamKey").GetString()));
        Assert.Contains(letters, l => l.GetProperty("projection").GetString() == "roster");
        var health = await Client.GetAsync("/health/ready");
        Assert.Contains("Degraded", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_rebuild_asked_for_and_not_finished_is_finished_on_the_next_start()
    {
        await SampleLedger.LoadIfEmptyAsync(App.Store, App.Clock);
        await LedgerProjections.RequestRebuildAsync(App.Store, "a rebuild killed half-way");
        // What a crash mid-rebuild of an older version left: empty tables.
        await App.ExecuteSqlAsync($"delete from {LedgerSchema.MembershipIntervals}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Client.GetAsync("/health/ready")).StatusCode);

        var why = await LedgerProjections.EnsureCurrentAsync(App.Store);

        Assert.Contains("a rebuild killed half-way", why);
        var tajik = await GetJson(Client, "/groups/tajik-wikimedians/roster?asOf=2022-12-09");
        Assert.Equal(7, tajik.GetProperty("count").GetInt32());
        Assert.Null(await LedgerProjections.EnsureCurrentAsync(App.Store));
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Reads_during_a_rebuild_see_the_whole_roster_and_a_sign_up_made_meanwhile_is_projected_once()
    {
        await SampleLedger.LoadIfEmptyAsync(App.Store, App.Clock);
        await using var connection = await LedgerStore.OpenConnectionAsync(App.Store);
        await using var tx = await connection.BeginTransactionAsync();
        await LedgerProjections.RebuildAsync(App.Store, tx, null, CancellationToken.None);
        // The rebuild has replayed everything but not committed: readers still see the complete tables as they were.
        var during = await GetJson(Client, "/groups/tajik-wikimedians/roster?asOf=2022-12-09");
        Assert.Equal(7, during.GetProperty("count").GetInt32());
        // A sign-up waits for the rebuild's commit (the chain's lock), then is projected inline, once.
        var signUp = PostAsync("/groups/tajik-wikimedians/members", new { username = "Late Signer", signedAt = "2022-12-09T10:00:00Z" });
        Assert.False(signUp.IsCompleted);
        await tx.CommitAsync();
        await Expect(await signUp, HttpStatusCode.Created);

        var after = await GetJson(Client, "/groups/tajik-wikimedians/roster?asOf=2022-12-09");
        Assert.Equal(8, after.GetProperty("count").GetInt32());
        Assert.Single(Names(after.GetProperty("members")), n => n == "Late Signer");
    }
}
