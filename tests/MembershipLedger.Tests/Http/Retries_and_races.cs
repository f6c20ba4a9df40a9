using System.Net;
using System.Net.Http.Json;
using MembershipLedger.Tests.Infrastructure;

namespace MembershipLedger.Tests.Http;

public sealed class Retries_and_races(LedgerApp app) : LedgerTest(app)
{
    private static HttpRequestMessage Post(string url, object body, string? idempotencyKey = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    [Fact]
    public async Task A_write_with_a_stale_if_match_gets_412_and_appends_nothing()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        var read = await Client.GetAsync($"/groups/{Scenarios.Tajik}/members/Mardetanha");
        var etag = read.Headers.ETag!.Tag;
        Assert.Equal("\"1\"", etag);
        await Scenarios.Expect(await Client.SendAsync(Post($"/groups/{Scenarios.Tajik}/members/Mardetanha/correction",
            new { signedAt = "2022-12-08T20:25:00Z", reason = "The page's time was copied wrong" }, ifMatch: etag)), HttpStatusCode.OK);
        var events = await App.EventCountAsync();

        // Someone else wrote since this etag was read.
        var stale = await Scenarios.Expect(await Client.SendAsync(Post($"/groups/{Scenarios.Tajik}/members/Mardetanha/withdrawal", new { }, ifMatch: etag)),
            HttpStatusCode.PreconditionFailed);

        Assert.Equal(2, stale.GetProperty("actual").GetInt64());
        Assert.Equal(events, await App.EventCountAsync());
        var profile = await Client.GetAsync($"/groups/{Scenarios.Tajik}");
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/groups/{Scenarios.Tajik}") { Content = JsonContent.Create(new { name = "Renamed" }) };
        patch.Headers.TryAddWithoutValidation("If-Match", "\"7\"");
        await Scenarios.Expect(await Client.SendAsync(patch), HttpStatusCode.PreconditionFailed);
        Assert.Equal("\"1\"", profile.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task The_same_idempotency_key_and_body_returns_the_first_answer_and_appends_nothing()
    {
        await Scenarios.RegisteredTajikGroup(Client);
        var body = new { username = "Mardetanha", signedAt = "2022-12-08T20:24:00Z" };

        var first = await Client.SendAsync(Post($"/groups/{Scenarios.Tajik}/members", body, "sign-mardetanha-1"));
        var events = await App.EventCountAsync();
        var again = await Client.SendAsync(Post($"/groups/{Scenarios.Tajik}/members", body, "sign-mardetanha-1"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal(events, await App.EventCountAsync());
    }

    [Fact]
    public async Task The_same_idempotency_key_with_another_body_is_refused_422()
    {
        await Scenarios.RegisteredTajikGroup(Client);
        await Scenarios.Expect(await Client.SendAsync(Post($"/groups/{Scenarios.Tajik}/members", new { username = "Mardetanha" }, "key-1")), HttpStatusCode.Created);
        var events = await App.EventCountAsync();

        var reused = await Scenarios.Expect(await Client.SendAsync(Post($"/groups/{Scenarios.Tajik}/members", new { username = "Farorud" }, "key-1")),
            HttpStatusCode.UnprocessableEntity);

        Assert.Equal("Idempotency-Key", reused.GetProperty("field").GetString());
        Assert.Equal(events, await App.EventCountAsync());
    }

    [Fact]
    public async Task Fifty_concurrent_sign_ups_to_one_group_all_land()
    {
        await Scenarios.RegisteredTajikGroup(Client);

        var responses = await Task.WhenAll(Enumerable.Range(1, 50).Select(i =>
            Client.PostAsJsonAsync($"/groups/{Scenarios.Tajik}/members", new { username = $"Signer {i}" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var roster = await Scenarios.GetJson(Client, $"/groups/{Scenarios.Tajik}/roster");
        Assert.Equal(50, roster.GetProperty("undated").GetArrayLength() + roster.GetProperty("members").GetArrayLength());
        Assert.True((await MembershipLedger.Storage.EventChain.VerifyAsync(App.Store)).Intact);
    }

    [Fact]
    public async Task Of_two_concurrent_conflicting_writes_to_one_stream_one_wins_and_the_other_is_told()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);

        var responses = await Task.WhenAll(
            Client.PostAsJsonAsync($"/groups/{Scenarios.Tajik}/members/Mardetanha/withdrawal", new { effectiveAt = "2024-05-01" }),
            Client.PostAsJsonAsync($"/groups/{Scenarios.Tajik}/members/Mardetanha/removal", new { effectiveAt = "2024-05-02", reason = "Inactive" }));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        var loser = Assert.Single(responses, r => r.StatusCode != HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Conflict, loser.StatusCode);
        var history = await Scenarios.GetJson(Client, "/people/Mardetanha/history");
        Assert.Single(history.GetProperty("entries").EnumerateArray(), e => e.GetProperty("eventType").GetString() is "member-withdrew" or "member-removed");
    }
}
