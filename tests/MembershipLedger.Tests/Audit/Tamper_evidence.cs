using System.Net;
using MembershipLedger.Storage;
using MembershipLedger.Tests.Infrastructure;

namespace MembershipLedger.Tests.Audit;

public sealed class Tamper_evidence(LedgerApp app) : LedgerTest(app)
{
    [Fact]
    public async Task An_untouched_ledger_verifies_and_every_event_is_chained()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);

        var verification = await EventChain.VerifyAsync(App.Store);

        Assert.True(verification.Intact, verification.FirstBroken?.Detail);
        Assert.Equal(await App.EventCountAsync(), verification.Events);
        Assert.NotNull(verification.Head);
    }

    [Fact]
    public async Task The_numbers_a_failed_append_drew_are_filled_by_chained_tombstones_and_the_ledger_verifies()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        var last = (long)(await App.ExecuteSqlAsync($"select max(seq_id) from {LedgerSchema.Name}.mt_events"))!;

        // A second start of a stream that exists fails at commit, after the append drew its sequence number.
        await using (var session = App.Store.LightweightSession())
        {
            session.Events.StartStream<MembershipLedger.Memberships.Affiliation>(MembershipLedger.Memberships.Affiliation.StreamKey(Scenarios.Tajik, "Mardetanha"),
                new MembershipLedger.Memberships.MemberSignedUp(Scenarios.Tajik, "Mardetanha", MembershipLedger.Memberships.MemberKind.Individual, Guid.NewGuid(), null));
            await Assert.ThrowsAnyAsync<Exception>(() => session.SaveChangesAsync());
        }

        // Marten fills the number with a tombstone, off the failed save's path (bounded wait). Its recording time is
        // infinite: the chain's row hash once failed on it, the tombstone was never written and the gap held the daemon back.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((long)(await App.ExecuteSqlAsync($"select count(*) from {LedgerSchema.Name}.mt_events where seq_id > {last}"))! == 0)
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "The failed append's sequence number was never filled.");
        Assert.Equal("tombstone", await App.ExecuteSqlAsync($"select type from {LedgerSchema.Name}.mt_events where seq_id > {last}"));
        var verification = await EventChain.VerifyAsync(App.Store);
        Assert.True(verification.Intact, verification.FirstBroken?.Detail);
        // A tombstone is no event of the ledger: an export leaves it out, and an import refuses one.
        Assert.DoesNotContain("tombstone", await (await Client.GetAsync("/export")).EnsureSuccessStatusCode().Content.ReadAsStringAsync());
        var forged = await Client.PostAsync("/imports/events", new StringContent(
            "{\"id\":\"" + Guid.NewGuid() + "\",\"stream\":\"mt_tombstone\",\"type\":\"tombstone\",\"data\":{}}\n", System.Text.Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task Editing_a_row_of_the_event_table_with_sql_is_named_by_verify()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        await App.ExecuteSqlAsync($$"""
            update {{LedgerSchema.Name}}.mt_events set data = jsonb_set(data, '{signedAt}', '"2022-12-01T00:00:00Z"')
            where stream_id = '{{Scenarios.Tajik}}:Mardetanha'
            """);

        var verification = await EventChain.VerifyAsync(App.Store);

        Assert.False(verification.Intact);
        Assert.Equal("altered", verification.FirstBroken!.Problem);
        Assert.Equal($"{Scenarios.Tajik}:Mardetanha", verification.FirstBroken.StreamKey);
        Assert.Equal(1, verification.FirstBroken.Version);
    }

    [Fact]
    public async Task The_chains_table_function_and_trigger_match_the_configuration_so_startup_changes_nothing()
    {
        // Weasel compares the live trigger and functions with their definitions; a difference would mean they are
        // dropped and re-created at every start.
        await App.Store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
    }

    [Fact]
    public async Task A_deleted_event_row_is_named_missing()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        await App.ExecuteSqlAsync($"delete from {LedgerSchema.Name}.mt_events where stream_id = '{Scenarios.Tajik}:Farorud'");

        var verification = await EventChain.VerifyAsync(App.Store);

        Assert.Equal("missing", verification.FirstBroken!.Problem);
    }
}
