using System.Security.Claims;
using Marten;
using MembershipLedger.Access;
using MembershipLedger.Api.Http;
using MembershipLedger.Storage;

namespace MembershipLedger.Api.Access;

/// <summary>
/// Turns the request's API key into its principal. No key: an anonymous reader, who may read what is public and
/// write nothing. A key that is unknown or revoked is refused outright (401) rather than read as anonymous, so a
/// holder learns at once that their key stopped working.
/// </summary>
public static class Keys
{
    public const string Header = "X-Api-Key";
    private const string RoleClaim = "ledger-role";
    private const string GroupClaim = "ledger-group";

    public static IApplicationBuilder UseApiKeys(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (TokenOf(http.Request) is { } token)
        {
            var session = http.RequestServices.GetRequiredService<IQuerySession>();
            if (await ApiKeys.RecognizeAsync(session, token, http.RequestAborted) is not { } key)
            {
                await Problems.Unauthorized("The API key is unknown or revoked.").ExecuteAsync(http);
                return;
            }
            http.User = PrincipalOf(key);
            // A write to a group named in the route is checked before its body is read: a key for another group
            // learns nothing about what the body would have done.
            if (IsWrite(http.Request) && http.GetRouteValue("groupId") is string groupId
                && Permissions.RefuseWrite(http.User, [groupId]) is { } refused)
            {
                await refused.ExecuteAsync(http);
                return;
            }
        }
        else if (IsWrite(http.Request))
        {
            await Problems.Unauthorized($"Writes need an API key (header {Header}, or Authorization: Bearer).").ExecuteAsync(http);
            return;
        }
        await next(http);
    });

    private static bool IsWrite(HttpRequest request) =>
        !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method);

    private static string? TokenOf(HttpRequest request)
    {
        if (request.Headers[Header].FirstOrDefault() is { Length: > 0 } key) return key.Trim();
        return request.Headers.Authorization.FirstOrDefault() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? auth["Bearer ".Length..].Trim()
            : null;
    }

    private static ClaimsPrincipal PrincipalOf(ApiKey key)
    {
        List<Claim> claims = [new(ClaimTypes.Name, key.Principal), new(RoleClaim, Json.Kind(key.Role)), new("ledger-key", key.Id)];
        if (key.GroupId is { } group) claims.Add(new Claim(GroupClaim, group));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "ApiKey", ClaimTypes.Name, RoleClaim));
    }

    public static AccessRole? RoleOf(ClaimsPrincipal user) =>
        WireNames<AccessRole>.TryParse(user.FindFirst(RoleClaim)?.Value, out var role) ? role : null;

    public static string? GroupOf(ClaimsPrincipal user) => user.FindFirst(GroupClaim)?.Value;
}
