using MembershipLedger.Groups;
using MembershipLedger.Memberships;

namespace MembershipLedger.Api.Memberships.SignUps;

/// <summary>The body of <c>POST /groups/{groupId}/members</c>.</summary>
/// <param name="Username">The account name as signed (a <c>User:</c> prefix and underscores are fine), or an organization's name.</param>
/// <param name="SignedAt">The signature's instant; leave it out when the page shows no time (an undated sign-up).</param>
/// <param name="Kind"><c>individual</c> (default) or <c>organization</c>.</param>
public sealed record SignUpRequest([MaxLength(120)] string Username, Instant? SignedAt, MemberKind? Kind, [MaxLength(500)] string? Reason)
    : ILedgerRequest, IValidatedRequest, IHasReason
{
    public void Validate(FieldErrors errors)
    {
        if (Username is not null && Usernames.Invalid(Usernames.Normalize(Username), Kind == MemberKind.Organization) is { } why) errors.Add("username", why);
    }
}

/// <summary>The group's members whose names look like the one signing (<see cref="LookAlikes"/>).</summary>
public sealed record NamesAlike(IReadOnlyList<string> Names);

public static class SignUpEndpoint
{
    public static async Task<(GroupProfile?, StreamTarget<Affiliation>?, NamesAlike?, IResult)> LoadAsync(
        string groupId, SignUpRequest request, IDocumentSession session, CancellationToken ct)
    {
        Task<IReadOnlyList<string>>? alike = null;
        var (group, target, result) = await AffiliationStreams.OfAsync(session, groupId, request.Username, ct,
            batch => alike = LookAlikes.AmongMembers(batch, groupId, Usernames.Normalize(request.Username)));
        return (group, target, alike is null ? null : new NamesAlike(await alike), result);
    }

    [WolverinePost("/groups/{groupId}/members"), Tags("Membership"), EndpointSummary("Record a signature on the membership list")]
    [ProducesResponseType<MembershipChange>(StatusCodes.Status201Created)]
    public static IResult Post(SignUpRequest request, GroupProfile group, NamesAlike alike, IEventStream<Affiliation> stream, IClock clock)
    {
        var username = Usernames.Normalize(request.Username);
        // Names that look like this one (one person signing twice?) are shown for a person to decide on, not refused.
        var looksLike = alike.Names;
        var command = new SignUpMember(group.Id, username, request.Kind ?? MemberKind.Individual, request.SignedAt, Guid.NewGuid(), looksLike);
        var decision = SigningUp.Decide(command, stream.Aggregate, clock.GetCurrentInstant());
        return Outcome.Append(stream, decision, http => Task.FromResult<IResult>(TypedResults.Created(
            $"/groups/{group.Id}/members/{Uri.EscapeDataString(username)}",
            AffiliationStreams.Change(decision.Events.Single(), stream.CurrentVersion ?? 1) with { LooksLike = looksLike.Count > 0 ? looksLike : null })));
    }
}
