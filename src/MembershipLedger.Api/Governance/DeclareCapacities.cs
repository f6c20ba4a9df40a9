using MembershipLedger.Api.Memberships;
using MembershipLedger.Governance;
using MembershipLedger.Groups;
using MembershipLedger.Memberships;

namespace MembershipLedger.Api.Governance;

/// <summary>A language and level: <c>{"code": "tg", "level": "native"}</c>.</summary>
public sealed record LanguageRequest([MaxLength(20)] string Code, LanguageLevel Level);

/// <summary>
/// The body of <c>PUT /groups/{groupId}/members/{username}/capacities</c>: all the person's capacities (a new declaration
/// replaces the last). Recorded with the person's consent; <c>published</c> is their choice to be shown publicly.
/// </summary>
public sealed record CapacitiesRequest(LanguageRequest[]? Languages, [MaxLength(40)] string[]? Skills, [MaxLength(40)] string[]? Tags, bool? WouldMentor,
    bool? Published, [MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

/// <summary>The body of <c>DELETE …/capacities</c>: optional.</summary>
public sealed record WithdrawCapacitiesRequest([MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

public static class DeclareCapacitiesEndpoint
{
    public static Task<(GroupProfile?, StreamTarget<Affiliation>?, IResult)> LoadAsync(string groupId, string username, IDocumentSession session, CancellationToken ct) =>
        AffiliationStreams.OfAsync(session, groupId, username, ct);

    [WolverinePut("/groups/{groupId}/members/{username}/capacities"), Tags("Capacities"),
     EndpointSummary("Record a person's capacities (languages, skills, mentoring) for the directory; personal data, opt-in")]
    [ProducesResponseType<CapacityResponse>(StatusCodes.Status200OK)]
    public static IResult Put(string username, CapacitiesRequest request, GroupProfile group, IEventStream<Affiliation> stream, IDocumentSession session) =>
        Outcome.Append(stream, DeclaringCapacities.Declare(new DeclareCapacities(group.Id, Usernames.Normalize(username),
                [.. (request.Languages ?? []).Select(l => new LanguageCapacity(l.Code, l.Level))], request.Skills ?? [], request.Tags ?? [],
                request.WouldMentor ?? false, request.Published ?? false), stream.Aggregate),
            async http => TypedResults.Ok(CapacityResponse.From((await session.LoadAsync<CapacityProfile>(stream.Key!, http.RequestAborted))!)));

    [WolverineDelete("/groups/{groupId}/members/{username}/capacities"), Tags("Capacities"),
     EndpointSummary("Withdraw a person's capacities from the directory")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public static async Task<IResult> Delete(WithdrawCapacitiesRequest request, GroupProfile group, IEventStream<Affiliation> stream, IDocumentSession session, CancellationToken ct) =>
        Outcome.Append(stream, DeclaringCapacities.Withdraw(group.Id, stream.Aggregate, await session.LoadAsync<CapacityProfile>(stream.Key!, ct) is not null),
            _ => Task.FromResult<IResult>(TypedResults.NoContent()));
}

/// <summary>A person's capacities as the directory shows them.</summary>
public sealed record CapacityResponse(string Username, string GroupId, IReadOnlyList<LanguageCapacity> Languages, IReadOnlyList<string> Skills,
    IReadOnlyList<string> Tags, bool WouldMentor, bool Published, Instant DeclaredAt)
{
    public static CapacityResponse From(CapacityProfile p) => new(p.Username, p.GroupId, p.Languages, p.Skills, p.Tags, p.WouldMentor, p.Published, p.DeclaredAt);
}
