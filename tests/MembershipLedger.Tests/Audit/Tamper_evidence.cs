using System.Net.Http.Json;
using System.Net;
using MembershipLedger.Memberships;
using MembershipLedger.Storage;
using Npgsql;
using MembershipLedger.Tests.Infrastructure;

namespace MembershipLedger.Tests.Audit;

public sealed class Tamper_evidence(LedgerApp app) : LedgerTest(app)
{
    /// <summary>Waits, at most 10 s, until no committed event waits for its seal (the host's sealer at work, unasked).</summary>
    private async Task SealedByTheHostAsync(string failure)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((long)(await App.ExecuteSqlAsync($"select count(*) from {EventChain.PendingTable}"))! > 0)
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), failure);
    }

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
    public async Task The_host_seals_what_it_appends_without_being_asked_and_verify_counts_what_is_not_sealed_yet_as_unsealed_not_broken()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        // The host's sealer links every committed event on its own, within a bounded wait.
        await SealedByTheHostAsync("The host's sealer left appended events unsealed.");
        Assert.Equal(await App.EventCountAsync(), (long)(await App.ExecuteSqlAsync($"select count(*) from {EventChain.Table}"))!);

        // While the chain's head is held (a sealer busy elsewhere), a sign-up commits all the same, and waits, noted.
        await using var holder = new Npgsql.NpgsqlConnection(App.ConnectionString);
        await holder.OpenAsync();
        await using (var tx = await holder.BeginTransactionAsync())
        {
            await using (var hold = new Npgsql.NpgsqlCommand($"select pg_advisory_xact_lock({EventChain.HeadLock})", holder, tx))
                await hold.ExecuteNonQueryAsync();
            var signed = await Client.PostAsJsonAsync($"/groups/{Scenarios.Tajik}/members", new { username = "Late Signer", signedAt = "2024-05-01T00:00:00Z" });
            Assert.Equal(HttpStatusCode.Created, signed.StatusCode);

            var meanwhile = await EventChain.VerifyAsync(App.Store, sealFirst: false);
            Assert.True(meanwhile.Intact, meanwhile.FirstBroken?.Detail);
            Assert.Equal(1, meanwhile.Unsealed);
            Assert.Equal(await App.EventCountAsync() - 1, meanwhile.Events);
        }

        // Once the head is free the sealer links it; a verify seals what is left first in any case.
        var verification = await EventChain.VerifyAsync(App.Store);
        Assert.True(verification.Intact, verification.FirstBroken?.Detail);
        Assert.Equal(0, verification.Unsealed);
        Assert.Equal(await App.EventCountAsync(), verification.Events);
    }

    [Fact]
    public async Task The_host_seals_what_another_process_appends_within_its_backstop()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        // Another process (a second host, a command-line import) appends on its own store: nothing nudges this host.
        await using (var other = NpgsqlDataSource.Create(App.ConnectionString))
        await using (var store = await LedgerStore.OpenAsync(other, App.Clock))
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<Affiliation>(Affiliation.StreamKey(Scenarios.Tajik, "Elsewhere"),
                new MemberSignedUp(Scenarios.Tajik, "Elsewhere", MemberKind.Individual, Guid.NewGuid(), null));
            await session.SaveChangesAsync();
        }

        await SealedByTheHostAsync("The host's sealer left another process's events unsealed.");
        var verification = await EventChain.VerifyAsync(App.Store, sealFirst: false);
        Assert.True(verification.Intact, verification.FirstBroken?.Detail);
        Assert.Equal(await App.EventCountAsync(), verification.Events);
    }

    [Fact]
    public async Task A_row_written_with_the_ledgers_trigger_switched_off_is_named_unchained()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        await EventChain.SealAsync(App.Store);
        // The table's owner can switch the trigger off: the row is then neither chained nor noted for sealing.
        await App.ExecuteSqlAsync($$"""
            begin;
            alter table {{LedgerSchema.Name}}.mt_events disable trigger note_appended_events;
            insert into {{LedgerSchema.Name}}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived)
            select nextval('{{LedgerSchema.Name}}.mt_events_sequence'), gen_random_uuid(), stream_id, version + 1, data, type, timestamp, tenant_id, mt_dotnet_type, false
            from {{LedgerSchema.Name}}.mt_events where stream_id = '{{Scenarios.Tajik}}:Mardetanha';
            alter table {{LedgerSchema.Name}}.mt_events enable trigger note_appended_events;
            commit;
            """);

        var verification = await EventChain.VerifyAsync(App.Store);

        Assert.False(verification.Intact);
        Assert.Equal("unchained", verification.FirstBroken!.Problem);
        Assert.Equal($"{Scenarios.Tajik}:Mardetanha", verification.FirstBroken.StreamKey);
    }

    [Fact]
    public async Task Editing_a_row_of_the_event_table_with_sql_is_named_by_verify()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        // The chain proves a row from its sealing on, milliseconds after its commit: the edit comes after.
        await EventChain.SealAsync(App.Store);
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
        await EventChain.SealAsync(App.Store);
        await App.ExecuteSqlAsync($"delete from {LedgerSchema.Name}.mt_events where stream_id = '{Scenarios.Tajik}:Farorud'");

        var verification = await EventChain.VerifyAsync(App.Store);

        Assert.Equal("missing", verification.FirstBroken!.Problem);
    }
}
