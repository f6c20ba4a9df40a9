using System.Security.Claims;
using MembershipLedger.Access;
using MembershipLedger.Api.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;

namespace MembershipLedger.Api.Web.Sessions;

/// <summary>
/// Signing in from a browser: a person gives their API key once on the sign-in page; the ledger checks it and keeps a
/// session on the server (<see cref="WebSession"/>), and the browser keeps only a cookie naming it: HttpOnly,
/// SameSite=Strict, Secure over HTTPS. The key itself is never put in a page or a cookie. The session carries the key's
/// claims (who, which role, which group), so every rule that applies to the key applies to the session; revoking the key
/// ends its sessions at their next request.
/// <para>
/// The cookie counts on the pages (<c>/</c> and <c>/web/…</c>), where every form carries an antiforgery token, and on
/// reads of the API (GET), so a signed-in person can download an export. Writes to the API need the key itself: a
/// cookie sent along by another site can never write.
/// </para>
/// </summary>
public static class BrowserSessions
{
    public const string Scheme = "BrowserSession";
    public const string CookieName = "ledger-session";
    private const string Either = "ApiKeyOrSession";

    /// <summary>How long a session lasts without a request; each request made in its second half extends it.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(8);

    public static void AddBrowserSessions(this AuthenticationBuilder authentication)
    {
        authentication.AddPolicyScheme(Either, "An API key, or a browser session", policy =>
                policy.ForwardDefaultSelector = http => UsesSession(http) ? Scheme : ApiKeyAuthentication.SchemeName)
            .AddCookie(Scheme, cookie =>
            {
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = IdleTimeout;
                cookie.SlidingExpiration = true;
                cookie.LoginPath = "/web/sign-in";
                cookie.AccessDeniedPath = "/web/sign-in";
                cookie.ReturnUrlParameter = "returnUrl";
                cookie.Events.OnValidatePrincipal = EndIfKeyRevokedAsync;
            });
        authentication.Services.AddOptions<CookieAuthenticationOptions>(Scheme)
            .Configure<IDocumentStore, IClock>((cookie, store, clock) => cookie.SessionStore = new WebSessionStore(store, clock));
        // Cookies and antiforgery tokens are protected by keys every node shares: a session begun on one node is read by the others.
        authentication.Services.AddDataProtection().SetApplicationName("MembershipLedger");
        authentication.Services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<IDocumentStore>((keys, store) => keys.XmlRepository = new DataProtectionKeys(store));
        authentication.Services.AddHostedService<FirstDataProtectionKey>();
    }

    /// <summary>The scheme every request is authenticated with: the default of the ledger's authentication.</summary>
    public const string DefaultScheme = Either;

    /// <summary>A request that carries no key is read as the browser's session on the pages, and on the API's reads.</summary>
    private static bool UsesSession(HttpContext http) =>
        !ApiKeyAuthentication.HasKey(http.Request)
        && (WebPage.IsPage(http.Request.Path.Value) || HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method));

    private static async Task EndIfKeyRevokedAsync(CookieValidatePrincipalContext context)
    {
        var keyId = context.Principal?.FindFirst(ApiKeyAuthentication.KeyClaim)?.Value;
        var session = context.HttpContext.RequestServices.GetRequiredService<IQuerySession>();
        var key = keyId is null ? null : await session.LoadAsync<ApiKey>(keyId, context.HttpContext.RequestAborted);
        if (key is { IsRevoked: false }) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(Scheme);
    }

    /// <summary>Begins a session for the holder of <paramref name="key"/>: the cookie names the session, never the key.</summary>
    public static Task SignInAsync(HttpContext http, ApiKey key) =>
        http.SignInAsync(Scheme, ApiKeyAuthentication.PrincipalOf(key, Scheme), new AuthenticationProperties { IsPersistent = false });

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);

    /// <summary>"local-admin (admin)", "Darafsh (organizer of tajik-wikimedians)": who a page says is signed in.</summary>
    public static string? Describe(ClaimsPrincipal user) => ApiKeyAuthentication.RoleOf(user) is not { } role ? null
        : $"{user.Identity!.Name} ({Show.Kind(role)}{(ApiKeyAuthentication.GroupOf(user) is { } group ? $" of {group}" : "")})";
}
