using MembershipLedger.Groups;
using MembershipLedger.Memberships;

namespace MembershipLedger.Api.Memberships.Retractions;

/// <summary>The body of a retraction; the reason is required.</summary>
public sealed record RetractionRequest([MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

public static class RetractSignUpEndpoint
{
    public static Task<(GroupProfile?, StreamTarget<Affiliation>?, IResult)> LoadAsync(
        string groupId, string username, IDocumentSession session, CancellationToken ct) =>
        AffiliationStreams.OfAsync(session, groupId, username, ct);

    [WolverinePost("/groups/{groupId}/members/{username}/retraction"), Tags("Membership"), EndpointSummary("Retract a sign-up recorded in error")]
    [ProducesResponseType<MembershipChange>(StatusCodes.Status200OK)]
    public static IResult Post(string username, RetractionRequest request, GroupProfile group, IEventStream<Affiliation> stream)
    {
        var decision = RetractingSignUp.Decide(new RetractSignUp(group.Id, Usernames.Normalize(username), request.Reason), stream.Aggregate);
        return Outcome.Append(stream, decision, AffiliationStreams.Changed(decision, stream));
    }
}
