using MembershipLedger.Groups;
using MembershipLedger.Memberships;

namespace MembershipLedger.Api.Memberships.Roles;

/// <summary>The body of <c>POST /groups/{groupId}/roles</c>.</summary>
/// <param name="Role"><c>founding-member</c>, <c>designated-contact</c>, <c>key-person</c> or <c>officer</c>.</param>
/// <param name="Title">Required for officers: president, project leader, communication manager, …</param>
/// <param name="From">An instant, or a date meaning the start of that day in the group's zone; leave out when unknown.</param>
public sealed record RoleRequest([MaxLength(120)] string Username, RoleKind Role, [MaxLength(DesignatingRole.MaxTitleLength)] string? Title,
    Effective? From, [MaxLength(500)] string? Reason) : ILedgerRequest, IValidatedRequest, IHasReason
{
    public void Validate(FieldErrors errors)
    {
        if (Username is not null && Usernames.Invalid(Usernames.Normalize(Username), false) is { } why) errors.Add("username", why);
    }
}

/// <summary>What a role write recorded.</summary>
public sealed record RoleChange(string GroupId, string Username, Guid AssignmentId, RoleKind Role, string? Title, Instant? From, Instant? EndedAt, long Version);

public static class DesignateRoleEndpoint
{
    public static Task<(GroupProfile?, StreamTarget<Affiliation>?, IResult)> LoadAsync(
        string groupId, RoleRequest request, IDocumentSession session, CancellationToken ct) =>
        AffiliationStreams.OfAsync(session, groupId, request.Username, ct);

    [WolverinePost("/groups/{groupId}/roles"), Tags("Roles"), EndpointSummary("Designate a role (founding member, designated contact, key person, officer)")]
    [ProducesResponseType<RoleChange>(StatusCodes.Status201Created)]
    public static IResult Post(RoleRequest request, GroupProfile group, IEventStream<Affiliation> stream, IClock clock)
    {
        var from = request.From?.In(group.Profile.TimeZone);
        var command = new DesignateRole(group.Id, Usernames.Normalize(request.Username), request.Role, request.Title, from, Guid.NewGuid());
        var decision = DesignatingRole.Decide(command, stream.Aggregate, clock.GetCurrentInstant());
        return Outcome.Append(stream, decision, http =>
        {
            var designated = (RoleDesignated)decision.Events.Single();
            return Task.FromResult<IResult>(TypedResults.Created($"/groups/{group.Id}/roles/{designated.AssignmentId}",
                new RoleChange(group.Id, designated.Username, designated.AssignmentId, designated.Role, designated.Title, from, null, stream.CurrentVersion ?? 1)));
        });
    }
}
