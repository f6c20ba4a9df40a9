using MembershipLedger.Activities;

namespace MembershipLedger.Api.Activities.Plans;

/// <summary>The body of <c>PUT /activities/{activityId}</c>: the whole description as it now stands.</summary>
public sealed record ActivityRequest(
    [MaxLength(Planning.MaxGroups)] string[] Groups, ActivityKind Kind, [MaxLength(300)] string Title, PartialDate StartsOn, PartialDate? EndsOn,
    DateTimeZone? TimeZone, [MaxLength(100)] string? City, [MaxLength(2)] string? CountryCode, bool? Online, [MaxLength(50)] string[]? Organizers,
    [MaxLength(500)] string? Reason) : ILedgerRequest, IValidatedRequest, IHasReason, IActivityDescription
{
    public void Validate(FieldErrors errors) => ActivityDescriptions.Check(this, errors);
}

public static class ChangeActivityEndpoint
{
    public static Task<(ActivityDetails?, IResult)> LoadAsync(ActivityRequest request, IDocumentSession session, CancellationToken ct) =>
        ActivityDescriptions.ReadAsync(request, session, ct);

    [WolverinePut("/activities/{activityId}"), Tags("Activities"), EndpointSummary("Change an activity's description (reschedule, move, rename)")]
    [ProducesResponseType<ActivityResponse>(StatusCodes.Status200OK)]
    public static IResult Put(string activityId, ActivityRequest request, ActivityDetails details,
        [WriteAggregate("activityId", Required = false)] IEventStream<Activity> stream, IDocumentSession session) =>
        stream.Aggregate is not { } activity
            ? ActivityAnswers.Unknown(activityId)
            : Outcome.Append(stream, Planning.Change(details, activity), http => ActivityAnswers.OkAsync(session, activity.Id, http));
}
