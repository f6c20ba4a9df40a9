using MembershipLedger.Groups;
using MembershipLedger.Memberships;

namespace MembershipLedger.Api.Memberships.Endings;

/// <summary>The body of the withdrawal and removal requests; an empty body means "now".</summary>
/// <param name="EffectiveAt">An instant, or a date meaning the start of that day in the group's zone; default now.</param>
/// <param name="Reason">Required for a removal.</param>
public sealed record EndMembershipRequest(Effective? EffectiveAt, [MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

/// <summary>A member withdrew, or the group removed them: the same use case, told apart by the route.</summary>
public static class EndMembershipEndpoint
{
    public static Task<(GroupProfile?, StreamTarget<Affiliation>?, IResult)> LoadAsync(
        string groupId, string username, IDocumentSession session, CancellationToken ct) =>
        AffiliationStreams.OfAsync(session, groupId, username, ct);

    [WolverinePost("/groups/{groupId}/members/{username}/withdrawal"), Tags("Membership"), EndpointSummary("Record that a member withdrew")]
    [ProducesResponseType<MembershipChange>(StatusCodes.Status200OK)]
    public static IResult Withdraw(string username, EndMembershipRequest request, GroupProfile group, IEventStream<Affiliation> stream, IClock clock) =>
        End(MembershipEnding.Withdrawal, username, request, group, stream, clock);

    [WolverinePost("/groups/{groupId}/members/{username}/removal"), Tags("Membership"), EndpointSummary("Record that the group removed a member (reason required)")]
    [ProducesResponseType<MembershipChange>(StatusCodes.Status200OK)]
    public static IResult Remove(string username, EndMembershipRequest request, GroupProfile group, IEventStream<Affiliation> stream, IClock clock) =>
        End(MembershipEnding.Removal, username, request, group, stream, clock);

    private static IResult End(MembershipEnding ending, string username, EndMembershipRequest request, GroupProfile group, IEventStream<Affiliation> stream, IClock clock)
    {
        var now = clock.GetCurrentInstant();
        var decision = EndingMembership.Decide(
            new EndMembership(group.Id, Usernames.Normalize(username), ending, request.EffectiveAt?.In(group.Profile.TimeZone) ?? now, request.Reason), stream.Aggregate, now);
        return Outcome.Append(stream, decision, AffiliationStreams.Changed(decision, stream));
    }
}
