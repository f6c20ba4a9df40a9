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

public static class SignUpEndpoint
{
    public static Task<(GroupProfile?, StreamTarget<Affiliation>?, IResult)> LoadAsync(
        string groupId, SignUpRequest request, IDocumentSession session, CancellationToken ct) =>
        AffiliationStreams.OfAsync(session, groupId, request.Username, ct);

    [WolverinePost("/groups/{groupId}/members"), Tags("Membership"), EndpointSummary("Record a signature on the membership list")]
    [ProducesResponseType<MembershipChange>(StatusCodes.Status201Created)]
    public static async Task<IResult> Post(SignUpRequest request, GroupProfile group, IEventStream<Affiliation> stream,
        IDocumentSession session, IClock clock, CancellationToken ct)
    {
        var username = Usernames.Normalize(request.Username);
        // Names that look like this one (one person signing twice?) are shown for a person to decide on, not refused.
        var looksLike = await LookAlikes.AmongMembersAsync(session, group.Id, username, ct);
        var command = new SignUpMember(group.Id, username, request.Kind ?? MemberKind.Individual, request.SignedAt, Guid.NewGuid(), looksLike);
        var decision = SigningUp.Decide(command, stream.Aggregate, clock.GetCurrentInstant());
        return Outcome.Append(stream, decision, http => Task.FromResult<IResult>(TypedResults.Created(
            $"/groups/{group.Id}/members/{Uri.EscapeDataString(username)}",
            AffiliationStreams.Change(decision.Events.Single(), stream.CurrentVersion ?? 1) with { LooksLike = looksLike.Count > 0 ? looksLike : null })));
    }
}
