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
