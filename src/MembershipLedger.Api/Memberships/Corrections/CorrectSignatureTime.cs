using MembershipLedger.Groups;
using MembershipLedger.Memberships;

namespace MembershipLedger.Api.Memberships.Corrections;

/// <summary>The body of a signature-time correction.</summary>
public sealed record CorrectionRequest(Instant SignedAt, [MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

public static class CorrectSignatureTimeEndpoint
{
    public static Task<(GroupProfile?, StreamTarget<Affiliation>?, IResult)> LoadAsync(
        string groupId, string username, IDocumentSession session, CancellationToken ct) =>
        AffiliationStreams.OfAsync(session, groupId, username, ct);

    [WolverinePost("/groups/{groupId}/members/{username}/correction"), Tags("Membership"), EndpointSummary("Correct a sign-up's signature time")]
    [ProducesResponseType<MembershipChange>(StatusCodes.Status200OK)]
    public static IResult Post(string username, CorrectionRequest request, GroupProfile group, IEventStream<Affiliation> stream, IClock clock)
    {
        var command = new CorrectSignatureTime(group.Id, Usernames.Normalize(username), request.SignedAt, request.Reason);
        var decision = CorrectingSignatureTime.Decide(command, stream.Aggregate, clock.GetCurrentInstant());
        return Outcome.Append(stream, decision, AffiliationStreams.Changed(decision, stream));
    }
}
