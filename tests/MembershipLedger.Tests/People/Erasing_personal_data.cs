using System.Net;
using System.Net.Http.Json;
using Marten;
using MembershipLedger.Storage;
using MembershipLedger.Tests.Infrastructure;

namespace MembershipLedger.Tests.People;

public sealed class Erasing_personal_data(LedgerApp app) : LedgerTest(app)
{
    private const string Contact = $"/groups/{Scenarios.Tajik}/members/Mardetanha/contact-details";

    [Fact]
    public async Task An_erased_person_vanishes_from_every_event_but_past_rosters_still_count_them_under_one_pseudonym()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        await Scenarios.Expect(await Client.PutAsJsonAsync(Contact,
            new { realName = "Mard Etanha", email = "mardetanha(_AT_)example.org", handles = new[] { new { kind = "telegram", value = "@mardetanha" } } }), HttpStatusCode.OK);
        var before = Scenarios.Names((await Scenarios.GetJson(Client, $"/groups/{Scenarios.Tajik}/roster?asOf=2022-12-09")).GetProperty("members"));

        var report = await Scenarios.Expect(await PostAsync("/people/Mardetanha/erasure", new { reason = "Asked by e-mail on 2024-05-30 (ticket 1234)" }), HttpStatusCode.OK);

        var pseudonym = report.GetProperty("pseudonym").GetString()!;
        Assert.StartsWith("Erased-", pseudonym);
        var after = Scenarios.Names((await Scenarios.GetJson(Client, $"/groups/{Scenarios.Tajik}/roster?asOf=2022-12-09")).GetProperty("members"));
        Assert.Equal(before.Length, after.Length);
        Assert.DoesNotContain("Mardetanha", after);
        Assert.Contains(pseudonym, after);
        var now = Scenarios.Names((await Scenarios.GetJson(Client, $"/groups/{Scenarios.Tajik}/roster")).GetProperty("members"));
        Assert.Contains(pseudonym, now);

        Assert.Equal(0, (long)(await App.ExecuteSqlAsync($"""
            select count(*) from {LedgerSchema.Name}.mt_events
            where data::text ilike '%mardetanha%' or data::text like '%Mard Etanha%' or stream_id ilike '%mardetanha%'
            """))!);
        Assert.Equal(0, (long)(await App.ExecuteSqlAsync($"select count(*) from {LedgerSchema.Name}.mt_streams where id ilike '%mardetanha%'"))!);
        Assert.Equal(0, (long)(await App.ExecuteSqlAsync($"select count(*) from {LedgerSchema.History} where data::text ilike '%mardetanha%' or username = 'Mardetanha'"))!);

        var member = await Scenarios.GetJson(Client, $"/groups/{Scenarios.Tajik}/members/{pseudonym}");
        Assert.True(member.GetProperty("isMember").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, member.GetProperty("contact").ValueKind);
    }

    [Fact]
    public async Task A_daemon_batch_that_read_the_events_before_an_erasure_cannot_write_the_name_back_after_it()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        await App.CaughtUpAsync();
        // The events as the daemon on some node fetched them, the name still in them, its batch not yet committed...
        await using var query = App.Store.QuerySession();
        var read = await query.Events.QueryAllRawEvents().Where(e => e.StreamKey!.Contains("Mardetanha")).ToListAsync();
        Assert.NotEmpty(read);

        await Scenarios.Expect(await PostAsync("/people/Mardetanha/erasure", new { reason = "Asked by e-mail (ticket 1234)" }), HttpStatusCode.OK);

        // ...then committed after the erasure, through the very projections the daemon runs: every statement finds the
        // events rebuilt already (the erasure's rebuild recorded how far it went) and writes nothing.
        await using (var batch = App.Store.LightweightSession())
        {
            foreach (var e in read)
            {
                await new MembershipLedger.Memberships.History.HistoryProjection().ApplyAsync(batch, e, default);
                await new MembershipLedger.Timelines.TimelineProjection().ApplyAsync(batch, e, default);
            }
            await batch.SaveChangesAsync();
        }
        Assert.Equal(0, (long)(await App.ExecuteSqlAsync($"select count(*) from {LedgerSchema.History} where data::text ilike '%mardetanha%' or username = 'Mardetanha'"))!);
        Assert.Equal(0, (long)(await App.ExecuteSqlAsync($"select count(*) from {LedgerSchema.Timeline} where subject = 'Mardetanha' or summary ilike '%mardetanha%'"))!);
        var history = await Scenarios.GetJson(Client, $"/groups/{Scenarios.Tajik}/history?limit=500");
        Assert.DoesNotContain("Mardetanha", history.GetRawText());
    }

    [Fact]
    public async Task The_erasure_is_recorded_with_who_and_why_but_not_the_data_and_the_chain_still_verifies()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        await Scenarios.Expect(await Client.PutAsJsonAsync(Contact, new { email = "mardetanha@example.org" }), HttpStatusCode.OK);

        await Scenarios.Expect(await PostAsync("/people/Mardetanha/erasure", new { reason = "Request under GDPR art. 17" }), HttpStatusCode.OK);

        var export = await Client.GetStringAsync("/export");

        var erasure = export.Split('\n').Single(l => l.Contains("\"personal-data-erased\""));
        Assert.Contains("\"recordedBy\":\"test-admin\"", erasure);
        Assert.Contains("Request under GDPR art. 17", erasure);
        Assert.DoesNotContain("ardetanha", export, StringComparison.OrdinalIgnoreCase);

        var verify = await Scenarios.GetJson(Client, "/admin/verify");
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
        Assert.Equal(2, verify.GetProperty("amended").GetInt64());
    }

    [Fact]
    public async Task An_erasure_needs_a_reason_and_an_admin()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        var events = await App.EventCountAsync();
        var organizer = await App.ClientAsync("tajik-organizer", MembershipLedger.Access.AccessRole.Organizer, Scenarios.Tajik);

        var noReason = await Scenarios.Expect(await PostAsync("/people/Mardetanha/erasure", new { }), HttpStatusCode.BadRequest);
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        await Scenarios.Expect(await organizer.PostAsJsonAsync("/people/Mardetanha/erasure", new { reason = "asked" }), HttpStatusCode.Forbidden);
        await Scenarios.Expect(await App.Anonymous.PostAsJsonAsync("/people/Mardetanha/erasure", new { reason = "asked" }), HttpStatusCode.Unauthorized);

        Assert.Equal(events, await App.EventCountAsync());
    }
}
