using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MembershipLedger.Tests.Infrastructure;

/// <summary>Builders named by the state they leave the ledger in, driven through the HTTP API.</summary>
public static class Scenarios
{
    public const string Tajik = "tajik-wikimedians";

    /// <summary>The 13 entries of the Tajik page's "Interested in participating" list, in page order; null = no time shown.</summary>
    public static readonly (string Username, string? SignedAt)[] TajikSignatures =
    [
        ("Darafsh Kaviyani", null),
        ("Mardetanha", "2022-12-08T20:24:00Z"),
        ("VASHGIRD", null),
        ("Нурмуҳаммад Шамс", "2022-12-09T04:16:00Z"),
        ("Jaloliddin Madaminov", "2022-12-09T04:27:00Z"),
        ("Искандар Ориф", "2022-12-09T05:00:00Z"),
        ("Yoonoos.tj", "2022-12-09T09:12:00Z"),
        ("Farorud", "2022-12-09T11:13:00Z"),
        ("Omid Jeyhani", "2022-12-09T12:08:00Z"),
        ("TITANTJ", "2022-12-10T07:23:00Z"),
        ("Kagansky", "2023-02-17T15:54:00Z"),
        ("Erokhin", "2023-04-02T12:28:00Z"),
        ("Daniel Mietchen", "2023-04-26T20:02:00Z"),
    ];

    public static object TajikGroup => new
    {
        id = Tajik, name = "Tajik Wikimedians User Group", kind = "user-group", countryCode = "TJ",
        languages = new[] { "tg" }, timeZone = "Asia/Dushanbe", foundedOn = "2022",
    };

    public static async Task RegisteredTajikGroup(HttpClient client) =>
        await Expect(await client.PostAsJsonAsync("/groups", TajikGroup), HttpStatusCode.Created);

    public static async Task TajikGroupWithItsSignatures(HttpClient client)
    {
        await RegisteredTajikGroup(client);
        foreach (var (username, signedAt) in TajikSignatures)
            await Expect(await client.PostAsJsonAsync($"/groups/{Tajik}/members",
                signedAt is null ? new { username } : (object)new { username, signedAt }), HttpStatusCode.Created);
    }

    public const string Morocco = "wikimedia-ma";

    /// <summary>Seed 004's group, Wikimedia MA User Group.</summary>
    public static async Task MoroccanGroup(HttpClient client) =>
        await Expect(await client.PostAsJsonAsync("/groups", new
        {
            id = Morocco, name = "Wikimedia MA User Group", kind = "user-group", countryCode = "MA",
            languages = new[] { "ar", "fr", "zgh" }, timeZone = "Africa/Casablanca",
        }), HttpStatusCode.Created);

    /// <summary>Registers a group with only what a test needs.</summary>
    public static async Task Group(HttpClient client, string id, string name, string countryCode, string timeZone, string language) =>
        await Expect(await client.PostAsJsonAsync("/groups", new
        {
            id, name, kind = name.Contains("User Group") || name.Contains("UG") ? "user-group" : "chapter", countryCode,
            languages = new[] { language }, timeZone,
        }), HttpStatusCode.Created);

    public static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>
    /// A GET as a reader would repeat it: an answer that says its projection is still behind the ledger
    /// (<c>Ledger-Projection-Behind</c>, after the host waited a second for the daemon, which in a host just started may
    /// not run yet) is asked again, within a bound; each ask waits on the daemon in the host, so this needs no sleep.
    /// </summary>
    public static async Task<JsonElement> GetJson(HttpClient client, string url)
    {
        var asked = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var response = await client.GetAsync(url);
            if (!response.Headers.Contains("Ledger-Projection-Behind") || asked.Elapsed > TimeSpan.FromSeconds(30))
                return await Expect(response, HttpStatusCode.OK);
        }
    }

    public static string[] Names(JsonElement array) => array.EnumerateArray().Select(m => m.GetProperty("username").GetString()!).ToArray();
}
