using MembershipLedger.Groups;
using MembershipLedger.Memberships;
using MembershipLedger.People;
using MembershipLedger.Api.Access;
using MembershipLedger.Api.Groups;

namespace MembershipLedger.Api.Memberships;

/// <summary>What a membership write recorded.</summary>
/// <param name="LooksLike">On a sign-up: members whose names look like this one (perhaps one person signing twice), for a person to decide on.</param>
public sealed record MembershipChange(string GroupId, string Username, string Event, Guid SignUpId, Instant? SignedAt, Instant? EffectiveAt, long Version,
    IReadOnlyList<string>? LooksLike = null);

/// <summary>An affiliation's current state. <c>contact</c> is null for readers who may not see personal data.</summary>
public sealed record AffiliationResponse(
    string GroupId, string Username, MemberKind Kind, bool IsMember, Guid? SignUpId, Instant? SignedAt, Instant? EndedAt,
    IReadOnlyList<HeldRole> Roles, PersonContact? Contact, long Version);

public static class MembershipEndpoints
{
    public static void MapMembershipEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/groups/{groupId}/members/{username}", Get).WithTags("Membership")
            .Produces<AffiliationResponse>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A person's current membership and roles in the group");
    }

    private static async Task<IResult> Get(string groupId, string username, HttpContext http, IQuerySession session, CancellationToken ct) =>
        await GroupProfiles.LoadAsync(session, groupId, ct) is { } group
            ? await AffiliationAsync(session, group, Usernames.Normalize(username), http, ct)
            : Problems.UnknownGroup(groupId);

    /// <summary>The person's affiliation with the group now, with contact details only for those who may see personal data.</summary>
    public static async Task<IResult> AffiliationAsync(IQuerySession session, GroupProfile group, string name, HttpContext http, CancellationToken ct)
    {
        var (key, renamed) = await Accounts.StreamKeyAsync(session, group.Id, name, ct);
        if (renamed is not null) return Problems.From(renamed);
        var state = await session.Events.AggregateStreamAsync<Affiliation>(key!, token: ct);
        if (state is null) return Problems.From(LedgerProblem.NotFound("username", $"The ledger has no record of {name} in {group.Id}."));
        Versions.Tag(http.Response, state.Version);
        // Contact details are personal data: shown to admins, auditors and the group's own organizers only.
        var contact = Permissions.SeesPersonalData(http.User, group.Id) ? state.Contact : null;
        return TypedResults.Ok(new AffiliationResponse(group.Id, state.Username, state.Kind, state.IsMember, state.Latest?.Id,
            state.Latest?.SignedAt, state.Latest?.EndedAt, state.Roles.Values.OrderBy(r => r.Role).ToList(), contact, state.Version));
    }
}
