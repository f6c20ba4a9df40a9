using System.Net;
using System.Text;
using MembershipLedger.Tests.Infrastructure;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Http;

/// <summary>Bad input gets a 4xx problem naming the field or rule, and nothing is appended.</summary>
public class Bad_input(LedgerApp app) : LedgerTest(app)
{
    private async Task AssertRefused(HttpResponseMessage response, HttpStatusCode status, string namedField)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Expect(response, status);
        var text = problem.ToString();
        Assert.Contains(namedField, text);
    }

    [Theory]
    [InlineData("{\"username\": \"Mardetanha\", \"signedAt\": \"8 December 2022\"}", "signedAt")]
    [InlineData("{\"username\": \"Mardetanha\", \"signedAt\": \"1999-12-08T20:24:00Z\"}", "signedAt")]
    [InlineData("{\"username\": 42}", "username")]
    [InlineData("{\"username\": \"A/B\"}", "username")]
    [InlineData("{\"username\": \"Mardetanha\", \"kind\": \"robot\"}", "kind")]
    [InlineData("{\"username\": \"Mardetanha\", \"signedat\": \"2022-12-08T20:24:00Z\"}", "signedat")]
    [InlineData("{\"username\": ", "body")]
    [InlineData("[1, 2]", "body")]
    public async Task A_malformed_sign_up_is_refused_naming_the_field(string body, string field)
    {
        await RegisteredTajikGroup(Client);
        var before = await App.EventCountAsync();
        var response = await Client.PostAsync($"/groups/{Tajik}/members", new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertRefused(response, HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await App.EventCountAsync());
    }

    [Theory]
    [InlineData("timeZone", "Asia/Atlantis")]
    [InlineData("foundedOn", "2022-13")]
    [InlineData("countryCode", "ZZ")]
    [InlineData("kind", "club")]
    public async Task A_group_with_an_invalid_field_is_refused_naming_it(string field, string value)
    {
        var group = new Dictionary<string, object>
        {
            ["id"] = "tajik-wikimedians", ["name"] = "Tajik Wikimedians User Group", ["kind"] = "user-group", ["countryCode"] = "TJ",
            ["languages"] = new[] { "tg" }, ["timeZone"] = "Asia/Dushanbe", ["foundedOn"] = "2022",
        };
        group[field] = value;
        await AssertRefused(await PostAsync("/groups", group), HttpStatusCode.BadRequest, field);
        Assert.Equal(0, await App.EventCountAsync());
    }

    [Fact]
    public async Task Unknown_group_duplicate_sign_up_and_withdrawal_of_a_non_member_are_refused()
    {
        await AssertRefused(await PostAsync("/groups/no-such-group/members", new { username = "Mardetanha" }), HttpStatusCode.NotFound, "groupId");

        await TajikGroupWithItsSignatures(Client);
        var before = await App.EventCountAsync();
        await AssertRefused(await PostAsync($"/groups/{Tajik}/members", new { username = "mardetanha", signedAt = "2022-12-08T20:24:00Z" }),
            HttpStatusCode.Conflict, "already-a-member");
        await AssertRefused(await PostAsync($"/groups/{Tajik}/members/Nobody/withdrawal", new { }), HttpStatusCode.Conflict, "not-a-member");
        await AssertRefused(await PostAsync("/groups", TajikGroup), HttpStatusCode.Conflict, "group-exists");
        Assert.Equal(before, await App.EventCountAsync());
    }

    [Fact]
    public async Task Roster_questions_with_unreadable_moments_are_refused_naming_the_parameter()
    {
        await RegisteredTajikGroup(Client);
        await AssertRefused(await Client.GetAsync($"/groups/{Tajik}/roster?asOf=2023-02-30"), HttpStatusCode.BadRequest, "asOf");
        await AssertRefused(await Client.GetAsync($"/groups/{Tajik}/roster?knownAt=yesterday"), HttpStatusCode.BadRequest, "knownAt");
        await AssertRefused(await Client.GetAsync($"/groups/{Tajik}/history?limit=100000"), HttpStatusCode.BadRequest, "limit");
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_roster()
    {
        var document = await GetJson(Client, "/openapi/v1.json");
        Assert.True(document.GetProperty("paths").TryGetProperty("/groups/{groupId}/roster", out _));
    }
}
