using System.Net;
using System.Net.Http.Json;
using System.Diagnostics;
using MembershipLedger.Storage;
using MembershipLedger.Tests.Infrastructure;

namespace MembershipLedger.Tests.Memberships;

/// <summary>
/// Many people signing at once (a list shared at a meetup): every acknowledged sign-up is in the ledger exactly once,
/// on the roster, and the event chain (extended by each append as it commits) stays one unbroken line.
/// </summary>
public sealed class Concurrent_sign_ups(LedgerApp app) : LedgerTest(app)
{
    private static readonly string[] Groups = [Scenarios.Tajik, Scenarios.Morocco, "wikimedians-of-mali", "wikimedia-tanzania"];

    private async Task GroupsAsync()
    {
        await Scenarios.RegisteredTajikGroup(Client);
        await Scenarios.MoroccanGroup(Client);
        await Scenarios.Group(Client, "wikimedians-of-mali", "Wikimedians of Mali User Group", "ML", "Africa/Bamako", "fr");
        await Scenarios.Group(Client, "wikimedia-tanzania", "Wikimedia Community User Group Tanzania", "TZ", "Africa/Dar_es_Salaam", "sw");
    }

    [Fact]
    public async Task Forty_sign_ups_sent_at_once_to_four_groups_each_land_once_and_the_chain_verifies()
    {
        await GroupsAsync();
        var before = await App.EventCountAsync();
        var signUps = Enumerable.Range(1, 40).Select(i => (Group: Groups[i % Groups.Length], Username: $"Meetup Signer {i:D2}")).ToList();

        var answers = await Task.WhenAll(signUps.Select(s =>
            Client.PostAsJsonAsync($"/groups/{s.Group}/members", new { username = s.Username, signedAt = "2024-03-09T15:00:00Z" })));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.Equal(before + signUps.Count, await App.EventCountAsync());
        foreach (var group in Groups)
        {
            var members = Scenarios.Names((await Scenarios.GetJson(Client, $"/groups/{group}/roster?asOf=2024-03-10")).GetProperty("members"));
            Assert.Equal(signUps.Where(s => s.Group == group).Select(s => s.Username).Order(), members.Order());
        }
        var chain = await EventChain.VerifyAsync(App.Store);
        Assert.True(chain.Intact, chain.FirstBroken?.Detail);
        Assert.Equal(await App.EventCountAsync(), chain.Events);
    }

    [Fact]
    public async Task The_same_person_signing_the_same_list_from_eight_requests_at_once_is_signed_up_once()
    {
        await GroupsAsync();
        var before = await LedgerEventsAsync();
        var lastNumber = (long)(await App.ExecuteSqlAsync("select coalesce(max(seq_id), 0) from ledger.mt_events"))!;

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Client.PostAsJsonAsync($"/groups/{Scenarios.Tajik}/members", new { username = "Mardetanha", signedAt = "2022-12-08T20:24:00Z" })));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        // The others lost the race: refused as a conflict (409), none as a server error.
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        Assert.Equal(before + 1, await LedgerEventsAsync());
        var members = Scenarios.Names((await Scenarios.GetJson(Client, $"/groups/{Scenarios.Tajik}/roster?asOf=2023-01-01")).GetProperty("members"));
        Assert.Equal(["Mardetanha"], members);

        // A loser that had drawn sequence numbers leaves them to Marten's tombstones, written after its failure: each is
        // chained like any row (their recording time is infinite, which the row hash once could not take, so they failed
        // and left gaps that held the daemon back). Every number drawn is now an event or a tombstone.
        // Bounded wait: the tombstones are written off the failed request's path.
        var waited = Stopwatch.StartNew();
        while ((long)(await App.ExecuteSqlAsync(
                   $"select (coalesce(max(seq_id), {lastNumber}) - {lastNumber}) - count(*) from ledger.mt_events where seq_id > {lastNumber}"))! != 0)
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "Sequence numbers drawn by the requests that lost the race are neither events nor tombstones.");
        var chain = await EventChain.VerifyAsync(App.Store);
        Assert.True(chain.Intact, chain.FirstBroken?.Detail);
    }

    /// <summary>The ledger's own events: Marten's tombstones fill sequence numbers and are none.</summary>
    private async Task<long> LedgerEventsAsync() =>
        (long)(await App.ExecuteSqlAsync("select count(*) from ledger.mt_events where stream_id <> 'mt_tombstone'"))!;
}
