using MembershipLedger.Api.Groups.Registering;
using MembershipLedger.Api.Memberships.Contacts;
using MembershipLedger.Groups;

namespace MembershipLedger.Api.Groups.Profiles;

/// <summary>The body of <c>PATCH /groups/{groupId}</c>: only the fields to change; the others keep their values.</summary>
public sealed record GroupPatch(
    string? Name, GroupKind? Kind, [MaxLength(2)] string? CountryCode, [MaxLength(20)] string[]? Languages, DateTimeZone? TimeZone,
    PartialDate? FoundedOn, ChannelRequest[]? ContactChannels, [MaxLength(500)] string? Reason) : ILedgerRequest, IValidatedRequest, IHasReason
{
    public void Validate(FieldErrors errors) => GroupEndpoints.CheckCodes(CountryCode, Languages, errors);

    public GroupProfileDetails Over(GroupProfileDetails current) => new(
        Name ?? current.Name, Kind ?? current.Kind, CountryCode ?? current.CountryCode, Languages ?? current.Languages, TimeZone ?? current.TimeZone,
        FoundedOn ?? current.FoundedOn, ContactChannels is null ? current.ContactChannels : [.. ContactChannels.Select(c => c.ToChannel())]);
}

/// <summary>A group's profile replaced (PUT) or changed field by field (PATCH); each change is an event.</summary>
public static class ChangeGroupProfileEndpoint
{
    [WolverinePut("/groups/{groupId}"), Tags("Groups"), EndpointSummary("Replace a group's profile")]
    [ProducesResponseType<GroupResponse>(StatusCodes.Status200OK)]
    public static IResult Put(string groupId, GroupRequest request,
        [WriteAggregate("groupId", Required = false)] IEventStream<GroupProfile> stream, IDocumentSession session) =>
        request.Id is not null
            ? Problems.Invalid("id", "is not a field of this request: a group's id never changes.")
            : Change(groupId, stream, _ => request.Profile(), session);

    [WolverinePatch("/groups/{groupId}"), Tags("Groups"), EndpointSummary("Change some fields of a group's profile")]
    [ProducesResponseType<GroupResponse>(StatusCodes.Status200OK)]
    public static IResult Patch(string groupId, GroupPatch request,
        [WriteAggregate("groupId", Required = false)] IEventStream<GroupProfile> stream, IDocumentSession session) =>
        Change(groupId, stream, request.Over, session);

    private static IResult Change(string groupId, IEventStream<GroupProfile> stream, Func<GroupProfileDetails, GroupProfileDetails> profile, IDocumentSession session) =>
        stream.Aggregate is not { } current
            ? Problems.UnknownGroup(groupId)
            : Outcome.Append(stream, ChangingGroupProfile.Decide(new ChangeGroupProfile(current.Id, profile(current.Profile)), current),
                async http => TypedResults.Ok(GroupResponse.From((await session.LoadAsync<GroupProfile>(current.Id, http.RequestAborted))!)));
}
