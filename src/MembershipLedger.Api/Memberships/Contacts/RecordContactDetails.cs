using MembershipLedger.Groups;
using MembershipLedger.Memberships;
using MembershipLedger.People;

namespace MembershipLedger.Api.Memberships.Contacts;

/// <summary>The body of <c>PUT /groups/{groupId}/members/{username}/contact-details</c>: the whole of what is known; omitted means none.</summary>
/// <param name="Email">An address; the wiki's "name(_AT_)example.org" spelling is accepted.</param>
/// <param name="Handles">Other ways to reach the person, each a kind (telegram, phone, talk-page) and a value.</param>
public sealed record ContactDetailsRequest(
    [MaxLength(RecordingContactDetails.MaxLength)] string? RealName, [MaxLength(RecordingContactDetails.MaxLength)] string? Email,
    ChannelRequest[]? Handles, [MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

/// <summary>One way to reach a person or a group: <c>{"kind": "telegram", "value": "@tajikwiki"}</c>.</summary>
public sealed record ChannelRequest([MaxLength(40)] string Kind, [MaxLength(300)] string Value)
{
    public ContactChannel ToChannel() => new(Kind, Value);
}

public static class RecordContactDetailsEndpoint
{
    public static Task<(GroupProfile?, StreamTarget<Affiliation>?, IResult)> LoadAsync(
        string groupId, string username, IDocumentSession session, CancellationToken ct) =>
        AffiliationStreams.OfAsync(session, groupId, username, ct);

    [WolverinePut("/groups/{groupId}/members/{username}/contact-details"), Tags("Membership"),
     EndpointSummary("Record how to reach a member or contact (personal data: erased on request)")]
    [ProducesResponseType<AffiliationResponse>(StatusCodes.Status200OK)]
    public static IResult Put(string username, ContactDetailsRequest request, GroupProfile group, IEventStream<Affiliation> stream, IDocumentSession session)
    {
        var name = Usernames.Normalize(username);
        var email = request.Email is { } given ? RecordingContactDetails.NormalizeEmail(given) : null;
        var command = new RecordContactDetails(group.Id, name, request.RealName, email, [.. (request.Handles ?? []).Select(h => h.ToChannel())]);
        return Outcome.Append(stream, RecordingContactDetails.Decide(command, stream.Aggregate),
            http => MembershipEndpoints.AffiliationAsync(session, group, name, http, http.RequestAborted));
    }
}
