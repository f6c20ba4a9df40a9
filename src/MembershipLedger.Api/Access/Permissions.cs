using System.Security.Claims;
using MembershipLedger.Access;
using MembershipLedger.Api.Http;

namespace MembershipLedger.Api.Access;

/// <summary>
/// Who may do what, asked by the endpoints before anything is appended. Each question returns the problem to answer
/// with (401 or 403), or null when the caller may go on.
/// </summary>
public static class Permissions
{
    /// <summary>Writes to streams belonging to <paramref name="groupIds"/>: an admin, or an organizer of every one of them.</summary>
    public static IResult? RefuseWrite(ClaimsPrincipal user, IEnumerable<string> groupIds)
    {
        switch (Keys.RoleOf(user))
        {
            case AccessRole.Admin:
                return null;
            case AccessRole.Organizer:
                var own = Keys.GroupOf(user);
                var foreign = groupIds.Where(g => g != own).Distinct().ToList();
                return foreign.Count == 0
                    ? null
                    : Problems.Forbidden($"An organizer of '{own}' may not write to {string.Join(", ", foreign.Select(g => $"'{g}'"))}.");
            case AccessRole.Auditor:
                return Problems.Forbidden("An auditor's key reads; it does not write.");
            default:
                return Problems.Unauthorized($"Writes need an API key (header {Keys.Header}).");
        }
    }

    public static IResult? RefuseWrite(HttpContext http, params string[] groupIds) => RefuseWrite(http.User, groupIds);

    /// <summary>Operations on the whole ledger: imports, erasures, renames, verifying the chain.</summary>
    public static IResult? RefuseUnlessAdmin(HttpContext http) => Keys.RoleOf(http.User) switch
    {
        AccessRole.Admin => null,
        null => Problems.Unauthorized($"This needs an admin's API key (header {Keys.Header})."),
        _ => Problems.Forbidden("This needs an admin's API key."),
    };

    /// <summary>
    /// Whether the caller sees personal data (e-mails, real names, contact handles): admins and auditors everywhere,
    /// an organizer in their own group. Everyone else reads the public record only.
    /// </summary>
    public static bool SeesPersonalData(ClaimsPrincipal user, string? groupId) => Keys.RoleOf(user) switch
    {
        AccessRole.Admin or AccessRole.Auditor => true,
        AccessRole.Organizer => groupId is not null && Keys.GroupOf(user) == groupId,
        _ => false,
    };

    /// <summary>Reads that carry personal data in bulk (exports): refused to those who may not see it.</summary>
    public static IResult? RefusePersonalRead(HttpContext http, string? groupId) =>
        SeesPersonalData(http.User, groupId) ? null
        : Keys.RoleOf(http.User) is null ? Problems.Unauthorized($"This read includes personal data; it needs an API key (header {Keys.Header}).")
        : Problems.Forbidden("This read includes personal data your key may not see.");
}
