using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace MembershipLedger.Api.Web.Forms;

/// <summary>A request the web sends to the ledger's own API on a person's behalf.</summary>
public sealed record ApiRequest(string Method, string Target, byte[] Body, string ContentType = "application/json",
    IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>The form's field holding the <c>Idempotency-Key</c> its page gave it: sent twice, it records once.</summary>
    public const string KeyField = "_key";

    /// <summary>The idempotency key a submitted form carries (a fresh one when it carries none fit to send).</summary>
    public static Dictionary<string, string> Once(IFormCollection form) => new()
    {
        [Idempotency.Header] = form[KeyField].ToString() is { Length: > 0 and <= 64 } key && !key.Any(char.IsControl) ? key : Guid.NewGuid().ToString("N"),
    };
}

/// <summary>What the API answered: its status, its body, and the correlation id its events were recorded under.</summary>
public sealed record ApiAnswer(int Status, string? ContentType, byte[] Body, string CorrelationId, string? ETag)
{
    public bool Succeeded => Status is >= 200 and < 300;

    /// <summary>The answer's body read as the API wrote it (its JSON dialect).</summary>
    public T Read<T>(HttpContext http) => JsonSerializer.Deserialize<T>(Body,
        http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions)!;

    public JsonElement? Json
    {
        get
        {
            if (Body.Length == 0 || ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true) return null;
            try { return JsonDocument.Parse(Body).RootElement; }
            catch (JsonException) { return null; }
        }
    }
}

/// <summary>
/// The one door from the web pages to the ledger: a form is turned into the API request a client would send, and that
/// request runs through the host's whole pipeline in the same process (binding, validation, authorization, idempotency,
/// the write path, problem details), as the signed-in person. So a form can record nothing the API would refuse, and
/// what it refuses the page shows with the API's own words. Its events are stamped as made through the web.
/// </summary>
public sealed class ApiCall(IServiceScopeFactory scopes)
{
    public const string Source = "web";
    private RequestDelegate? _pipeline;

    /// <summary>Put first in the host's pipeline: keeps the rest of it, which every call then runs.</summary>
    public static void Capture(IApplicationBuilder app)
    {
        var call = app.ApplicationServices.GetRequiredService<ApiCall>();
        app.Use(next => call._pipeline = next);
    }

    public async Task<ApiAnswer> SendAsync(HttpContext from, ApiRequest request)
    {
        var pipeline = _pipeline ?? throw new InvalidOperationException("ApiCall.Capture was not put in the pipeline.");
        var correlation = request.Headers?.GetValueOrDefault(Http.Idempotency.Header) ?? Guid.NewGuid().ToString("N");
        var (path, query) = request.Target.IndexOf('?') is var q and >= 0 ? (request.Target[..q], request.Target[q..]) : (request.Target, "");
        IHeaderDictionary headers = new HeaderDictionary();
        headers.Host = from.Request.Host.Value ?? "localhost";
        headers.ContentType = request.ContentType;
        headers.ContentLength = request.Body.Length;
        headers.Accept = "application/json";
        headers[Recording.CorrelationHeader] = correlation;
        foreach (var (name, value) in request.Headers ?? new Dictionary<string, string>()) headers[name] = value;

        var body = new MemoryStream();
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature
        {
            Method = request.Method, Scheme = from.Request.Scheme, Protocol = "HTTP/1.1", PathBase = "", Path = Uri.UnescapeDataString(path),
            RawTarget = request.Target, QueryString = query, Headers = headers, Body = new MemoryStream(request.Body),
        });
        features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));
        features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature { RequestAborted = from.RequestAborted });
        features.Set<IHttpRequestIdentifierFeature>(new HttpRequestIdentifierFeature { TraceIdentifier = $"{from.TraceIdentifier}:{correlation}" });
        if (from.Features.Get<IHttpConnectionFeature>() is { } connection) features.Set(connection);
        await using var scope = scopes.CreateAsyncScope();
        features.Set<IServiceProvidersFeature>(new ServiceProvidersFeature { RequestServices = scope.ServiceProvider });

        var http = new DefaultHttpContext(features) { User = from.User };
        http.Items[Recording.SourceItem] = Source;
        await pipeline(http);
        return new ApiAnswer(http.Response.StatusCode, http.Response.ContentType, body.ToArray(), correlation, http.Response.Headers.ETag.FirstOrDefault());
    }
}
