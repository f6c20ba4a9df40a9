using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MembershipLedger.Access;
using MembershipLedger.Api.Samples;
using MembershipLedger.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Trust;

/// <summary>Input the outside test found accepted, or answered with a 500, and what the ledger answers now.</summary>
public class One_set_of_rules_at_every_door(LedgerApp app) : LedgerTest(app)
{
    [Fact]
    public async Task A_group_with_several_activities_lists_them()
    {
        await SampleLedger.LoadIfEmptyAsync(App.Store, App.Clock);

        var activities = await GetJson(Client, "/groups/wikimedians-of-mali/activities");

        Assert.True(activities.GetArrayLength() >= 2);
    }

    [Theory]
    [InlineData("/groups/tajik-wikimedians/roster?asOf=0000-01-01", "asOf")]
    [InlineData("/groups/tajik-wikimedians/roster?asOf=9999-12-31", "asOf")]
    [InlineData("/groups/tajik-wikimedians/roster?asOf=9999-12-31T23:59:59-14:00", "asOf")]
    [InlineData("/groups/tajik-wikimedians/roster?knownAt=0001-01-01T00:00:00Z", "knownAt")]
    [InlineData("/groups/tajik-wikimedians/roster?knownAt=9999-12-31", "knownAt")]
    [InlineData("/groups/tajik-wikimedians/timeline?from=9999-12-31", "from")]
    [InlineData("/groups/tajik-wikimedians/timeline?from=0000-01-01", "from")]
    [InlineData("/grants/ma-strategy-salon-2019/spend-trail?asOf=9999-12-31", "asOf")]
    public async Task Dates_at_the_edges_of_the_calendar_are_a_400_naming_the_parameter(string url, string parameter)
    {
        await SampleLedger.LoadIfEmptyAsync(App.Store, App.Clock);

        var response = await Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(parameter, (await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_body_with_a_field_given_twice_is_refused()
    {
        await RegisteredTajikGroup(Client);

        var response = await Client.PostAsync($"/groups/{Tajik}/members",
            new StringContent("""{"username":"Farorud","username":"Somebody Else"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await CountOfAffiliationEventsAsync());
    }

    [Theory]
    [InlineData("Faro\u200Frud")] // right-to-left mark
    [InlineData("Faro\u200Brud")] // zero-width space
    [InlineData("Faro\u00ADrud")] // soft hyphen
    [InlineData("Faro\uE000rud")] // private use
    [InlineData("\u202EdurouraF")] // right-to-left override
    [InlineData("192.168.10.12")]
    [InlineData("2001:db8::1")]
    public async Task Names_MediaWiki_would_not_accept_as_accounts_are_refused(string username)
    {
        await RegisteredTajikGroup(Client);

        var problem = await Expect(await PostAsync($"/groups/{Tajik}/members", new { username }), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("username", out _), problem.ToString());
        Assert.Equal(0, await CountOfAffiliationEventsAsync());
    }

    [Fact]
    public async Task A_decomposed_accent_is_the_same_account_and_a_look_alike_spelling_is_flagged_for_a_person_to_decide()
    {
        await RegisteredTajikGroup(Client);
        await Expect(await PostAsync($"/groups/{Tajik}/members", new { username = "Andr\u00E9", signedAt = "2022-12-09T10:00:00Z" }), HttpStatusCode.Created);
        await Expect(await PostAsync($"/groups/{Tajik}/members", new { username = "Farorud", signedAt = "2022-12-09T10:00:00Z" }), HttpStatusCode.Created);

        // e + combining acute accent: MediaWiki's NFC makes it the same name.
        await Expect(await PostAsync($"/groups/{Tajik}/members", new { username = "Andre\u0301" }), HttpStatusCode.Conflict);
        // Cyrillic "а" and "о" for Latin; and fullwidth letters.
        var cyrillic = await Expect(await PostAsync($"/groups/{Tajik}/members", new { username = "F\u0430r\u043Erud" }), HttpStatusCode.Created);
        var fullwidth = await Expect(await PostAsync($"/groups/{Tajik}/members", new { username = "\uFF21ndr\u00E9" }), HttpStatusCode.Created);

        Assert.Equal(["Farorud"], cyrillic.GetProperty("looksLike").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(["Andr\u00E9"], fullwidth.GetProperty("looksLike").EnumerateArray().Select(n => n.GetString()));
        var history = await GetJson(Client, $"/groups/{Tajik}/history");
        Assert.Contains(history.GetProperty("entries").EnumerateArray(), e =>
            e.GetProperty("data").TryGetProperty("looksLike", out var alike) && alike[0].GetString() == "Farorud");
    }

    [Fact]
    public async Task An_amount_no_affiliate_holds_is_refused()
    {
        await MoroccanGroup(Client);

        var problem = await Expect(await PostAsync("/groups/wikimedia-ma/grants", new
        {
            id = "absurd-grant", grantor = "Wikimedia Foundation", program = "Rapid Grants", purpose = "A typo", startsOn = "2019-01-01",
            endsOn = "2019-12-31", awardedOn = "2019-01-01", currency = "USD", total = 1e28m, lines = new[] { new { lineId = "all", category = "All", amount = 1e28m } },
        }), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("total", out _), problem.ToString());
    }

    [Fact]
    public async Task No_public_read_shows_an_email_address_by_any_route()
    {
        await SampleLedger.LoadIfEmptyAsync(App.Store, App.Clock);
        await Expect(await Client.PatchAsJsonAsync($"/groups/{Tajik}", new
        {
            contactChannels = new[] { new { kind = "email", value = "tajik.wikimedians@example.org" }, new { kind = "telegram", value = "t.me/tajikwiki" } },
        }), HttpStatusCode.OK);
        await Expect(await Client.PutAsJsonAsync($"/groups/{Tajik}/members/Farorud/contact-details",
            new { realName = "Farrukh Example", email = "farrukh(_AT_)example.org" }), HttpStatusCode.OK);
        var otherGroup = await App.ClientAsync("mali-organizer", AccessRole.Organizer, "wikimedians-of-mali");

        var urls = GetRoutes().ToList();
        Assert.True(urls.Count >= 15, string.Join(", ", urls));
        foreach (var reader in new[] { App.Anonymous, otherGroup })
        foreach (var url in urls)
        {
            var body = await (await reader.GetAsync(url)).Content.ReadAsStringAsync();
            Assert.DoesNotContain("example.org", body);
            Assert.DoesNotContain("Farrukh", body);
        }
    }

    /// <summary>Every GET route the host maps, from its routing table, with the samples' ids filled in.</summary>
    private IEnumerable<string> GetRoutes()
    {
        var ids = new Dictionary<string, string>
        {
            ["{groupId}"] = Tajik, ["{username}"] = "Farorud", ["{grantId}"] = "ma-strategy-salon-2019", ["{activityId}"] = "wikimania-2015-regional-meetups-panel",
            ["{id}"] = "wikimania-2015-regional-meetups-panel",
        };
        foreach (var endpoint in App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.Contains("GET") != true) continue;
            var url = endpoint.RoutePattern.RawText!;
            foreach (var (name, value) in ids) url = url.Replace(name, Uri.EscapeDataString(value));
            if (!url.Contains('{')) yield return url;
        }
    }

    [Fact]
    public async Task An_idempotency_claim_abandoned_by_a_crash_expires_and_the_retry_runs_once()
    {
        await RegisteredTajikGroup(Client);
        var warmUp = new HttpRequestMessage(HttpMethod.Post, "/groups") { Content = JsonContent.Create(new { }), Headers = { { "Idempotency-Key", "warm-up" } } };
        await Client.SendAsync(warmUp); // creates the table of claims
        // What a host killed after claiming the key and before committing left behind.
        var principal = "test-admin";
        await App.ExecuteSqlAsync(
            $$"""
              insert into ledger.mt_doc_idempotentrequest (id, data, mt_last_modified, mt_version, mt_dotnet_type)
              values ('{{principal}}' || chr(10) || 'retry-1',
                jsonb_build_object('id', '{{principal}}' || chr(10) || 'retry-1', 'method', 'POST', 'path', '/groups/{{Tajik}}/members',
                  'bodyHash', 'x', 'status', 0, 'at', '2024-06-01T11:00:00Z'), now(), gen_random_uuid(), 'MembershipLedger.Api.Http.IdempotentRequest')
              """);
        var request = () => new HttpRequestMessage(HttpMethod.Post, $"/groups/{Tajik}/members")
        {
            Content = JsonContent.Create(new { username = "Farorud", signedAt = "2022-12-09T10:00:00Z" }), Headers = { { "Idempotency-Key", "retry-1" } },
        };

        var first = await Client.SendAsync(request());
        var again = await Client.SendAsync(request());

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await CountOfAffiliationEventsAsync());
    }

    [Fact]
    public async Task A_url_too_long_to_read_gets_a_problem_body()
    {
        var response = await Client.GetAsync("/groups?q=" + new string('a', 10_000));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<long> CountOfAffiliationEventsAsync() =>
        (long)(await App.ExecuteSqlAsync("select count(*) from ledger.mt_events where stream_id like '%:%'"))!;
}
