using System.Security.Claims;
using System.Text.Encodings.Web;
using MembershipLedger.Access;
using MembershipLedger.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace MembershipLedger.Api.Access;

/// <summary>
/// The ledger's one authentication scheme: an API key in <c>X-Api-Key</c> (or <c>Authorization: Bearer</c>), recognized
/// by its hash. No key: an anonymous reader, who may read what is public and write nothing. A key that is unknown or
/// revoked fails authentication, and <see cref="RefuseUnknownKeys"/> answers it 401 on every route, reads included,
/// rather than reading the request as anonymous: a holder learns at once that their key stopped working.
/// </summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    private const string RoleClaim = "ledger-role";
    private const string GroupClaim = "ledger-group";
    public const string Unknown = "The API key is unknown or revoked.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (TokenOf(Request) is not { } token) return AuthenticateResult.NoResult();
        var session = Context.RequestServices.GetRequiredService<IQuerySession>();
        return await ApiKeys.RecognizeAsync(session, token, Context.RequestAborted) is { } key
            ? AuthenticateResult.Success(new AuthenticationTicket(PrincipalOf(key, SchemeName), SchemeName))
            : AuthenticateResult.Fail(Unknown);
    }

    /// <summary>Authorization refused a request without a key: say which header to send, as problem details.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problems.Unauthorized($"This needs an API key (header {Header}, or Authorization: Bearer).").ExecuteAsync(Context);

    public static void RefuseUnknownKeys(IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var result = await http.AuthenticateAsync(SchemeName);
        if (result.Failure is not null)
        {
            await Problems.Unauthorized(Unknown).ExecuteAsync(http);
            return;
        }
        await next(http);
    });

    /// <summary>Whether the request names a key (valid or not): then the key, never a browser session, says who it is.</summary>
    public static bool HasKey(HttpRequest request) => TokenOf(request) is not null;

    private static string? TokenOf(HttpRequest request)
    {
        if (request.Headers[Header].FirstOrDefault() is { Length: > 0 } key) return key.Trim();
        return request.Headers.Authorization.FirstOrDefault() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? auth["Bearer ".Length..].Trim()
            : null;
    }

    /// <summary>Who the holder of <paramref name="key"/> is, for a request with the key or a browser session begun with it.</summary>
    public static ClaimsPrincipal PrincipalOf(ApiKey key, string scheme)
    {
        List<Claim> claims = [new(ClaimTypes.Name, key.Principal), new(RoleClaim, Json.Kind(key.Role)), new(KeyClaim, key.Id)];
        if (key.GroupId is { } group) claims.Add(new Claim(GroupClaim, group));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, RoleClaim));
    }

    /// <summary>The key's public id: a browser session checks on each request that its key was not revoked.</summary>
    public const string KeyClaim = "ledger-key";

    public static AccessRole? RoleOf(ClaimsPrincipal user) =>
        WireNames<AccessRole>.TryParse(user.FindFirst(RoleClaim)?.Value, out var role) ? role : null;

    public static string? GroupOf(ClaimsPrincipal user) => user.FindFirst(GroupClaim)?.Value;
}
