using Microsoft.AspNetCore.Authorization;
using MembershipLedger.Api.Access;
using MembershipLedger.Api.Memberships.Contacts;
using MembershipLedger.Groups;

namespace MembershipLedger.Api.Groups.Registering;

/// <summary>The body of <c>POST /groups</c> and <c>PUT /groups/{groupId}</c> (the id only on POST).</summary>
/// <param name="Id">Readable slug: lower-case letters, digits and single hyphens, 3–64 characters.</param>
/// <param name="Kind"><c>user-group</c>, <c>chapter</c> or <c>thematic-organization</c>.</param>
/// <param name="CountryCode">ISO 3166-1 alpha-2, e.g. <c>TJ</c>.</param>
/// <param name="TimeZone">IANA zone id, e.g. <c>Asia/Dushanbe</c>.</param>
/// <param name="FoundedOn"><c>2022</c>, <c>2022-05</c> or <c>2022-05-17</c>: only the precision that is known.</param>
public sealed record GroupRequest(
    [MaxLength(64)] string? Id, string Name, GroupKind Kind, [MaxLength(2)] string CountryCode, [MaxLength(20)] string[] Languages,
    DateTimeZone TimeZone, PartialDate? FoundedOn, ChannelRequest[]? ContactChannels, [MaxLength(500)] string? Reason)
    : ILedgerRequest, IValidatedRequest, IHasReason
{
    public void Validate(FieldErrors errors)
    {
        if (Id is not null && !GroupEndpoints.IsGroupId(Id)) errors.Add("id", "must be 3–64 lower-case letters, digits and single hyphens, e.g. tajik-wikimedians.");
        GroupEndpoints.CheckCodes(CountryCode, Languages, errors);
    }

    public GroupProfileDetails Profile() =>
        new(Name, Kind, CountryCode, Languages, TimeZone, FoundedOn, [.. (ContactChannels ?? []).Select(c => c.ToChannel())]);
}

public static class RegisterGroupEndpoint
{
    public static (StreamTarget<GroupProfile>?, IResult) Load(GroupRequest request) =>
        request.Id is null ? (null, Problems.Invalid("id", "is required."))
        : (new StreamTarget<GroupProfile>(request.Id), WolverineContinue.Result());

    [Authorize(Policy = Policies.Admin)]
    [WolverinePost("/groups"), Tags("Groups"), EndpointSummary("Register a group")]
    [ProducesResponseType<GroupResponse>(StatusCodes.Status201Created)]
    public static IResult Post(GroupRequest request, IEventStream<GroupProfile> stream, IDocumentSession session) =>
        Outcome.Append(stream, RegisteringGroup.Decide(new RegisterGroup(request.Id!, request.Profile()), stream.Aggregate),
            async http => TypedResults.Created($"/groups/{request.Id}", GroupResponse.From((await session.LoadAsync<GroupProfile>(request.Id!, http.RequestAborted))!)));
}
