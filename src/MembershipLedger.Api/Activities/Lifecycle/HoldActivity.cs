using MembershipLedger.Activities;

namespace MembershipLedger.Api.Activities.Lifecycle;

/// <summary>The body of <c>POST /activities/{activityId}/held</c> and of a cancellation; a cancellation needs the reason.</summary>
public sealed record LifecycleRequest([MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

public static class HoldActivityEndpoint
{
    [WolverinePost("/activities/{activityId}/held"), Tags("Activities"), EndpointSummary("Record that the activity took place")]
    [ProducesResponseType<ActivityResponse>(StatusCodes.Status200OK)]
    public static IResult Post(string activityId, LifecycleRequest request,
        [WriteAggregate("activityId", Required = false)] IEventStream<Activity> stream, IDocumentSession session, IClock clock) =>
        stream.Aggregate is not { } activity
            ? ActivityAnswers.Unknown(activityId)
            : Outcome.Append(stream, Planning.Hold(activity, clock.GetCurrentInstant().InZone(activity.Details.TimeZone).Date),
                http => ActivityAnswers.OkAsync(session, activity.Id, http));
}
