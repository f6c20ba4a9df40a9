using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MembershipLedger.Governance;
using MembershipLedger.Tests.Infrastructure;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Governance;

/// <summary>
/// "An affiliation ID … allowing the User Group leaders/volunteers to act on-site": a statement a third party checks offline
/// with the ledger's public key alone, that fails once a byte is changed, and that the ledger reports revoked once revoked.
/// </summary>
public class Affiliation_statements(LedgerApp app) : LedgerTest(app)
{
    private async Task RecognizedTajikGroup()
    {
        await TajikGroupWithItsSignatures(Client);
        await Expect(await PostAsync($"/groups/{Tajik}/recognition", new { step = "applied", on = "2023-01-10" }), HttpStatusCode.Created);
        await Expect(await PostAsync($"/groups/{Tajik}/recognition", new { step = "recognized", on = "2023-05-01" }), HttpStatusCode.Created);
        await Expect(await PostAsync($"/groups/{Tajik}/roles", new { username = "Farorud", role = "designated-contact", from = "2023-05-01" }), HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_statement_verifies_offline_with_only_the_public_key_fails_when_altered_and_is_reported_revoked()
    {
        await RecognizedTajikGroup();
        var issued = await Expect(await PostAsync($"/groups/{Tajik}/members/Farorud/statements", new { role = "designated-contact", asOf = "2024-05-01", validDays = 90 }),
            HttpStatusCode.Created);
        var token = issued.GetProperty("token").GetString()!;
        var id = issued.GetProperty("statementId").GetString()!;
        Assert.Equal("2023-05-01", issued.GetProperty("claims").GetProperty("recognizedSince").GetString());

        // Offline: the verifier has the published key and the token, nothing else of the ledger.
        var jwks = JsonNode.Parse(await App.Anonymous.GetStringAsync("/.well-known/jwks.json"))!;
        var jwk = Assert.Single(jwks["keys"]!.AsArray())!;
        Assert.Null(jwk["d"]); // no private part
        using var publicKey = Statements.FromJwk(jwk);
        var parts = token.Split('.');
        Assert.True(publicKey.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Statements.FromBase64Url(parts[2]), System.Security.Cryptography.HashAlgorithmName.SHA256));
        var payload = JsonNode.Parse(Statements.FromBase64Url(parts[1]))!;
        Assert.Equal("Farorud", payload["sub"]!.GetValue<string>());
        Assert.Equal("designated-contact", payload["role"]!.GetValue<string>());
        Assert.Equal(Tajik, payload["group"]!.GetValue<string>());

        // One byte changed: the payload now claims another person, and the signature no longer matches.
        var forged = Statements.Base64Url(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Statements.FromBase64Url(parts[1])).Replace("Farorud", "Farorue")));
        Assert.False(publicKey.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{forged}"), Statements.FromBase64Url(parts[2]), System.Security.Cryptography.HashAlgorithmName.SHA256));
        var refused = await Verify($"{parts[0]}.{forged}.{parts[2]}");
        Assert.False(refused.GetProperty("valid").GetBoolean());
        Assert.Contains("does not match", refused.GetProperty("why").GetString());

        var online = await Verify(token);
        Assert.True(online.GetProperty("valid").GetBoolean(), online.ToString());

        await Expect(await PostAsync($"/groups/{Tajik}/statements/{id}/revocation", new { reason = "Farorud stepped down as contact" }), HttpStatusCode.OK);
        var revoked = await Verify(token);
        Assert.False(revoked.GetProperty("valid").GetBoolean());
        Assert.Contains("revoked", revoked.GetProperty("why").GetString());
        Assert.Equal("revoked", (await GetJson(App.Anonymous, $"/statements/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_statement_is_refused_for_a_role_not_held_a_group_not_recognized_or_bad_input_and_appends_nothing()
    {
        await TajikGroupWithItsSignatures(Client);
        var count = await App.EventCountAsync();
        var notRecognized = await Expect(await PostAsync($"/groups/{Tajik}/members/Farorud/statements", new { }), HttpStatusCode.Conflict);
        Assert.Equal("group-not-recognized", notRecognized.GetProperty("rule").GetString());
        Assert.Equal(count, await App.EventCountAsync());

        await Expect(await PostAsync($"/groups/{Tajik}/recognition", new { step = "applied", on = "2023-01-10" }), HttpStatusCode.Created);
        await Expect(await PostAsync($"/groups/{Tajik}/recognition", new { step = "recognized", on = "2023-05-01" }), HttpStatusCode.Created);
        count = await App.EventCountAsync();
        var notHeld = await Expect(await PostAsync($"/groups/{Tajik}/members/Farorud/statements", new { role = "officer" }), HttpStatusCode.Conflict);
        Assert.Equal("role-not-held", notHeld.GetProperty("rule").GetString());
        var tooLong = await Expect(await PostAsync($"/groups/{Tajik}/members/Farorud/statements", new { validDays = 5000 }), HttpStatusCode.BadRequest);
        Assert.True(tooLong.GetProperty("errors").TryGetProperty("validDays", out _));
        await Expect(await PostAsync($"/groups/{Tajik}/members/Nobody/statements", new { }), HttpStatusCode.NotFound);
        var garbage = await Expect(await App.Anonymous.PostAsync("/statements/verify", new StringContent("not-a-token", Encoding.UTF8, "text/plain")), HttpStatusCode.BadRequest);
        Assert.True(garbage.GetProperty("errors").TryGetProperty("body", out _));
        Assert.Equal(count, await App.EventCountAsync());

        // A plain membership statement, today.
        var member = await Expect(await PostAsync($"/groups/{Tajik}/members/Farorud/statements", new { }), HttpStatusCode.Created);
        Assert.Equal("member", JsonNode.Parse(Statements.FromBase64Url(member.GetProperty("token").GetString()!.Split('.')[1]))!["role"]!.GetValue<string>());
    }

    private async Task<JsonElement> Verify(string token) =>
        await Expect(await App.Anonymous.PostAsync("/statements/verify", new StringContent(token, Encoding.UTF8, "text/plain")), HttpStatusCode.OK);
}
