using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using MembershipLedger.Api.Samples;
using MembershipLedger.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipLedger.Tests.Http;

/// <summary>
/// Every endpoint the host maps (found from its routing table, so endpoints added later are covered too) gets malformed
/// JSON, wrong types, unknown values, absurd dates, oversized and deeply nested bodies, unknown and hostile ids, and
/// bad query strings and headers. None may answer 5xx, and the ledger must hold exactly the events it held before.
/// </summary>
public sealed class Hostile_input(LedgerApp app, Xunit.Abstractions.ITestOutputHelper output) : LedgerTest(app)
{
    private static readonly string[] HostileIds =
        ["no-such-thing", "ledger", "x", new string('a', 3000), "..%2F..%2Fetc%2Fpasswd", "%1F%7F", "%E2%80%AE", "Robert');DROP TABLE mt_events;--", "%F0%9F%A6%86"];

    // Ids the samples hold, so that bodies reach their parsers and decisions rather than stopping at "unknown id".
    private static readonly Dictionary<string, string> KnownIds = new()
    {
        ["groupId"] = "tajik-wikimedians", ["username"] = "Nobody Here", ["grantId"] = "ma-strategy-salon-2019",
        ["activityId"] = "wikimania-2015-regional-meetups-panel", ["lineId"] = "accommodation",
        ["expenseId"] = "00000000-0000-0000-0000-000000000000", ["assignmentId"] = "00000000-0000-0000-0000-000000000000",
    };

    private static readonly string[] BadBodies =
    [
        "{", "[1,2", "null", "\"text\"", "42", "[]", "{\"unexpected\": true}", "{\"a\":1,\"a\":2}",
        new string('[', 5000) + new string(']', 5000),
        "{\"username\":\"" + new string('x', 2 * 1024 * 1024) + "\"}",
    ];

    private static readonly string[] BadValues =
    [
        "12345678901234567890123456789", "[]", "{\"x\":1}", "true", "\"9999-99-99T99:99:99Z\"", "\"-1000000-01-01\"",
        "\"2024-02-30\"", "\"+275760-09-13T00:00:00Z\"", "\"\\u0000\\u0001\"", "\"not-a-known-value\"", "-1e400",
    ];

    private static readonly string[] BadQueries =
        ["asOf=yesterday", "asOf=9999-99-99", "knownAt=-1", "limit=-1", "limit=100000000000", "after=%00", "dryRun=maybe", "from=2024-13-01", "kind=nonsense",
         // The edges of the calendar: year 0, the last day, offsets that push an instant past it.
         "asOf=0000-01-01", "asOf=9999-12-31", "asOf=9999-12-31T23:59:59-14:00", "knownAt=0001-01-01T00:00:00Z", "knownAt=9999-12-31",
         "from=9999-12-31", "to=0000-01-01", "asOf=-0001-01-01"];

    private static string PathOf(Uri uri) =>
        uri.IsAbsoluteUri ? uri.AbsolutePath : "/" + uri.OriginalString.TrimStart('/').Split('?')[0];

    [Fact]
    public async Task A_thousand_hostile_requests_across_every_endpoint_get_4xx_and_append_nothing()
    {
        await SampleLedger.LoadIfEmptyAsync(App.Store, App.Clock);
        var before = await App.EventCountAsync();

        var requests = Generate().ToList();
        var endpointCount = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Count(e => e.RoutePattern.RawText?.StartsWith("/openapi", StringComparison.Ordinal) == false);
        Assert.True(requests.Count >= 1000, $"Only {requests.Count} requests were generated.");

        var failures = new List<string>();
        foreach (var (description, build) in requests)
        {
            using var request = build();
            using var response = await Client.SendAsync(request);
            var status = (int)response.StatusCode;
            if (status >= 500)
                failures.Add($"{status} for {description}: {await response.Content.ReadAsStringAsync()}");
            else if (status < 400 && request.Method != HttpMethod.Get)
                failures.Add($"{status} (accepted) for {description}");
            else if (status >= 400 && request.Method == HttpMethod.Get && MembershipLedger.Api.Web.WebPage.IsPage(PathOf(request.RequestUri!)))
            {
                // A page answers a person: its refusals are pages that say what was wrong, not problem+json.
                if (response.Content.Headers.ContentType?.MediaType != "text/html" || !(await response.Content.ReadAsStringAsync()).Contains("class=\"notice"))
                    failures.Add($"{status} without a page saying what was wrong for {description}");
            }
            else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                failures.Add($"{status} without problem details for {description}");
        }

        output.WriteLine($"{requests.Count} requests across {endpointCount} endpoints; {failures.Count} failures.");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20).Select(f => f.Length > 400 ? f[..400] : f)));
        Assert.Equal(before, await App.EventCountAsync());
    }

    private IEnumerable<(string Description, Func<HttpRequestMessage> Build)> Generate()
    {
        var endpoints = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.StartsWith("/openapi", StringComparison.Ordinal));
        foreach (var endpoint in endpoints)
        {
            var pattern = endpoint.RoutePattern.RawText!;
            var parameters = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                var write = method != "GET";
                var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>();
                var json = accepts?.ContentTypes.Contains("application/json") == true;

                // Unknown and hostile ids, one route parameter at a time.
                foreach (var name in parameters)
                foreach (var id in HostileIds)
                {
                    var url = Fill(pattern, name, id);
                    yield return ($"{method} {url}", () => Request(method, url, write ? "{\"reason\":\"x\"}" : null));
                }
                if (parameters.Count == 0 || parameters.All(KnownIds.ContainsKey))
                {
                    var url = Fill(pattern, null, null);
                    if (!write)
                        foreach (var query in BadQueries)
                            yield return ($"GET {url}?{query}", () => Request(method, $"{url}?{query}", null));
                    if (write && accepts is not null)
                    {
                        foreach (var body in BadBodies)
                            yield return ($"{method} {url} body {Preview(body)}", () => Request(method, url, body, json ? "application/json" : "text/plain"));
                        yield return ($"{method} {url} invalid UTF-8", () => Raw(method, url, [0x7B, 0xC3, 0x28, 0x7D]));
                        yield return ($"{method} {url} bad If-Match", () => Request(method, url, "{}", headers: ("If-Match", "\"not-a-version\"")));
                        if (method == "POST")
                            yield return ($"{method} {url} bad Idempotency-Key", () => Request(method, url, "{}", headers: ("Idempotency-Key", new string('k', 500))));
                        // Each field gets each bad value through its own parser; the unknown field beside it makes the
                        // body wrong even where the value happens to suit the field (a date is a fine name).
                        foreach (var field in FieldsOf(accepts.RequestType))
                        foreach (var value in BadValues)
                            yield return ($"{method} {url} {field}={Preview(value)}", () => Request(method, url, $"{{\"{field}\":{value},\"unexpected\":1}}"));
                    }
                }
            }
        }
    }

    private static string Fill(string pattern, string? hostileName, string? hostileValue)
    {
        var url = pattern;
        foreach (var (name, known) in KnownIds)
            url = url.Replace($"{{{name}}}", name == hostileName ? hostileValue : Uri.EscapeDataString(known));
        return url.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/";
    }

    private static IEnumerable<string> FieldsOf(Type? type) =>
        type is null || type == typeof(string) ? ["reason"]
            : type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name));

    private static HttpRequestMessage Request(string method, string url, string? body, string contentType = "application/json", params (string, string)[] headers)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private static HttpRequestMessage Raw(string method, string url, byte[] body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return request;
    }

    private static string Preview(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
