using System.Security.Claims;
using MembershipLedger.Access;

namespace MembershipLedger.Api.Access;

/// <summary>
/// Who may do what: each question returns why not (a sentence for the refusal), or null when the caller may go on. The
/// routes ask through <see cref="Policies"/>; the write path asks again of the groups a stream belongs to.
/// </summary>
public static class Permissions
{
    /// <summary>Writes to streams belonging to <paramref name="groupIds"/>: an admin, or an organizer of every one of them.</summary>
    public static string? WhyNotWrite(ClaimsPrincipal user, IEnumerable<string> groupIds)
    {
        switch (ApiKeyAuthentication.RoleOf(user))
        {
            case AccessRole.Admin:
                return null;
            case AccessRole.Organizer:
                var own = ApiKeyAuthentication.GroupOf(user);
                var foreign = groupIds.Where(g => g != own).Distinct().ToList();
                return foreign.Count == 0 ? null : $"An organizer of '{own}' may not write to {string.Join(", ", foreign.Select(g => $"'{g}'"))}.";
            case AccessRole.Auditor:
                return "An auditor's key reads; it does not write.";
            default:
                return $"Writes need an API key (header {ApiKeyAuthentication.Header}).";
        }
    }

    /// <summary>Operations on the whole ledger: imports, erasures, renames, verifying the chain.</summary>
    public static string? WhyNotAdmin(ClaimsPrincipal user) => ApiKeyAuthentication.RoleOf(user) switch
    {
        AccessRole.Admin => null,
        null => $"This needs an admin's API key (header {ApiKeyAuthentication.Header}).",
        _ => "This needs an admin's API key.",
    };

    /// <summary>
    /// Whether the caller sees personal data (e-mails, real names, contact handles): admins and auditors everywhere,
    /// an organizer in their own group. Everyone else reads the public record only.
    /// </summary>
    public static bool SeesPersonalData(ClaimsPrincipal user, string? groupId) => ApiKeyAuthentication.RoleOf(user) switch
    {
        AccessRole.Admin or AccessRole.Auditor => true,
        AccessRole.Organizer => groupId is not null && ApiKeyAuthentication.GroupOf(user) == groupId,
        _ => false,
    };

    /// <summary>Reads that carry personal data in bulk (exports): refused to those who may not see it.</summary>
    public static string? WhyNotPersonalRead(ClaimsPrincipal user, string? groupId) =>
        SeesPersonalData(user, groupId) ? null
        : ApiKeyAuthentication.RoleOf(user) is null ? $"This read includes personal data; it needs an API key (header {ApiKeyAuthentication.Header})."
        : "This read includes personal data your key may not see.";

    /// <summary>The write path's own question, of the groups the stream belongs to: null, or the 401/403 to answer with.</summary>
    public static IResult? RefuseWrite(ClaimsPrincipal user, IEnumerable<string> groupIds) =>
        WhyNotWrite(user, groupIds) is not { } why ? null
        : user.Identity?.IsAuthenticated == true ? Problems.Forbidden(why) : Problems.Unauthorized(why);
}
