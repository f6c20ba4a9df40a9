using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using MembershipLedger.Memberships;
using MembershipLedger.Tests.Infrastructure;
using NodaTime;

namespace MembershipLedger.Tests.Http;

/// <summary>
/// Rosters and spend trails are answered with validators and kept in memory while the ledger does not change
/// (AnswerCache): a client revalidates and gets 304, and no kept answer outlives a change, wherever it was made.
/// </summary>
public sealed class Answers_kept_and_validated(LedgerApp app) : LedgerTest(app)
{
    private const string Roster = $"/groups/{Scenarios.Tajik}/roster?asOf=2023-05-01";

    private async Task<HttpResponseMessage> GetAsync(string url, string? etag = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (etag is not null) request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        return await Client.SendAsync(request);
    }

    private static async Task<string[]> MembersAsync(HttpResponseMessage response) =>
        Scenarios.Names((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("members"));

    [Fact]
    public async Task A_dated_roster_carries_an_etag_and_is_304_until_a_sign_up_changes_it()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        var first = await GetAsync(Roster);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag!.Tag;
        Assert.True(first.Headers.CacheControl!.NoCache);

        var again = await GetAsync(Roster, etag);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());

        await Scenarios.Expect(await Client.PostAsJsonAsync($"/groups/{Scenarios.Tajik}/members",
            new { username = "Late Signer", signedAt = "2023-04-30T10:00:00Z" }), HttpStatusCode.Created);

        var changed = await GetAsync(Roster, etag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag!.Tag);
        Assert.Contains("Late Signer", await MembersAsync(changed));
    }

    [Fact]
    public async Task An_erasure_takes_the_name_out_of_a_roster_as_known_at_a_past_moment_that_was_answered_before()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        var known = App.Clock.GetCurrentInstant();
        var url = $"{Roster}&knownAt={known}";
        var before = await GetAsync(url);
        Assert.Contains("Mardetanha", await MembersAsync(before));
        Assert.Equal(HttpStatusCode.NotModified, (await GetAsync(url, before.Headers.ETag!.Tag)).StatusCode);

        await Scenarios.Expect(await Client.PostAsJsonAsync("/people/Mardetanha/erasure", new { reason = "Asked by e-mail (ticket 99)" }), HttpStatusCode.OK);

        var after = await GetAsync(url, before.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var members = await MembersAsync(after);
        Assert.DoesNotContain("Mardetanha", members);
        Assert.Contains(members, m => m.StartsWith("Erased-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sign_up_committed_outside_this_host_reaches_the_kept_answer_through_the_database_notification()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        Assert.DoesNotContain("Quiet Writer", await MembersAsync(await GetAsync(Roster)));

        // Appended through the store directly, as another node or the command line would: no request to this host.
        await using (var session = App.Store.LightweightSession())
        {
            session.Events.StartStream<Affiliation>(Affiliation.StreamKey(Scenarios.Tajik, "Quiet Writer"),
                new MemberSignedUp(Scenarios.Tajik, "Quiet Writer", MemberKind.Individual, Guid.NewGuid(), Instant.FromUtc(2023, 4, 1, 9, 0)));
            await session.SaveChangesAsync();
        }

        // The notification arrives as the commit completes, on the host's listening connection: bounded wait.
        var waited = Stopwatch.StartNew();
        while (!(await MembersAsync(await GetAsync(Roster))).Contains("Quiet Writer"))
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "The kept roster never saw the sign-up committed outside the host.");
    }
}
