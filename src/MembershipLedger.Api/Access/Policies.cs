using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using MembershipLedger.Api.Web.Sessions;

namespace MembershipLedger.Api.Access;

/// <summary>
/// Who may do what, declared on the routes as authorization policies and decided by <see cref="Permissions"/>. A refused
/// request gets 401 (no key) or 403 (a key that may not), as problem details saying why.
/// </summary>
public static class Policies
{
    /// <summary>Writes: an admin, or an organizer of the group the route names. Every write endpoint carries it.</summary>
    public const string Write = "write";

    /// <summary>Operations on the whole ledger: registering groups, imports, renames, erasures, verifying the chain.</summary>
    public const string Admin = "admin";

    /// <summary>Reads that carry personal data in bulk (exports): admins and auditors, or an organizer of the route's group.</summary>
    public const string PersonalData = "personal-data";

    public static void AddLedgerAccess(this IServiceCollection services)
    {
        services.AddAuthentication(Web.Sessions.BrowserSessions.DefaultScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null)
            .AddBrowserSessions();
        services.AddAuthorizationBuilder()
            .AddPolicy(Write, p => p.AddRequirements(new Rule(Write, (user, groupId) => Permissions.WhyNotWrite(user, groupId is null ? [] : [groupId]))))
            .AddPolicy(Admin, p => p.AddRequirements(new Rule(Admin, (user, _) => Permissions.WhyNotAdmin(user))))
            .AddPolicy(PersonalData, p => p.AddRequirements(new Rule(PersonalData, Permissions.WhyNotPersonalRead)));
        services.AddSingleton<IAuthorizationHandler, RuleHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, RefusalAsProblem>();
    }

    /// <summary>A requirement decided by one of <see cref="Permissions"/>' questions, given the user and the route's <c>groupId</c>.</summary>
    private sealed record Rule(string Name, Func<System.Security.Claims.ClaimsPrincipal, string?, string?> WhyNot) : IAuthorizationRequirement;

    private sealed class RuleHandler : AuthorizationHandler<Rule>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, Rule requirement)
        {
            var groupId = (context.Resource as HttpContext)?.GetRouteValue("groupId") as string;
            if (requirement.WhyNot(context.User, groupId) is { } why) context.Fail(new AuthorizationFailureReason(this, why));
            else context.Succeed(requirement);
            return Task.CompletedTask;
        }
    }

    /// <summary>Answers a refusal with the reason the rule gave, as 401 without a key and 403 with one.</summary>
    private sealed class RefusalAsProblem : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler _default = new();

        public Task HandleAsync(RequestDelegate next, HttpContext http, AuthorizationPolicy policy, PolicyAuthorizationResult result)
        {
            if (result.Succeeded) return _default.HandleAsync(next, http, policy, result);
            // A request without a key is challenged before its failure is kept: ask the policy's rules again for their reason.
            var groupId = http.GetRouteValue("groupId") as string;
            var why = result.AuthorizationFailure?.FailureReasons.FirstOrDefault()?.Message
                      ?? policy.Requirements.OfType<Rule>().Select(r => r.WhyNot(http.User, groupId)).FirstOrDefault(w => w is not null)
                      ?? $"This needs an API key (header {ApiKeyAuthentication.Header}).";
            return (result.Challenged ? Problems.Unauthorized(why) : Problems.Forbidden(why)).ExecuteAsync(http);
        }
    }
}
